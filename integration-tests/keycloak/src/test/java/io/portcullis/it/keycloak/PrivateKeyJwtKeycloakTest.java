package io.portcullis.it.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.servlet.PortcullisFilter;
import io.portcullis.servlet.PortcullisRequests;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 AC5: {@code client-auth=private_key_jwt} against a real Keycloak 26. The realm's client
 * {@code pkjwt-portal} uses Keycloak's "Signed JWT" client authenticator and reads the client's
 * public key from the app's own {@code client-jwks-path} ("Use JWKS URL"); the app holds only a
 * PKCS#8 PEM private key, made fresh for the run, and no client secret. Login (code grant), refresh
 * and the client credentials grant each authenticate with a client assertion.
 */
@ExtendWith(KeycloakExtension.class)
class PrivateKeyJwtKeycloakTest {
  private static Server jetty;
  private static URI app;
  @TempDir static Path dir;

  /** The app's client credentials token, as a page of the app calls another service with it. */
  public static final class M2mServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      String token = PortcullisRequests.clientCredentials(request).token(Set.of());
      response.setContentType("text/plain;charset=UTF-8");
      response.getWriter().write("user=m2m\ntoken.parts=" + token.split("\\.").length + "\n");
    }
  }

  @BeforeAll
  static void deploy() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair pair = generator.generateKeyPair();
    Path keyFile = dir.resolve("client-key.pem");
    Files.writeString(
        keyFile,
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(pair.getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n");

    jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost("127.0.0.1");
    connector.setPort(KeycloakExtension.appPort());
    jetty.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
    context.setContextPath("/pkjwt");
    FilterHolder filter = new FilterHolder(PortcullisFilter.class);
    Map.of(
            "issuer", KeycloakExtension.server().authServerUrl() + "realms/legacy",
            "client-id", "pkjwt-portal",
            "client-key-file", keyFile.toString(),
            "client-jwks-path", "/.well-known/jwks.json",
            "principal-claim", "preferred_username",
            // access tokens live 60 s in the realm: due for refresh 3 s after login
            "refresh-before", "57")
        .forEach(filter::setInitParameter);
    context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(new M2mServlet()), "/m2m");
    context.addServlet(new ServletHolder(new WhoAmIServlet()), "/*");
    jetty.setHandler(context);
    jetty.start();
    app = URI.create("http://127.0.0.1:" + KeycloakExtension.appPort());
    KeycloakBrowser.awaitMetadata(app.resolve("/pkjwt/page"));
  }

  @AfterAll
  static void undeploy() throws Exception {
    if (jetty != null) {
      jetty.stop();
    }
  }

  @Test
  void loginAndRefreshWhenPrivateKeyJwtThenKeycloakAcceptsTheAssertions() throws Exception {
    KeycloakBrowser alice = new KeycloakBrowser();
    Map<String, String> first =
        KeycloakJsonMigrationTest.page(
            alice.navigate(app.resolve("/pkjwt/page"), "alice", "alice-password"));
    assertThat(first).containsEntry("user", "alice");
    assertThat(alice.loginForms).isEqualTo(1);

    assertThat(KeycloakJsonMigrationTest.afterRefresh(alice, app.resolve("/pkjwt/page"), first))
        .containsEntry("user", "alice");
  }

  @Test
  void clientCredentialsWhenPrivateKeyJwtThenTokenFromKeycloak() throws Exception {
    KeycloakBrowser bob = new KeycloakBrowser();
    Map<String, String> page =
        KeycloakJsonMigrationTest.page(
            bob.navigate(app.resolve("/pkjwt/m2m"), "bob", "bob-password"));
    assertThat(page).containsEntry("token.parts", "3");
  }

  @Test
  void jwksPathWhenFetchedThenPublicKeyOnlyWithoutLogin() throws Exception {
    HttpResponse<String> jwks =
        new KeycloakBrowser().browser.get(app.resolve("/pkjwt/.well-known/jwks.json"));
    assertThat(jwks.statusCode()).isEqualTo(200);
    assertThat(jwks.headers().firstValue("Content-Type")).contains("application/jwk-set+json");
    assertThat(jwks.body())
        .contains("\"kty\":\"RSA\"", "\"alg\":\"RS256\"", "\"use\":\"sig\"")
        .doesNotContain("\"d\"", "\"p\"", "\"q\"");
    assertThat(jwks.headers().allValues("Set-Cookie")).isEmpty();
  }
}
