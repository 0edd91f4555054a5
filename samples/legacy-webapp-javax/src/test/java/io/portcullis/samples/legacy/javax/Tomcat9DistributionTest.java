package io.portcullis.samples.legacy.javax;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.samples.provider.DemoProvider;
import io.portcullis.testsupport.Browser;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The javax build of the legacy sample WAR on a real Tomcat 9, installed the way an operator
 * installs it: the standalone distribution (unpacked under {@code target/} by the build), a {@code
 * CATALINA_BASE} of its own under {@code target/} with the stock {@code conf/} (only the ports
 * changed to free ones), the WAR dropped into {@code webapps/} as {@code apps#legacy.war} (context
 * path {@code /apps/legacy}), the provider named by {@code PORTCULLIS_ISSUER}, and Tomcat started
 * with {@code catalina.sh run}. A scripted browser then logs in through the demo provider's login
 * page: the login, a page whose scope is asked for on demand, a 403, and the logout. The 403, a
 * forged callback's 400 and, on a second Tomcat whose issuer nobody answers, the 503 are shown by
 * the WAR's own error page ({@code web.xml}'s {@code <error-page>} mappings and {@code
 * container-error-pages}).
 */
class Tomcat9DistributionTest {
  private static final String CONTEXT = "/apps/legacy";

  /** The WAR's ErrorPageServlet, never Portcullis's page or Tomcat's report. */
  private static final String APP_ERROR_PAGE = "<div id=\"sample-error-page\">";

  private static Path home;
  private static Path war;
  private static DemoProvider provider;
  private static Catalina tomcat;
  private static URI app;
  private static String startLog;

