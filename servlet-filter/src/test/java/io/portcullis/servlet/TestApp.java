package io.portcullis.servlet;

import io.portcullis.core.Identity;
import io.portcullis.core.PortcullisConfig;
import io.portcullis.testsupport.MutableClock;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.apache.catalina.Context;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.jspecify.annotations.Nullable;

/**
 * The filter at context path {@code /app} (or another), in front of a servlet that echoes what the
 * application sees, against a {@link TestProvider}: in embedded Jetty 12, or in embedded Tomcat 11
 * when the system property {@code portcullis-test.container} is {@code tomcat} (the build runs the
 * suite once on each). Both containers get the same filter instance, mapped to {@code /*} for
 * {@code REQUEST}, {@code FORWARD}, {@code INCLUDE}, {@code ERROR} and {@code ASYNC}, a session
 * cookie that is HttpOnly and SameSite=Lax, and cookie-only session tracking.
 */
final class TestApp implements AutoCloseable {
  /** The host the applications listen on and the tests' browsers keep their cookies for. */
  static final String HOST = "localhost";

  /**
   * The system property that picks the container: {@code jetty} (default) or {@code tomcat}. Not
   * {@code portcullis.*}: the filter reads those as its configuration and refuses unknown keys.
   */
  static final String CONTAINER_PROPERTY = "portcullis-test.container";

  static final String CLIENT_SECRET = "s3cr3t-client-secret-that-is-long-enough-for-hs256!";
  static final String RULES =
      String.join(
          "\n",
          "/                 permit",
          "/health           permit",
          "GET /reports/**   read:reports",
          "/admin/**         admin",
          "/api/**           read:data",
          "/**               authenticated");

  /**
   * Error pages (for the ERROR-dispatch tests; the echo servlet answers {@code ?status=N} with
   * {@code sendError(N)}): 418 to a page under {@code /admin}, 410 to a public one.
   */
  static final Map<Integer, String> ERROR_PAGES = Map.of(418, "/admin/error-page", 410, "/health");

  /** A TestApp with {@link #ERROR_PAGES}, on either container. */
  static TestApp withErrorPages(TestProvider provider) throws Exception {
    return new TestApp(
        provider,
        Map.of(),
        (context, filter) -> context.errorPages(ERROR_PAGES),
        (context, filter) -> errorPages(context, ERROR_PAGES));
  }

  /** Tomcat's equivalent of {@code web.xml} {@code <error-page>}: status to location. */
  static void errorPages(Context context, Map<Integer, String> pages) {
    pages.forEach(
        (code, location) -> {
          org.apache.tomcat.util.descriptor.web.ErrorPage page =
              new org.apache.tomcat.util.descriptor.web.ErrorPage();
          page.setErrorCode(code);
          page.setLocation(location);
          context.addErrorPage(page);
        });
  }

  private static final BiConsumer<JettyServer.Setup, PortcullisFilter> NO_CUSTOMIZER =
      (context, filter) -> {};

  private final AutoCloseable server;
  private @org.jspecify.annotations.Nullable Server jettyServer;
  final PortcullisFilter filter;
  final MutableClock clock;
  final String base;

  TestApp(TestProvider provider) throws Exception {
    this(provider, Map.of());
  }

  TestApp(TestProvider provider, Map<String, String> overrides) throws Exception {
    this(provider, overrides, NO_CUSTOMIZER);
  }

  /** {@code customizer} sets up Jetty's context before start; Jetty only. */
  TestApp(
      TestProvider provider,
      Map<String, String> overrides,
      BiConsumer<JettyServer.Setup, PortcullisFilter> customizer)
      throws Exception {
    this(provider, overrides, customizer, null);
  }

  /**
   * With a customizer per container, each seeing its container's context before start; {@code
   * tomcatCustomizer} null means the set-up needs Jetty.
   */
  TestApp(
      TestProvider provider,
      Map<String, String> overrides,
      BiConsumer<JettyServer.Setup, PortcullisFilter> customizer,
      @Nullable BiConsumer<Context, PortcullisFilter> tomcatCustomizer)
      throws Exception {
    this("/app", provider, overrides, customizer, tomcatCustomizer);
  }

  /** At another context path: {@code ""} (root), {@code /app}, {@code /a/b}. */
  TestApp(String contextPath, TestProvider provider, Map<String, String> overrides)
      throws Exception {
    this(contextPath, provider, overrides, NO_CUSTOMIZER, (context, filter) -> {});
  }

