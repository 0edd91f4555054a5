package io.portcullis.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.security.auth.message.config.AuthConfigFactory;
import jakarta.servlet.ServletContainerInitializer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jetty.ee10.servlet.ServletContainerInitializerHolder;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Container-managed security on a Jetty 12 without its Jakarta Authentication module (README
 * "Container-managed security"; with it, {@link ContainerAuthTest} runs on Jetty 12.1 {@code
 * ee11}): the application does not start, with a message that says why, rather than serving its
 * constrained resources some other way.
 */
class ContainerAuthJettyTest {

  @Test
  void containerAuthWhenJettyHasNoJakartaAuthenticationThenTheWarStopsWithTheReason()
      throws Exception {
    Assumptions.assumeFalse(TestApp.onTomcat(), "the Jetty run");
    LeakCheck.install();
    Path docBase = Files.createTempDirectory("portcullis-jetty-war");
    Files.createDirectories(docBase.resolve("WEB-INF"));
    Files.writeString(
        docBase.resolve("WEB-INF/web.xml"),
        "<web-app xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.0\">"
            + "<context-param><param-name>portcullis.container-auth</param-name>"
            + "<param-value>true</param-value></context-param>"
            + "<context-param><param-name>portcullis.issuer</param-name>"
            + "<param-value>http://127.0.0.1:9/realm</param-value></context-param>"
            + "<context-param><param-name>portcullis.client-id</param-name>"
            + "<param-value>app</param-value></context-param>"
            + "</web-app>",
        StandardCharsets.UTF_8);
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("localhost");
    server.addConnector(connector);
    WebAppContext webapp = new WebAppContext(docBase.toString(), "/app");
    webapp.setParentLoaderPriority(true);
    // What Jetty's annotations module does with the initializer the jar declares.
    ServletContainerInitializer initializer = new PortcullisContainerAuth();
    webapp.addServletContainerInitializer(new ServletContainerInitializerHolder(initializer));
    server.setHandler(webapp);
    int before = LeakCheck.LINES.size();
    // A Jetty without the module has no factory (ContainerAuthTest sets Jetty's in this JVM).
    AuthConfigFactory installed = AuthConfigFactory.getFactory();
    AuthConfigFactory.setFactory(null);
    try {
      server.start();
      assertThat(webapp.isAvailable()).as("the WAR must not be available").isFalse();
    } finally {
      AuthConfigFactory.setFactory(installed);
      server.stop();
      Files.deleteIfExists(docBase.resolve("WEB-INF/web.xml"));
      Files.deleteIfExists(docBase.resolve("WEB-INF"));
      Files.deleteIfExists(docBase);
    }
    assertThat(LeakCheck.LINES.subList(before, LeakCheck.LINES.size()))
        .anyMatch(
            l ->
                l.startsWith(
                    "SEVERE container-auth=true: this container has no Jakarta"
                        + " Authentication factory"));
  }
}
