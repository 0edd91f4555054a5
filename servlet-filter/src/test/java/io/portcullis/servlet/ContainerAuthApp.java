package io.portcullis.servlet;

import io.portcullis.testsupport.Browser;
import io.portcullis.testsupport.TestFiles;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.session.StandardManager;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.scan.StandardJarScanner;

/**
 * A legacy WAR secured by its container, deployed at {@code /app} through the container's own web
 * application deployer, so that its {@code WEB-INF/web.xml} (test resource {@code
 * webapps/container-auth}) is honoured as written: security constraints, an
 * {@code @ServletSecurity} servlet ({@link ContainerAuthReportsServlet}), a {@code <login-config>},
 * and no Portcullis rules — only the context-param {@code portcullis.container-auth=true}. The
 * provider's settings are added as {@code portcullis.*} context-params. On embedded Tomcat (whose
 * Jakarta Authentication works without set-up) or, in the Jetty run, Jetty 12.1's {@code ee11}
 * environment with its Jakarta Authentication module set up as the README says ({@link
 * JettyEe11ContainerAuth}); on a free port of localhost.
 */
final class ContainerAuthApp implements AutoCloseable {
  static final String WEB_APP = "webapps/container-auth";

  private final Path baseDir;
  private final Container container;
  final String base;

  /** The container the WAR runs in. */
  interface Container extends AutoCloseable {
    /** The port it listens on, on localhost. */
    int port();

    /** The application's servlet context. */
    ServletContext servletContext();
  }

  /**
   * Starts the WAR; {@code webXml} may edit the descriptor first (another {@code <login-config>}),
   * {@code extra} adds context-params ({@code portcullis.roles-claim}).
   */
  ContainerAuthApp(TestProvider provider, Map<String, String> extra, UnaryOperator<String> webXml)
      throws Exception {
    this("/app", provider, extra, webXml);
  }

