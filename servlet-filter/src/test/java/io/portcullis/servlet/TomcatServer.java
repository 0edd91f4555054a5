package io.portcullis.servlet;

import io.portcullis.testsupport.TestFiles;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.Servlet;
import jakarta.servlet.SessionTrackingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.session.StandardManager;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.apache.tomcat.util.http.Rfc6265CookieProcessor;

/**
 * Embedded Tomcat with one context: the given filter instance on {@code /*} (every dispatcher type)
 * in front of the given servlet on {@code /*}, the session cookie HttpOnly and SameSite=Lax,
 * sessions tracked by cookie only, listening on a free port of localhost. Tomcat's twin of {@link
 * TestApp}'s Jetty set-up.
 */
final class TomcatServer implements AutoCloseable {
  private final Tomcat tomcat;
  private final Connector connector;
  private final Path baseDir;

  private TomcatServer(Tomcat tomcat, Connector connector, Path baseDir) {
    this.tomcat = tomcat;
    this.connector = connector;
    this.baseDir = baseDir;
  }

  /**
   * Starts Tomcat; {@code customizer} sees the context after the set-up above, before start (to
   * replace the session manager, add valves).
   */
  static TomcatServer start(
      String contextPath, Filter filter, Servlet servlet, Consumer<Context> customizer)
      throws Exception {
    Path baseDir = Files.createTempDirectory("portcullis-tomcat");
    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(baseDir.toString());
    Connector connector = new Connector();
    connector.setPort(0);
    connector.setProperty("address", "localhost");
    tomcat.setConnector(connector);

    // Tomcat's own error pages (for requests it refuses before any filter runs) as a production
    // setup has them: no exception report, no server version.
    if (tomcat.getHost() instanceof org.apache.catalina.core.StandardHost host) {
      host.setErrorReportValveClass(QuietErrorReportValve.class.getName());
    }
    Context context = tomcat.addContext(contextPath, null);
    if (context instanceof StandardContext standard) {
      // Leak detection at stop: slow, and needs --add-opens; these servers stop with the JVM.
      standard.setClearReferencesThreadLocals(false);
      standard.setClearReferencesRmiTargets(false);
    }
    Rfc6265CookieProcessor cookies = new Rfc6265CookieProcessor();
    cookies.setSameSiteCookies("lax");
    context.setCookieProcessor(cookies);
    context.setUseHttpOnly(true);
    StandardManager sessions = new StandardManager();
    sessions.setPathname(null); // no SESSIONS.ser: sessions end with the server, as on Jetty
    context.setManager(sessions);
    context.addServletContainerInitializer(
        (classes, servletContext) ->
            servletContext.setSessionTrackingModes(Set.of(SessionTrackingMode.COOKIE)),
        null);

    FilterDef filterDef = new FilterDef();
    filterDef.setFilterName("portcullis");
    filterDef.setFilter(filter);
    filterDef.setFilterClass(filter.getClass().getName());
    filterDef.setAsyncSupported("true");
    context.addFilterDef(filterDef);
    FilterMap filterMap = new FilterMap();
    filterMap.setFilterName("portcullis");
    filterMap.addURLPattern("/*");
    for (DispatcherType type : DispatcherType.values()) {
      filterMap.setDispatcher(type.name());
    }
    context.addFilterMap(filterMap);
    Tomcat.addServlet(context, "echo", servlet).setAsyncSupported(true);
    context.addServletMappingDecoded("/*", "echo");
    customizer.accept(context);

    TomcatServer server = new TomcatServer(tomcat, connector, baseDir);
    try {
      tomcat.start();
    } catch (Exception e) {
      server.close();
      throw e;
    }
    return server;
  }

  int port() {
    return connector.getLocalPort();
  }

  @Override
  public void close() throws Exception {
    try {
      tomcat.stop();
      tomcat.destroy();
    } finally {
      TestFiles.deleteTree(baseDir);
    }
  }

  /** The stock error report valve without the exception report and server information. */
  public static final class QuietErrorReportValve
      extends org.apache.catalina.valves.ErrorReportValve {
    public QuietErrorReportValve() {
      setShowReport(false);
      setShowServerInfo(false);
    }
  }
}
