package io.portcullis.benchmarks.load;

import io.portcullis.core.PortcullisConfig;
import io.portcullis.servlet.PortcullisFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.SessionTrackingMode;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.pac4j.core.config.Config;
import org.pac4j.jee.filter.CallbackFilter;
import org.pac4j.jee.filter.SecurityFilter;
import org.pac4j.oidc.client.OidcClient;
import org.pac4j.oidc.config.OidcConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ClientRegistrations;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.context.ContextLoaderListener;
import org.springframework.web.context.support.AnnotationConfigWebApplicationContext;
import org.springframework.web.filter.DelegatingFilterProxy;

/** The four embedded Jetty 12 servers: the same tiny servlet behind nothing or behind a filter. */
final class Variants {
  /** The protected servlet's body: 50 ASCII bytes. */
  static final String BODY = "hello from the tiny protected servlet, 50 bytes...";

  static final String PATH = "/protected";

  /** The diagnostics' servlet that makes a session (S, N, F). */
  static final String SESSION_PATH = "/session";

  static final String CLIENT_SECRET = "bench-client-secret-that-is-long-enough-for-hs256!";

  static {
    if (BODY.getBytes(StandardCharsets.US_ASCII).length != 50) {
      throw new AssertionError("body is " + BODY.length() + " bytes");
    }
  }

  private Variants() {}

  /** One running server: its name, base URL, and the sessions its container holds. */
  static final class Variant implements AutoCloseable {
    final String key;
    final String name;
    final Server server;
    final String base;
    final Set<HttpSession> sessions;

    /** In-process connector on the same server: the full Jetty stack without sockets. */
    final LocalConnector local;

    /**
     * Where a browser starts to log in: the protected path, or the diagnostics' {@code /session}.
     */
    final String loginPath;

    Variant(
        String key,
        String name,
        Server server,
        String base,
        Set<HttpSession> sessions,
        LocalConnector local,
        String loginPath) {
      this.key = key;
      this.name = name;
      this.server = server;
      this.base = base;
      this.sessions = sessions;
      this.local = local;
      this.loginPath = loginPath;
    }

    String url() {
      return base + PATH;
    }

    @Override
    public void close() throws Exception {
      server.stop();
    }
  }