  /**
   * At {@code contextPath}: a WAR has one registration per host and context path, so WARs that run
   * side by side need their own.
   */
  ContainerAuthApp(
      String contextPath,
      TestProvider provider,
      Map<String, String> extra,
      UnaryOperator<String> webXml)
      throws Exception {
    baseDir = Files.createTempDirectory("portcullis-war");
    Path docBase = baseDir.resolve("app");
    Files.createDirectories(docBase.resolve("WEB-INF"));
    String descriptor;
    try (InputStream in =
        ContainerAuthApp.class.getClassLoader().getResourceAsStream(WEB_APP + "/WEB-INF/web.xml")) {
      if (in == null) {
        throw new IllegalStateException("test resource " + WEB_APP + " missing");
      }
      descriptor = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Files.writeString(
        docBase.resolve("WEB-INF/web.xml"), webXml.apply(descriptor), StandardCharsets.UTF_8);

    Map<String, String> params = new LinkedHashMap<>();
    params.put("portcullis.issuer", provider.issuer());
    params.put("portcullis.client-id", "test-client");
    params.put("portcullis.client-secret", TestApp.CLIENT_SECRET);
    params.put("portcullis.scopes", "openid profile offline_access read:data");
    params.putAll(extra);
    try {
      container =
          TestApp.onTomcat()
              ? tomcat(baseDir, docBase, contextPath, params)
              : JettyEe11ContainerAuth.start(docBase, contextPath, params);
    } catch (Exception | Error e) {
      TestFiles.deleteTree(baseDir);
      throw e;
    }
    base = "http://localhost:" + container.port() + contextPath;
    awaitProvider();
  }

  /**
   * Whether this run's container has Jakarta Authentication: Tomcat always; Jetty 12.1 in its
   * {@code ee11} environment only, so not in the {@code javax} suite, whose Jetty is {@code ee8}.
   */
  static boolean available() {
    if (TestApp.onTomcat()) {
      return true;
    }
    try {
      Class.forName("org.eclipse.jetty.ee11.security.jaspi.JaspiAuthenticatorFactory");
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /** Tomcat deploys the WAR through its own deployer, as it would from {@code webapps/}. */
  private static Container tomcat(
      Path baseDir, Path docBase, String contextPath, Map<String, String> params) throws Exception {
    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(baseDir.resolve("tomcat").toString());
    Connector connector = new Connector();
    connector.setPort(0);
    connector.setProperty("address", "localhost");
    tomcat.setConnector(connector);
    tomcat.setAddDefaultWebXmlToWebapp(false); // no JSP servlet: the WAR's own servlets only
    if (tomcat.getHost() instanceof org.apache.catalina.core.StandardHost host) {
      host.setErrorReportValveClass(TomcatServer.QuietErrorReportValve.class.getName());
    }
    Context context = tomcat.addWebapp(contextPath, docBase.toString());
    if (context instanceof StandardContext standard) {
      standard.setClearReferencesThreadLocals(false);
      standard.setClearReferencesRmiTargets(false);
    }
    if (context.getJarScanner() instanceof StandardJarScanner scanner) {
      scanner.setScanClassPath(false); // the servlets come from the test class path
    }
    StandardManager sessions = new StandardManager();
    sessions.setPathname(null);
    context.setManager(sessions);
    params.forEach(context::addParameter);
    Container container =
        new Container() {
          @Override
          public int port() {
            return connector.getLocalPort();
          }

          @Override
          public ServletContext servletContext() {
            return context.getServletContext();
          }

          @Override
          public void close() throws Exception {
            tomcat.stop();
            tomcat.destroy();
          }
        };
    try {
      tomcat.start();
    } catch (Exception e) {
      container.close();
      throw e;
    }
    if (!context.getState().isAvailable()) {
      container.close();
      throw new IllegalStateException("the WAR did not start: " + context.getState());
    }
    return container;
  }

  /**
   * Waits until the engine has the provider's metadata (loaded in the background at start-up; until
   * then a login start answers 503), starting logins in throwaway browsers.
   */
  private void awaitProvider() throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      if (new Browser().get(url("/secure/ready")).statusCode() != 503) {
        return;
      }
      Thread.sleep(100);
    }
  }

  /** A client-credentials token for {@code scope}, from the engine the WAR runs. */
  String clientCredentialsToken(String scope) {
    return PortcullisRequests.clientCredentials(container.servletContext())
        .token(java.util.Set.of(scope));
  }

  String url(String path) {
    return base + path;
  }

  @Override
  public void close() throws Exception {
    try {
      container.close();
    } finally {
      TestFiles.deleteTree(baseDir);
    }
  }

  /**
   * What the application sees, as JSON; {@code ?authenticate} calls {@code
   * request.authenticate(response)}, {@code ?logout} calls {@code request.logout()}.
   */
  public static class PageServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp)
        throws IOException, ServletException {
      if (req.getParameter("authenticate") != null && !req.authenticate(resp)) {
        return; // the login has started: the response is the module's
      }
      if (req.getParameter("logout") != null) {
        req.logout();
      }
      resp.setContentType("application/json");
      resp.getWriter().write(describe(req));
    }
  }

  static String describe(HttpServletRequest req) {
    StringBuilder json = new StringBuilder("{");
    json.append("\"path\":").append(TestApp.jsonString(req.getRequestURI()));
    json.append(",\"remoteUser\":").append(TestApp.jsonString(req.getRemoteUser()));
    json.append(",\"principal\":")
        .append(
            TestApp.jsonString(
                req.getUserPrincipal() == null ? null : req.getUserPrincipal().getName()));
    json.append(",\"principalClass\":")
        .append(
            TestApp.jsonString(
                req.getUserPrincipal() == null
                    ? null
                    : req.getUserPrincipal().getClass().getSimpleName()));
    json.append(",\"authType\":").append(TestApp.jsonString(req.getAuthType()));
    for (String role : new String[] {"read:data", "admin", "staff"}) {
      json.append(",\"").append(role).append("\":").append(req.isUserInRole(role));
    }
    json.append(",\"remoteUserHeader\":").append(TestApp.jsonString(req.getHeader("Remote-User")));
    json.append(",\"identity\":")
        .append(PortcullisRequests.identity(req).map(i -> "\"" + i.name() + "\"").orElse("null"));
    return json.append('}').toString();
  }
}