  private TestApp(
      String contextPath,
      TestProvider provider,
      Map<String, String> overrides,
      BiConsumer<JettyServer.Setup, PortcullisFilter> customizer,
      @Nullable BiConsumer<Context, PortcullisFilter> tomcatCustomizer)
      throws Exception {
    Map<String, String> config = new LinkedHashMap<>();
    config.put("issuer", provider.issuer());
    config.put("client-id", "test-client");
    config.put("client-secret", CLIENT_SECRET);
    config.put("scopes", "openid profile offline_access read:data");
    config.put("rules", RULES);
    config.putAll(overrides);
    config.values().removeIf(v -> v == null || v.isEmpty());
    clock = provider.clock;
    filter = new PortcullisFilter(PortcullisConfig.of(config), clock);
    int port;
    if (onTomcat()) {
      if (tomcatCustomizer == null && customizer != NO_CUSTOMIZER) {
        throw new IllegalStateException("a Jetty customizer needs Jetty");
      }
      TomcatServer tomcat =
          TomcatServer.start(
              contextPath,
              filter,
              new EchoServlet(),
              context -> {
                if (tomcatCustomizer != null) {
                  tomcatCustomizer.accept(context, filter);
                }
              });
      server = tomcat;
      port = tomcat.port();
    } else {
      Server jetty =
          JettyServer.start(
              contextPath, filter, new EchoServlet(), setup -> customizer.accept(setup, filter));
      jettyServer = jetty;
      server = jetty::stop;
      port = ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
    }
    base = "http://" + HOST + ":" + port + contextPath;
    awaitProvider(provider.issuer().equals(config.get("issuer")) && !provider.metadataRefused());
  }

  /**
   * Waits for the provider's metadata. A discovery that times out on a loaded machine (the
   * provider's first answer can take longer than {@code http-timeout} there) is followed by a
   * second attempt after a back-off; the tests' first requests must not fall into that back-off
   * (503), so a live {@link TestProvider} is waited for until it is loaded, up to 60 s. A dead
   * issuer (the outage tests) or metadata the engine is to refuse gets one attempt.
   */
  private void awaitProvider(boolean live) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(live ? 60 : 10).toNanos();
    while (!filter.engine().awaitProvider(Duration.ofSeconds(10))
        && live
        && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
  }

  /** Whether this run uses Tomcat rather than Jetty. */
  static boolean onTomcat() {
    String container = System.getProperty(CONTAINER_PROPERTY, "jetty");
    return switch (container) {
      case "jetty" -> false;
      case "tomcat" -> true;
      default ->
          throw new IllegalStateException(
              CONTAINER_PROPERTY + ": expected jetty or tomcat, got " + container);
    };
  }

  /**
   * Raises Jetty's request header limit (8 KB by default, answered 431) so oversized cookies reach
   * the filter.
   */
  void raiseJettyRequestHeaderLimit(int bytes) {
    Server jetty = jettyServer;
    if (jetty == null) {
      throw new IllegalStateException("a Jetty setting");
    }
    for (org.eclipse.jetty.server.Connector c : jetty.getConnectors()) {
      org.eclipse.jetty.server.HttpConnectionFactory http =
          c.getConnectionFactory(org.eclipse.jetty.server.HttpConnectionFactory.class);
      if (http != null) {
        http.getHttpConfiguration().setRequestHeaderSize(bytes);
      }
    }
  }

  String url(String path) {
    return base + path;
  }

  @Override
  public void close() throws Exception {
    server.close();
  }