  static final class TinyServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final byte[] BYTES = BODY.getBytes(StandardCharsets.US_ASCII);

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      resp.setStatus(200);
      resp.setContentType("text/plain");
      resp.setContentLength(BYTES.length);
      resp.getOutputStream().write(BYTES);
    }
  }

  /** Starts the variant named by its key letter (A, S, B, C or D). */
  static Variant start(char key, String issuer) throws Exception {
    return switch (key) {
      case 'A' -> noFilter();
      case 'S' -> sessionOnly();
      case 'N' -> passThroughFilter(false);
      case 'F' -> passThroughFilter(true);
      case 'B' -> portcullis(issuer);
      case 'L' -> portcullisBackChannelLogout(issuer);
      case 'C' -> springSecurity(issuer);
      case 'D' -> pac4j(issuer);
      default ->
          throw new IllegalArgumentException("variants are A, S, N, F, B, L, C and D, not " + key);
    };
  }

  static Variant noFilter() throws Exception {
    return start("A", "no filter", (ctx, base) -> {});
  }

  /**
   * Diagnostic: no filter, but the request carries the cookie of a session the container holds
   * (created by {@code GET /session}), so the container's own session lookup is in the cost.
   */
  static Variant sessionOnly() throws Exception {
    return start(
        "S", "no filter, session cookie", SESSION_PATH, (ctx, base) -> addSessionServlet(ctx));
  }

  /**
   * Diagnostics: the floor under any session-based login filter. A filter that reads one session
   * attribute and passes the request on, unwrapped (N) or in an {@code HttpServletRequestWrapper}
   * answering {@code getRemoteUser()} (F), as a filter must to tell the application who is logged
   * in. Sessions are made by {@code GET /session}.
   */
  static Variant passThroughFilter(boolean wrap) throws Exception {
    return start(
        wrap ? "F" : "N",
        wrap ? "filter reading session, wrapper" : "filter reading session, no wrapper",
        SESSION_PATH,
        (ctx, base) -> {
          addSessionServlet(ctx);
          ctx.addFilter(
              new FilterHolder(
                  new jakarta.servlet.Filter() {
                    @Override
                    public void doFilter(
                        jakarta.servlet.ServletRequest req,
                        jakarta.servlet.ServletResponse res,
                        jakarta.servlet.FilterChain chain)
                        throws IOException, jakarta.servlet.ServletException {
                      HttpServletRequest request = (HttpServletRequest) req;
                      HttpSession session = request.getSession(false);
                      Object user = session == null ? null : session.getAttribute("user");
                      if (!wrap) {
                        chain.doFilter(req, res);
                        return;
                      }
                      chain.doFilter(
                          new jakarta.servlet.http.HttpServletRequestWrapper(request) {
                            @Override
                            public String getRemoteUser() {
                              return (String) user;
                            }
                          },
                          res);
                    }
                  }),
              "/*",
              EnumSet.of(DispatcherType.REQUEST));
        });
  }

  private static void addSessionServlet(ServletContextHandler ctx) {
    ctx.addServlet(
        new ServletHolder(
            new HttpServlet() {
              private static final long serialVersionUID = 1L;

              @Override
              protected void doGet(HttpServletRequest req, HttpServletResponse resp)
                  throws IOException {
                req.getSession(true).setAttribute("user", "someone");
                resp.sendRedirect(PATH);
              }
            }),
        SESSION_PATH);
  }

  static Variant portcullis(String issuer) throws Exception {
    return portcullis("B", "Portcullis", issuer, Map.of());
  }

  /**
   * Portcullis with {@code backchannel-logout-path} set: each request's login is looked up in the
   * (in-memory) logout registry.
   */
  static Variant portcullisBackChannelLogout(String issuer) throws Exception {
    return portcullis(
        "L",
        "Portcullis, back-channel logout on",
        issuer,
        Map.of("backchannel-logout-path", "/backchannel-logout"));
  }

  private static Variant portcullis(
      String key, String name, String issuer, Map<String, String> extra) throws Exception {
    Map<String, String> config = new java.util.HashMap<>(extra);
    config.put("issuer", issuer);
    config.put("client-id", "portcullis-client");
    config.put("client-secret", CLIENT_SECRET);
    config.put("rules", "/** authenticated");
    return start(
        key,
        name,
        (ctx, base) -> {
          PortcullisFilter filter = new PortcullisFilter(PortcullisConfig.of(config));
          ctx.addFilter(new FilterHolder(filter), "/*", EnumSet.of(DispatcherType.REQUEST));
        });
  }

  /** Spring Security's {@code oauth2Login()}, configured programmatically without Spring Boot. */
  @Configuration
  @EnableWebSecurity
  static class SpringSecurityConfig {
    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
      http.authorizeHttpRequests(a -> a.anyRequest().authenticated())
          .oauth2Login(Customizer.withDefaults());
      return http.build();
    }
  }

  static Variant springSecurity(String issuer) throws Exception {
    return start(
        "C",
        "Spring Security oauth2Login",
        (ctx, base) -> {
          ClientRegistration registration =
              ClientRegistrations.fromIssuerLocation(issuer)
                  .registrationId("bench")
                  .clientId("spring-client")
                  .clientSecret(CLIENT_SECRET)
                  .scope("openid", "profile")
                  .build();
          ClientRegistrationRepository repository =
              new InMemoryClientRegistrationRepository(registration);
          AnnotationConfigWebApplicationContext spring =
              new AnnotationConfigWebApplicationContext();
          spring.register(SpringSecurityConfig.class);
          spring.addBeanFactoryPostProcessor(
              bf -> bf.registerSingleton("clientRegistrationRepository", repository));
          ctx.addEventListener(new ContextLoaderListener(spring));
          ctx.addFilter(
              new FilterHolder(new DelegatingFilterProxy("springSecurityFilterChain", spring)),
              "/*",
              EnumSet.of(DispatcherType.REQUEST));
        });
  }

  static Variant pac4j(String issuer) throws Exception {
    return start(
        "D",
        "pac4j",
        (ctx, base) -> {
          OidcConfiguration oidc = new OidcConfiguration();
          oidc.setClientId("pac4j-client");
          oidc.setSecret(CLIENT_SECRET);
          oidc.setDiscoveryURI(issuer + "/.well-known/openid-configuration");
          OidcClient client = new OidcClient(oidc);
          Config config = new Config(base + "/callback", client);
          ctx.addFilter(
              new FilterHolder(new CallbackFilter(config)),
              "/callback",
              EnumSet.of(DispatcherType.REQUEST));
          ctx.addFilter(
              new FilterHolder(new SecurityFilter(config, "OidcClient")),
              PATH,
              EnumSet.of(DispatcherType.REQUEST));
        });
  }

  private interface Customizer2 {
    void accept(ServletContextHandler ctx, String base) throws Exception;
  }

  private static Variant start(String key, String name, Customizer2 customizer) throws Exception {
    return start(key, name, PATH, customizer);
  }

  private static Variant start(String key, String name, String loginPath, Customizer2 customizer)
      throws Exception {
    int port;
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String base = "http://127.0.0.1:" + port;
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    server.addConnector(connector);
    LocalConnector local = new LocalConnector(server);
    server.addConnector(local);
    ServletContextHandler ctx = new ServletContextHandler(ServletContextHandler.SESSIONS);
    ctx.setContextPath("/");
    ctx.getSessionHandler().setSessionTrackingModes(EnumSet.of(SessionTrackingMode.COOKIE));
    Set<HttpSession> sessions = ConcurrentHashMap.newKeySet();
    ctx.getSessionHandler()
        .addEventListener(
            new HttpSessionListener() {
              @Override
              public void sessionCreated(HttpSessionEvent se) {
                sessions.add(se.getSession());
              }

              @Override
              public void sessionDestroyed(HttpSessionEvent se) {
                sessions.remove(se.getSession());
              }
            });
    ctx.addServlet(new ServletHolder(new TinyServlet()), PATH);
    customizer.accept(ctx, base);
    server.setHandler(ctx);
    server.start();
    return new Variant(key, name, server, base, sessions, local, loginPath);
  }
}
