package io.portcullis.servlet;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.Servlet;
import jakarta.servlet.SessionTrackingMode;
import java.util.EnumSet;
import java.util.EventListener;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.eclipse.jetty.ee10.servlet.ErrorPageErrorHandler;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.session.DatabaseAdaptor;
import org.eclipse.jetty.session.JDBCSessionDataStore;
import org.eclipse.jetty.session.NullSessionCache;

/**
 * Embedded Jetty 12 ({@code ee10}) with one context: the given filter instance on {@code /*} (every
 * dispatcher type) in front of the given servlet on {@code /*}, the session cookie HttpOnly and
 * SameSite=Lax, sessions tracked by cookie only, listening on a free port of localhost. {@link
 * TomcatServer}'s twin.
 *
 * <p>The only test class that names a Jetty environment ({@code ee10} here): the {@code javax}
 * build (servlet-filter-javax) runs this suite on Jetty's {@code ee8} environment with its own
 * JettyServer of the same shape, so tests reach the context only through {@link Setup}.
 */
final class JettyServer {
  private JettyServer() {}

  /** What a test may set up in the context before start. */
  interface Setup {
    /** Maps error codes to error page locations. */
    void errorPages(Map<Integer, String> pages);

    /** Adds a filter of the application's on {@code /*}, before Portcullis's. */
    void addFilterFirst(Filter filter);

    /** Adds a servlet of the application's on {@code pathSpec}, beside the test's servlet. */
    void addServlet(Servlet servlet, String pathSpec);

    /** Adds a listener of the application's (it runs before the filters are initialised). */
    void addListener(EventListener listener);

    /**
     * Sessions in Jetty's JDBC session data store at {@code url} ({@code driver}), behind a {@link
     * NullSessionCache}: every request loads the session from the database and saves it back.
     */
    JDBCSessionDataStore jdbcSessions(String driver, String url);
  }

  /** Starts Jetty; {@code customizer} sees the context after the set-up above, before start. */
  static Server start(
      String contextPath, Filter filter, Servlet servlet, Consumer<Setup> customizer)
      throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("localhost");
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
    context.setContextPath(contextPath.isEmpty() ? "/" : contextPath);
    context.getSessionHandler().setSessionTrackingModes(Set.of(SessionTrackingMode.COOKIE));
    context.getSessionHandler().setHttpOnly(true);
    context.getSessionHandler().setSameSite(HttpCookie.SameSite.LAX);
    customizer.accept(
        new Setup() {
          @Override
          public void errorPages(Map<Integer, String> pages) {
            ErrorPageErrorHandler errorPages = new ErrorPageErrorHandler();
            pages.forEach(errorPages::addErrorPage);
            context.setErrorHandler(errorPages);
          }

          @Override
          public void addFilterFirst(Filter first) {
            context.addFilter(new FilterHolder(first), "/*", EnumSet.of(DispatcherType.REQUEST));
          }

          @Override
          public void addServlet(Servlet servlet, String pathSpec) {
            context.addServlet(new ServletHolder(servlet), pathSpec);
          }

          @Override
          public void addListener(EventListener listener) {
            context.addEventListener(listener);
          }

          @Override
          public JDBCSessionDataStore jdbcSessions(String driver, String url) {
            NullSessionCache cache = new NullSessionCache(context.getSessionHandler());
            DatabaseAdaptor db = new DatabaseAdaptor();
            db.setDriverInfo(driver, url);
            JDBCSessionDataStore store = new JDBCSessionDataStore();
            store.setDatabaseAdaptor(db);
            cache.setSessionDataStore(store);
            context.getSessionHandler().setSessionCache(cache);
            return store;
          }
        });
    FilterHolder filterHolder = new FilterHolder(filter);
    filterHolder.setAsyncSupported(true);
    context.addFilter(filterHolder, "/*", EnumSet.allOf(DispatcherType.class));
    ServletHolder servletHolder = new ServletHolder(servlet);
    servletHolder.setAsyncSupported(true);
    context.addServlet(servletHolder, "/*");
    server.setHandler(context);
    server.start();
    return server;
  }
}
