package io.portcullis.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testsupport.TestFiles;
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
    Path docBase = war("");
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
      TestFiles.deleteTree(docBase);
    }
    assertThat(LeakCheck.LINES.subList(before, LeakCheck.LINES.size()))
        .anyMatch(
            l ->
                l.startsWith(
                    "SEVERE container-auth=true: this container has no Jakarta"
                        + " Authentication factory"));
  }

  /**
   * A Jetty 12.1 {@code ee11} whose security handler leaves Jakarta Authentication out (an
   * authenticator factory other than Jetty's {@code JaspiAuthenticatorFactory}): the module is
   * never called, and the {@code portcullis-container-auth} filter refuses every request with
   * {@code 503} and one ERROR line rather than serving it unchecked.
   */
  @Test
  void containerAuthWhenTheSecurityHandlerNeverCallsTheModuleThen503NotServed() throws Exception {
    Assumptions.assumeFalse(TestApp.onTomcat(), "the Jetty run");
    LeakCheck.install();
    Path docBase =
        war(
            "<servlet><servlet-name>page</servlet-name><servlet-class>"
                + ContainerAuthApp.PageServlet.class.getName()
                + "</servlet-class></servlet>"
                + "<servlet-mapping><servlet-name>page</servlet-name><url-pattern>/*</url-pattern>"
                + "</servlet-mapping>");
    AuthConfigFactory installed = AuthConfigFactory.getFactory();
    if (installed == null) {
      AuthConfigFactory.setFactory(
          new org.eclipse.jetty.ee11.security.jaspi.DefaultAuthConfigFactory());
    }
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("localhost");
    server.addConnector(connector);
    org.eclipse.jetty.ee11.webapp.WebAppContext webapp =
        new org.eclipse.jetty.ee11.webapp.WebAppContext(docBase.toString(), "/app");
    webapp.setParentLoaderPriority(true);
    webapp.addConfiguration(new org.eclipse.jetty.ee11.annotations.AnnotationConfiguration());
    webapp
        .getSecurityHandler()
        .setAuthenticatorFactory(new org.eclipse.jetty.security.DefaultAuthenticatorFactory());
    server.setHandler(webapp);
    int before = LeakCheck.LINES.size();
    try {
      server.start();
      String base = "http://localhost:" + connector.getLocalPort() + "/app";
      for (String path : new String[] {"/public", "/secure/x", "/oauth2/callback?code=x&state=y"}) {
        java.net.http.HttpResponse<String> r =
            new io.portcullis.testsupport.Browser().get(base + path);
        assertThat(r.statusCode()).as(path).isEqualTo(503);
        assertThat(r.body()).as(path).doesNotContain("remoteUser");
      }
    } finally {
      server.stop();
      AuthConfigFactory.setFactory(installed);
      TestFiles.deleteTree(docBase);
    }
    assertThat(LeakCheck.LINES.subList(before, LeakCheck.LINES.size()))
        .filteredOn(l -> l.contains("did not call Portcullis's Jakarta Authentication module"))
        .hasSize(1);
  }

  /**
   * A WAR directory whose {@code web.xml} switches container-managed security on, against a
   * provider nobody answers, with {@code servlets} (declarations and mappings) added.
   */
  private static Path war(String servlets) throws java.io.IOException {
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
            + servlets
            + "</web-app>",
        StandardCharsets.UTF_8);
    return docBase;
  }
}
