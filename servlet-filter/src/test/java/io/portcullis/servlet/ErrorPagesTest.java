package io.portcullis.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testsupport.Browser;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 12 AC8, the application's own error pages: with {@code container-error-pages=403, 400 503}
 * a browser's {@code 403}, {@code 503} and callback {@code 400} go through {@code sendError}, so
 * the container shows the error page the application maps for the status ({@code <error-page>},
 * here declared through each container's API), with Portcullis's reason in request attributes; API
 * answers stay JSON. On Jetty and Tomcat (the suite's two passes).
 *
 * <p>The application maps 403 to {@code /errors/403} and 400 to {@code /errors/400}, both behind
 * {@code /** authenticated}, and 503 to {@code /errors/public/503}, which is public; it maps no
 * 502, and the key does not list it.
 */
class ErrorPagesTest extends IntegrationTest {
  static final String RULES =
      String.join(
          "\n",
          "/                 permit",
          "/health           permit",
          "/errors/public/** permit",
          "/admin/**         admin",
          "/api/**           read:data",
          "/**               authenticated");
  static final Map<Integer, String> ERROR_PAGES =
      Map.of(403, "/errors/403", 400, "/errors/400", 503, "/errors/public/503");

  /** Hides IntegrationTest's: the same servers, with the key set and the application's pages. */
  @BeforeAll
  static void startServers() throws Exception {
    LeakCheck.install();
    provider = new TestProvider();
    app = withErrorPages(provider, Map.of());
  }

  /** A TestApp with {@code container-error-pages}, {@link #RULES} and the error pages. */
  static TestApp withErrorPages(TestProvider provider, Map<String, String> overrides)
      throws Exception {
    Map<String, String> config = new java.util.HashMap<>(overrides);
    config.put("container-error-pages", "403, 400 503");
    config.put("rules", RULES);
    return new TestApp(
        provider,
        config,
        (context, filter) -> {
          context.errorPages(ERROR_PAGES);
          context.addServlet(new AppErrorPage(), "/errors/*");
        },
        (context, filter) -> {
          TestApp.errorPages(context, ERROR_PAGES);
          org.apache.catalina.startup.Tomcat.addServlet(context, "errors", new AppErrorPage());
          context.addServletMappingDecoded("/errors/*", "errors");
        });
  }

  /** The application's branded error page: what a JSP would print from the request attributes. */
  static final class AppErrorPage extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      resp.setContentType("text/html;charset=UTF-8");
      resp.getWriter()
          .write(
              "<html><body><h1>ACME Corp</h1>"
                  + line("status", req.getAttribute(RequestDispatcher.ERROR_STATUS_CODE))
                  + line("uri", req.getAttribute(RequestDispatcher.ERROR_REQUEST_URI))
                  + line("reason", req.getAttribute(PortcullisRequests.REASON_ATTRIBUTE))
                  + line("message", req.getAttribute(PortcullisRequests.MESSAGE_ATTRIBUTE))
                  + line("portcullis-status", req.getAttribute(PortcullisRequests.STATUS_ATTRIBUTE))
                  + line("retry", req.getAttribute(PortcullisRequests.RETRY_URL_ATTRIBUTE))
                  + line("user", req.getRemoteUser())
                  + line("dispatch", req.getDispatcherType())
                  + line("method", req.getMethod())
                  + "</body></html>");
    }

    private static String line(String name, Object value) {
      return "<p>" + name + "=" + value + "</p>";
    }
  }

  /**
   * The body of a page that is the application's error page, not Portcullis's or the container's.
   */
  private static void assertAppPage(HttpResponse<String> r, int status, String reason) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.body())
        .contains("<h1>ACME Corp</h1>", "status=" + status, "reason=" + reason, "dispatch=ERROR")
        .contains("portcullis-status=" + status)
        .doesNotContain("Exception", " at io.", "Powered by", "Apache Tomcat");
    assertThat(r.headers().firstValue("Cache-Control").orElse("")).contains("no-store");
    assertThat(r.headers().firstValue("Location")).as("no login started").isEmpty();
  }

  @Test
  void missingScopeWhenBrowserThenTheApplicationsPageShowsScopeMissing() {
    provider.withhold("admin");
    try {
      Browser alice = browser();
      login(alice, "/profile");
      HttpResponse<String> r = alice.follow(alice.get(app.url("/admin/users"))); // after step-up
      assertThat(r.uri().toString()).isEqualTo(app.url("/admin/users"));
      assertAppPage(r, 403, "scope.missing");
      assertThat(r.body())
          .contains(
              "user=alice",
              "uri=/app/admin/users",
              "message=This page needs a scope your sign-in was not granted.",
              "retry=null");
      // A HEAD gets the same status, no body.
      HttpResponse<String> head = alice.send("HEAD", app.url("/admin/users"), Map.of(), null);
      assertThat(head.statusCode()).isEqualTo(403);
      assertThat(head.body()).isEmpty();
      // A forward to a path the user may not see: the same page.
      HttpResponse<String> forward =
          alice.get(app.url("/health?forward=" + Browser.enc("/admin/users")));
      assertAppPage(forward, 403, "scope.missing");
      assertThat(forward.body()).doesNotContain("servletPath");
      // The API answer stays JSON, not the page.
      HttpResponse<String> api =
          alice.get(app.url("/admin/users"), Map.of("Accept", "application/json"));
      assertThat(api.statusCode()).isEqualTo(403);
      assertThat(api.body()).startsWith("{\"error\":\"insufficient_scope\"").doesNotContain("ACME");
      assertThat(api.headers().firstValue("WWW-Authenticate").orElse(""))
          .contains("insufficient_scope");
    } finally {
      provider.withhold();
    }
  }

  @Test
  void badCallbackWhenLoggedInThenTheApplicationsPageShowsTheReasonAndStartAgain() {
    Browser alice = browser();
    login(alice, "/profile");
    int tokenRequests = provider.tokenRequests.get();
    HttpResponse<String> r =
        alice.get(app.url("/oauth2/callback?state=forged-state&code=made-up-code"));
    assertAppPage(r, 400, "state.unknown");
    assertThat(r.body())
        .contains("retry=/app/oauth2/callback?return_to=%2F", "user=alice")
        .doesNotContain("made-up-code", "forged-state");
    assertThat(r.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
    assertThat(provider.tokenRequests.get()).isEqualTo(tokenRequests);
  }

  @Test
  void badCallbackWhenTheErrorPageNeedsALoginThenPortcullisOwnPageWithTheSameStatus() {
    // Anonymous: the application's 400 page is behind /** authenticated, and an error dispatch
    // starts no login. Portcullis answers its own 400 page: no 403, no login loop, no 5xx.
    Browser anonymous = browser();
    String callback = callbackFor(anonymous, startLogin(anonymous, "/profile"));
    HttpResponse<String> r = anonymous.get(Browser.withParam(callback, "state", "forged"));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body())
        .contains("Reason: state.unknown", "Start again")
        .doesNotContain("ACME", "Exception", " at io.");
    assertThat(r.headers().firstValue("Location")).isEmpty();
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    assertNotLoggedIn(anonymous);
  }

  @Test
  void statusNotListedWhenBrowserThenPortcullisOwnPage() {
    // 502 (the provider refused the sign-in) is neither mapped nor listed: Portcullis's page, not
    // the container's default one (Jetty's prints the request URI with its query).
    Browser anonymous = browser();
    String failed = callbackWithError(anonymous, "server_error");
    HttpResponse<String> r = anonymous.get(failed);
    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(r.body())
        .contains("Reason: provider.server_error")
        .doesNotContain("ACME", "Exception", " at io.", "Powered by", "Apache Tomcat")
        .doesNotContain(Browser.param(failed, "state"));
  }

  @Test
  void providerDownWhenBrowserThenTheApplicationsPublicPageShowsLoginUnavailable()
      throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (TestApp down =
        withErrorPages(
            provider,
            Map.of("issuer", "http://localhost:" + port + "/default", "http-timeout", "1"))) {
      Browser browser = browser();
      HttpResponse<String> r = browser.get(down.url("/profile"));
      assertAppPage(r, 503, "login.unavailable");
      assertThat(r.body()).contains("user=null", "uri=/app/profile");
      assertThat(r.headers().firstValue("Retry-After")).isPresent();
      HttpResponse<String> api =
          browser.get(down.url("/profile"), Map.of("Accept", "application/json"));
      assertThat(api.body()).startsWith("{").doesNotContain("ACME");
    }
  }
}
