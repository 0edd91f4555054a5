package io.portcullis.servlet;

import jakarta.security.auth.message.config.AuthConfigFactory;
import jakarta.servlet.ServletContext;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jetty.ee11.annotations.AnnotationConfiguration;
import org.eclipse.jetty.ee11.security.jaspi.DefaultAuthConfigFactory;
import org.eclipse.jetty.ee11.security.jaspi.JaspiAuthenticatorFactory;
import org.eclipse.jetty.ee11.webapp.WebAppContext;
import org.eclipse.jetty.security.EmptyLoginService;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A WAR on Jetty 12.1's {@code ee11} environment with Jakarta Authentication set up the way the
 * README's "Container-managed security" says, embedded: what the distribution's {@code ee11-jaspi}
 * module does ({@link AuthConfigFactory} set to Jetty's {@link DefaultAuthConfigFactory}, {@link
 * JaspiAuthenticatorFactory} on the application's security handler), and what its {@code
 * ee11-annotations} module does ({@link AnnotationConfiguration}: the Portcullis jar's initializer
 * and {@code @ServletSecurity}). Nothing else of the WAR or of Portcullis is Jetty-specific.
 *
 * <p>Kept apart from {@link ContainerAuthApp} so that the {@code javax} suite, whose Jetty is
 * {@code ee8} (no Jakarta Authentication module at 12.1), leaves it out.
 */
final class JettyEe11ContainerAuth {
  private JettyEe11ContainerAuth() {}

  static ContainerAuthApp.Container start(
      Path docBase, String contextPath, Map<String, String> params) throws Exception {
    synchronized (AuthConfigFactory.class) {
      if (AuthConfigFactory.getFactory() == null) {
        AuthConfigFactory.setFactory(new DefaultAuthConfigFactory());
      }
    }
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("localhost");
    server.addConnector(connector);
    WebAppContext webapp = new WebAppContext(docBase.toString(), contextPath);
    webapp.setParentLoaderPriority(true); // the servlets and Portcullis from the test class path
    webapp.setThrowUnavailableOnStartupException(true);
    webapp.addConfiguration(new AnnotationConfiguration());
    // The realm an operator's Jetty has for the WAR's BASIC login-config (without it Jetty does not
    // start the WAR when Portcullis is switched off); the module does not use it.
    webapp.getSecurityHandler().setLoginService(new EmptyLoginService());
    params.forEach(webapp::setInitParameter);
    server.setHandler(webapp);
    ContainerAuthApp.Container container =
        new ContainerAuthApp.Container() {
          @Override
          public int port() {
            return connector.getLocalPort();
          }

          @Override
          public ServletContext servletContext() {
            return webapp.getServletContext();
          }

          @Override
          public void close() throws Exception {
            server.stop();
          }
        };
    try {
      server.start();
    } catch (Exception e) {
      container.close();
      throw new IllegalStateException("the WAR did not start: " + e, e);
    }
    if (!webapp.isAvailable()) {
      container.close();
      throw new IllegalStateException("the WAR did not start: unavailable");
    }
    return container;
  }
}
