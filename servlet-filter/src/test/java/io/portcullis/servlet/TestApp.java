package io.portcullis.servlet;

import io.portcullis.core.Identity;
import io.portcullis.core.PortcullisConfig;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.SessionTrackingMode;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The filter in embedded Jetty 12 at context path {@code /app}, in front of a servlet that echoes
 * what the application sees, against a {@link TestProvider}.
 */
final class TestApp implements AutoCloseable {
  static final String CLIENT_SECRET = "s3cr3t-client-secret-that-is-long-enough-for-hs256!";
  static final String RULES = String.join("\n",
      "/                 permit",
      "/health           permit",
      "GET /reports/**   read:reports",
      "/admin/**         admin",
      "/api/**           read:data",
      "/**               authenticated");

  final Server server;
  final PortcullisFilter filter;
  final MutableClock clock;
  final String base;

  TestApp(TestProvider provider) throws Exception {
    this(provider, Map.of());
  }

  TestApp(TestProvider provider, Map<String, String> overrides) throws Exception {
    this(provider, overrides, (context, filter) -> { });
  }

  TestApp(TestProvider provider, Map<String, String> overrides,
      java.util.function.BiConsumer<ServletContextHandler, PortcullisFilter> customizer) throws Exception {
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
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("localhost");
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
    context.setContextPath("/app");
    context.getSessionHandler().setSessionTrackingModes(Set.of(SessionTrackingMode.COOKIE));
    context.getSessionHandler().setHttpOnly(true);
    context.getSessionHandler().setSameSite(HttpCookie.SameSite.LAX);
    customizer.accept(context, filter);
    context.addFilter(new FilterHolder(filter), "/*", EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(new EchoServlet()), "/*");
    server.setHandler(context);
    server.start();
    base = "http://localhost:" + connector.getLocalPort() + "/app";
    filter.engine().awaitProvider(Duration.ofSeconds(10));
  }

  String url(String path) {
    return base + path;
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }

  /** A clock tests move forward instead of sleeping. */
  static final class MutableClock extends Clock {
    private volatile Duration offset = Duration.ZERO;

    void advance(Duration d) {
      offset = offset.plus(d);
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.now().plus(offset);
    }
  }

  /** Echoes what the application sees, never the token itself (only a hash). */
  static final class EchoServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      Identity id = PortcullisRequests.identity(req).orElse(null);
      if (req.getRequestURI().endsWith("/m2m-token")) {
        String token = PortcullisRequests.clientCredentials(req).token(Set.of(req.getParameter("scope").split(" ")));
        resp.setContentType("application/json");
        resp.getWriter().write("{\"m2mTokenHash\":\"" + hash(token) + "\"}");
        return;
      }
      if (req.getParameter("session") != null) {
        req.getSession(true).setAttribute("app-data", "x");
      }
      StringBuilder json = new StringBuilder("{");
      json.append("\"path\":\"").append(req.getRequestURI()).append('"');
      json.append(",\"method\":\"").append(req.getMethod()).append('"');
      json.append(",\"remoteUser\":").append(req.getRemoteUser() == null ? "null" : "\"" + req.getRemoteUser() + "\"");
      json.append(",\"principal\":").append(req.getUserPrincipal() == null ? "null" : "\"" + req.getUserPrincipal().getName() + "\"");
      json.append(",\"admin\":").append(req.isUserInRole("admin"));
      json.append(",\"readData\":").append(req.isUserInRole("read:data"));
      json.append(",\"remoteUserHeader\":").append(req.getHeader("Remote-User") == null ? "null" : "\"" + req.getHeader("Remote-User") + "\"");
      if (id != null) {
        json.append(",\"scopes\":\"").append(String.join(" ", new java.util.TreeSet<>(id.scopes()))).append('"');
        json.append(",\"tokenHash\":\"").append(hash(id.accessToken())).append('"');
        json.append(",\"sessionId\":\"").append(req.getSession(false) == null ? "" : req.getSession(false).getId()).append('"');
      }
      json.append('}');
      resp.setContentType("application/json");
      resp.getWriter().write(json.toString());
    }
  }

  static String hash(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