  /** Echoes what the application sees, never the token itself (only a hash). */
  static final class EchoServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp)
        throws IOException, jakarta.servlet.ServletException {
      Identity id = PortcullisRequests.identity(req).orElse(null);
      if (req.getRequestURI().endsWith("/m2m-token")) {
        String token =
            PortcullisRequests.clientCredentials(req)
                .token(Set.of(req.getParameter("scope").split(" ")));
        resp.setContentType("application/json");
        resp.getWriter().write("{\"m2mTokenHash\":\"" + hash(token) + "\"}");
        return;
      }
      if (req.getRequestURI().endsWith("/downstream-headers")) {
        java.net.URI api = java.net.URI.create("https://api.example.com/v1/items?x=1");
        String out =
            PortcullisRequests.downstreamHeaders(req, "GET", api)
                .map(
                    h ->
                        "{\"scheme\":\""
                            + h.authorization().substring(0, h.authorization().indexOf(' '))
                            + "\",\"tokenHash\":\""
                            + hash(h.authorization().substring(h.authorization().indexOf(' ') + 1))
                            + "\",\"proof\":"
                            + h.dpop().isPresent()
                            + "}")
                .orElse("{\"none\":true}");
        resp.setContentType("application/json");
        resp.getWriter().write(out);
        return;
      }
      if (req.getDispatcherType() == DispatcherType.REQUEST
          && req.getParameter("forward") != null) {
        req.getRequestDispatcher(req.getParameter("forward")).forward(req, resp);
        return;
      }
      if (req.getDispatcherType() == DispatcherType.REQUEST
          && req.getParameter("include") != null) {
        resp.setContentType("text/plain");
        resp.getWriter().write("before-include|");
        req.getRequestDispatcher(req.getParameter("include")).include(req, resp);
        resp.getWriter().write("|after-include");
        return;
      }
      if (req.getDispatcherType() == DispatcherType.REQUEST && req.getParameter("status") != null) {
        resp.sendError(Integer.parseInt(req.getParameter("status")));
        return;
      }
      if (req.getDispatcherType() == DispatcherType.REQUEST && req.getParameter("async") != null) {
        req.startAsync().dispatch(req.getParameter("async"));
        return;
      }
      if (req.getParameter("session") != null) {
        req.getSession(true).setAttribute("app-data", "x");
      }
      StringBuilder json = new StringBuilder("{");
      json.append("\"path\":\"").append(req.getRequestURI()).append('"');
      json.append(",\"method\":\"").append(req.getMethod()).append('"');
      boolean include = req.getDispatcherType() == DispatcherType.INCLUDE;
      json.append(",\"dispatch\":\"").append(req.getDispatcherType()).append('"');
      json.append(",\"servletPath\":")
          .append(
              jsonString(
                  include
                      ? (String)
                          req.getAttribute(jakarta.servlet.RequestDispatcher.INCLUDE_SERVLET_PATH)
                      : req.getServletPath()));
      json.append(",\"pathInfo\":")
          .append(
              jsonString(
                  include
                      ? (String)
                          req.getAttribute(jakarta.servlet.RequestDispatcher.INCLUDE_PATH_INFO)
                      : req.getPathInfo()));
      json.append(",\"remoteUser\":")
          .append(req.getRemoteUser() == null ? "null" : "\"" + req.getRemoteUser() + "\"");
      json.append(",\"principal\":")
          .append(
              req.getUserPrincipal() == null
                  ? "null"
                  : "\"" + req.getUserPrincipal().getName() + "\"");
      json.append(",\"admin\":").append(req.isUserInRole("admin"));
      json.append(",\"readData\":").append(req.isUserInRole("read:data"));
      json.append(",\"remoteUserHeader\":")
          .append(
              req.getHeader("Remote-User") == null
                  ? "null"
                  : "\"" + req.getHeader("Remote-User") + "\"");
      java.util.List<String> headerNames = new java.util.ArrayList<>();
      for (java.util.Enumeration<String> e = req.getHeaderNames(); e.hasMoreElements(); ) {
        String n = e.nextElement().toLowerCase(java.util.Locale.ROOT);
        if (req.getHeader(n) != null && req.getHeaders(n).hasMoreElements()) {
          headerNames.add(n);
        }
      }
      json.append(",\"headerNames\":\"")
          .append(String.join(" ", new java.util.TreeSet<>(headerNames)))
          .append('"');
      if (req.getMethod().equals("POST") && req.getDispatcherType() == DispatcherType.REQUEST) {
        // Every parameter as the application reads it (query and form), in order.
        StringBuilder form = new StringBuilder();
        for (String name : java.util.Collections.list(req.getParameterNames())) {
          for (String value : req.getParameterValues(name)) {
            form.append(name).append('=').append(value).append('\n');
          }
        }
        json.append(",\"form\":").append(jsonString(form.toString()));
      }
      json.append(",\"identityAttribute\":")
          .append(req.getAttribute(PortcullisRequests.IDENTITY_ATTRIBUTE) != null);
      if (id != null) {
        json.append(",\"scopes\":\"")
            .append(String.join(" ", new java.util.TreeSet<>(id.scopes())))
            .append('"');
        json.append(",\"tokenHash\":\"").append(hash(id.accessToken())).append('"');
        json.append(",\"sessionId\":\"")
            .append(req.getSession(false) == null ? "" : req.getSession(false).getId())
            .append('"');
      }
      json.append('}');
      resp.setContentType("application/json");
      resp.getWriter().write(json.toString());
    }
  }

  /** A JSON string (every character outside printable ASCII escaped), or {@code null}. */
  static String jsonString(@Nullable String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }

  static String hash(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)))
          .substring(0, 16);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