  @BeforeAll
  static void start() throws Exception {
    home = Path.of(System.getProperty("tomcat9.home"));
    war = Path.of(System.getProperty("javax.war"));
    assertThat(home.resolve("bin/catalina.sh")).as("the unpacked Tomcat 9 distribution").exists();
    assertThat(war).as("the javax WAR").exists();
    provider = new DemoProvider(0);
    // Ready: a page that needs a login redirects to the provider instead of answering 503.
    tomcat = Catalina.start(home, war, provider.issuer(), 302);
    app = tomcat.app;
    // Later tests log refusals (the forged callback's WARNING): the start is judged on its own.
    startLog = tomcat.log();
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (tomcat != null) {
        tomcat.close();
      }
    } finally {
      if (provider != null) {
        provider.close();
      }
    }
  }

  @Test
  void warHoldsTheJavaxFilterArtifactAndAServlet40WebXml() throws Exception {
    try (ZipFile war = new ZipFile(System.getProperty("javax.war"))) {
      List<String> libs =
          war.stream()
              .map(e -> e.getName())
              .filter(n -> n.startsWith("WEB-INF/lib/portcullis-servlet"))
              .toList();
      assertThat(libs).containsExactly("WEB-INF/lib/portcullis-servlet-javax-0.1.0-SNAPSHOT.jar");
      String webXml =
          new String(
              war.getInputStream(war.getEntry("WEB-INF/web.xml")).readAllBytes(),
              StandardCharsets.UTF_8);
      assertThat(webXml)
          .contains("http://xmlns.jcp.org/xml/ns/javaee")
          .contains("version=\"4.0\"")
          .contains("http://xmlns.jcp.org/xml/ns/javaee/web-app_4_0.xsd")
          .doesNotContain("jakarta");
    }
  }

  @Test
  void startedOnTomcat9WithTheFilterAtTheContextPath() throws Exception {
    String log = startLog;
    assertThat(log).contains("Apache Tomcat/9.0.").contains("portcullis: protecting " + CONTEXT);
    assertThat(log).doesNotContain("SEVERE").doesNotContain("WARNING").doesNotContain("Exception");
  }

  @Test
  void loginThenScopeOnDemandThen403ThenLogout() throws Exception {
    Browser browser = new Browser();
    HttpResponse<String> home = browser.get(app);
    assertThat(home.statusCode()).isEqualTo(200);
    assertThat(home.body())
        .contains("not logged in")
        .as("the links stay under the context path")
        .contains("<a href=\"" + CONTEXT + "/profile\">Log in</a>")
        .doesNotContain("href=\"/profile\"");
    assertThat(browser.get(app.resolve("health")).body()).isEqualTo("ok");

    HttpResponse<String> profile = browser.navigate(app.resolve("profile"), "alice");
    assertThat(profile.statusCode()).isEqualTo(200);
    assertThat(profile.uri()).isEqualTo(app.resolve("profile"));
    assertThat(profile.body()).contains("Logged in as <b>alice</b>").contains("read:data");
    assertThat(browser.logins).isEqualTo(1);
    assertThat(browser.cookies("localhost")).containsKey("JSESSIONID");

    // A scope-protected page: read:reports was not asked for at login; one step-up grants it.
    HttpResponse<String> reports = browser.navigate(app.resolve("reports"), "alice");
    assertThat(reports.statusCode()).isEqualTo(200);
    assertThat(reports.body()).contains("Quarterly reports for <b>alice</b>");
    assertThat(browser.logins).isEqualTo(2);

    HttpResponse<String> data = browser.get(app.resolve("api/data"), "Accept", "application/json");
    assertThat(data.statusCode()).isEqualTo(200);
    assertThat(data.body()).contains("\"user\":\"alice\"");

    // admin is never granted to alice: 403 after one refused step-up, shown by the WAR's own
    // error page (web.xml's error-page for 403, container-error-pages) with the reason code.
    HttpResponse<String> admin = browser.navigate(app.resolve("admin"), "alice");
    assertThat(admin.statusCode()).isEqualTo(403);
    assertAppErrorPage(admin, 403, "scope.missing");
    HttpResponse<String> adminApi = browser.get(app.resolve("admin"), "Accept", "application/json");
    assertThat(adminApi.statusCode()).isEqualTo(403);
    assertThat(adminApi.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    assertThat(adminApi.body()).doesNotContain(APP_ERROR_PAGE);

    HttpResponse<String> form = browser.get(app.resolve("logout"));
    assertThat(form.statusCode()).isEqualTo(200);
    String csrf = form.body().replaceAll("(?s).*name=\"csrf\" value=\"([^\"]+)\".*", "$1");
    HttpResponse<String> out = browser.post(app.resolve("logout"), "csrf=" + csrf);
    assertThat(out.statusCode()).isEqualTo(302);
    assertThat(out.headers().firstValue("Location").orElseThrow()).contains("/endsession?");
    assertThat(browser.get(app).body()).contains("not logged in");
    HttpResponse<String> api = browser.get(app.resolve("api/data"), "Accept", "application/json");
    assertThat(api.statusCode()).isEqualTo(401);
    assertThat(api.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
  }

  @Test
  void callbackWhenStateIsForgedThenTheWarsOwn400Page() throws Exception {
    Browser browser = new Browser();
    assertThat(browser.get(app.resolve("profile")).statusCode()).isEqualTo(302);

    HttpResponse<String> callback =
        browser.get(app.resolve("oauth2/callback?code=stolen-code&state=forged-state"));

    assertThat(callback.statusCode()).isEqualTo(400);
    assertAppErrorPage(callback, 400, "state.");
    assertThat(callback.body()).doesNotContain("stolen-code").doesNotContain("forged-state");
  }

  @Test
  void profileWhenProviderDownThenTheWarsOwn503Page() throws Exception {
    // PORTCULLIS_ISSUER is Tomcat's whole environment: a second Tomcat, its issuer a dead port.
    try (Catalina down =
        Catalina.start(home, war, "http://127.0.0.1:" + freePort() + "/nobody", 503)) {
      HttpResponse<String> profile = new Browser().get(down.app.resolve("profile"));

      assertThat(profile.statusCode()).isEqualTo(503);
      assertThat(profile.headers().firstValue("Retry-After")).isPresent();
      assertAppErrorPage(profile, 503, "login.unavailable");
      HttpResponse<String> api =
          new Browser().get(down.app.resolve("profile"), "Accept", "application/json");
      assertThat(api.headers().firstValue("Content-Type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
      assertThat(api.body()).doesNotContain(APP_ERROR_PAGE);
    }
  }

  /**
   * {@code response} is the WAR's own error page for {@code status} with a reason code starting
   * with {@code reason}, its links under the context path, and no stack trace.
   */
  private static void assertAppErrorPage(HttpResponse<String> response, int status, String reason) {
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    assertThat(response.body())
        .contains(APP_ERROR_PAGE)
        .contains("Status <b id=\"status\">" + status + "</b>")
        .containsPattern(
            "Reason: <code id=\"reason\">"
                + java.util.regex.Pattern.quote(reason)
                + "[a-z_.]*</code>")
        .contains("<a href=\"" + CONTEXT + "/\">Back to the home page</a>")
        .doesNotContain("Exception")
        .doesNotContain("Apache Tomcat");
  }

  @Test
  void sessionCookieWhenLoggedInThenHttpOnlyAndSameSiteLax() throws Exception {
    Browser browser = new Browser();
    HttpResponse<String> toProvider = browser.get(app.resolve("profile"));
    HttpResponse<String> loginPage = browser.get(redirect(toProvider));
    assertThat(Browser.isLoginPage(loginPage)).isTrue();
    HttpResponse<String> toCallback = browser.submitLogin(loginPage, "carol");
    HttpResponse<String> callback = browser.get(redirect(toCallback));
    assertThat(callback.statusCode()).isEqualTo(302);
    assertThat(callback.headers().allValues("Set-Cookie"))
        .filteredOn(c -> c.startsWith("JSESSIONID="))
        .singleElement()
        .satisfies(
            c ->
                assertThat(c)
                    .contains("Path=" + CONTEXT)
                    .contains("HttpOnly")
                    .contains("SameSite=Lax"));
  }

  private static URI redirect(HttpResponse<String> response) {
    assertThat(response.statusCode()).isEqualTo(302);
    return response.uri().resolve(response.headers().firstValue("Location").orElseThrow());
  }

  @Test
  void adminWhenUserIsAdminThenAdminPageAndIsUserInRole() throws Exception {
    Browser browser = new Browser();
    HttpResponse<String> admin = browser.navigate(app.resolve("admin"), "admin");
    assertThat(admin.statusCode()).isEqualTo(200);
    assertThat(admin.body())
        .contains("Welcome, administrator <b>admin</b>")
        .contains("isUserInRole(\"admin\")</code> is <b>true</b>");
  }

  @Test
  void contextPartSpelledOtherwiseThenRefused() throws Exception {
    Browser bob = new Browser();
    assertThat(bob.navigate(app.resolve("profile"), "bob").statusCode()).isEqualTo(200);
    URI server = app.resolve("/");
    for (String target : List.of("/apps/%6cegacy/admin", "/apps/x/../legacy/admin")) {
      HttpResponse<String> r = bob.get(server.resolve(target), "Accept", "application/json");
      assertThat(r.statusCode()).as(target + ": " + r.body()).isIn(400, 403, 404);
      assertThat(r.body()).doesNotContain("Welcome, administrator");
    }
  }

  /**
   * One Tomcat 9 of the distribution: a {@code CATALINA_BASE} of its own under {@code target/} with
   * the stock {@code conf/} (only the ports changed), the WAR as {@code webapps/apps#legacy.war},
   * the issuer in {@code PORTCULLIS_ISSUER}, started with {@code catalina.sh run}.
   */
  private static final class Catalina implements AutoCloseable {
    final Process process;
    final Path base;
    final URI app;

    private Catalina(Process process, Path base, URI app) {
      this.process = process;
      this.base = base;
      this.app = app;
    }

    /**
     * Starts Tomcat and waits until {@code CONTEXT/profile} answers {@code readyStatus}: the
     * application is deployed and its filter has decided about the provider.
     */
    static Catalina start(Path home, Path war, String issuer, int readyStatus) throws Exception {
      Path base = Files.createTempDirectory(home.getParent(), "catalina-base-");
      for (String dir : List.of("conf", "logs", "temp", "webapps", "work")) {
        Files.createDirectories(base.resolve(dir));
      }
      try (Stream<Path> conf = Files.list(home.resolve("conf"))) {
        for (Path file : conf.filter(Files::isRegularFile).toList()) {
          Files.copy(file, base.resolve("conf").resolve(file.getFileName()));
        }
      }
      int port = freePort();
      Path serverXml = base.resolve("conf/server.xml");
      String server = Files.readString(serverXml);
      server = replaceOnce(server, "<Server port=\"8005\"", "<Server port=\"-1\"");
      server =
          replaceOnce(
              server,
              "<Connector port=\"8080\" protocol=\"HTTP/1.1\"",
              "<Connector port=\"" + port + "\" address=\"127.0.0.1\" protocol=\"HTTP/1.1\"");
      Files.writeString(serverXml, server);
      Files.copy(war, base.resolve("webapps/apps#legacy.war"), StandardCopyOption.REPLACE_EXISTING);

      ProcessBuilder catalina =
          new ProcessBuilder("/bin/sh", home.resolve("bin/catalina.sh").toString(), "run")
              .redirectErrorStream(true)
              .redirectOutput(base.resolve("logs/catalina.out").toFile());
      Map<String, String> env = catalina.environment();
      env.keySet().removeIf(k -> k.startsWith("CATALINA_") || k.startsWith("PORTCULLIS_"));
      env.put("JAVA_HOME", System.getProperty("java.home"));
      env.put("CATALINA_HOME", home.toString());
      env.put("CATALINA_BASE", base.toString());
      env.put("PORTCULLIS_ISSUER", issuer);
      Catalina started =
          new Catalina(
              catalina.start(), base, URI.create("http://localhost:" + port + CONTEXT + "/"));
      try {
        started.awaitReady(readyStatus, Duration.ofSeconds(90));
      } catch (Exception | AssertionError e) {
        started.close();
        throw e;
      }
      return started;
    }

    private void awaitReady(int readyStatus, Duration timeout) throws Exception {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new AssertionError("Tomcat exited:\n" + log());
        }
        try {
          if (new Browser().get(app.resolve("profile")).statusCode() == readyStatus) {
            return;
          }
        } catch (IOException notYet) {
          // not listening yet
        }
        Thread.sleep(250);
      }
      throw new AssertionError("Tomcat did not serve " + CONTEXT + "/profile:\n" + log());
    }

    String log() throws IOException {
      return Files.readString(base.resolve("logs/catalina.out"));
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy(); // SIGTERM: Tomcat's shutdown hook stops it cleanly
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private static String replaceOnce(String text, String from, String to) {
    assertThat(text).as("server.xml holds " + from).contains(from);
    return text.replaceFirst(java.util.regex.Pattern.quote(from), to);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
