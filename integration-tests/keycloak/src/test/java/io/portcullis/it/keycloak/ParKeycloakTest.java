package io.portcullis.it.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.servlet.PortcullisFilter;
import jakarta.servlet.DispatcherType;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.EnumSet;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 AC5: pushed authorization requests (RFC 9126) against a real Keycloak 26, whose realm
 * clients {@code par-portal} (client secret) and {@code par-pkjwt-portal} ({@code private_key_jwt},
 * an EC key read from the app's {@code client-jwks-path}) accept only pushed requests. {@code /par}
 * and {@code /par-pkjwt} push ({@code par=true}); {@code /par-off} ({@code par=false}) is refused
 * by Keycloak, which shows the client is held to PAR.
 */
@ExtendWith(KeycloakExtension.class)
class ParKeycloakTest {
  private static Server jetty;
  private static URI app;
  @TempDir static Path dir;

  private static ServletContextHandler context(String path, Map<String, String> params) {
    ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
    context.setContextPath(path);
    FilterHolder filter = new FilterHolder(PortcullisFilter.class);
    filter.setInitParameter("issuer", KeycloakExtension.server().authServerUrl() + "realms/legacy");
    params.forEach(filter::setInitParameter);
    context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(new WhoAmIServlet()), "/*");
    return context;
  }

  @BeforeAll
  static void deploy() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    Path keyFile = dir.resolve("client-key.pem");
    // The JDK writes no public point into PKCS#8, so the key goes in as a JWK: Nimbus's, from the
    // JDK pair, as a key management tool would export it.
    java.security.KeyPair pair = generator.generateKeyPair();
    Files.writeString(
        keyFile,
        new com.nimbusds.jose.jwk.ECKey.Builder(
                com.nimbusds.jose.jwk.Curve.P_256,
                (java.security.interfaces.ECPublicKey) pair.getPublic())
            .privateKey(pair.getPrivate())
            .keyID("par-pkjwt-1")
            .build()
            .toJSONString(),
        StandardCharsets.UTF_8);

    jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost("127.0.0.1");
    connector.setPort(KeycloakExtension.appPort());
    jetty.addConnector(connector);
    Handler.Sequence contexts = new Handler.Sequence();
    contexts.addHandler(
        context(
            "/par",
            Map.of(
                "client-id", "par-portal",
                "client-secret", "par-portal-secret-5e1d8b2a9c7f3046",
                "par", "true")));
    contexts.addHandler(
        context(
            "/par-off",
            Map.of(
                "client-id", "par-portal",
                "client-secret", "par-portal-secret-5e1d8b2a9c7f3046",
                "par", "false")));
    contexts.addHandler(
        context(
            "/par-pkjwt",
            Map.of(
                "client-id", "par-pkjwt-portal",
                "client-key-file", keyFile.toString(),
                "client-jwks-path", "/.well-known/jwks.json",
                "par", "true")));
    jetty.setHandler(contexts);
    jetty.start();
    app = URI.create("http://127.0.0.1:" + KeycloakExtension.appPort());
    KeycloakBrowser.awaitMetadata(
        app.resolve("/par/page"), app.resolve("/par-off/page"), app.resolve("/par-pkjwt/page"));
  }

  @AfterAll
  static void undeploy() throws Exception {
    if (jetty != null) {
      jetty.stop();
    }
  }

  @Test
  void loginWhenParWithClientSecretThenKeycloakTakesTheRequestUri() throws Exception {
    KeycloakBrowser alice = new KeycloakBrowser();
    HttpResponse<String> start = alice.browser.get(app.resolve("/par/page"));
    assertThat(start.statusCode()).isEqualTo(302);
    URI authorize = URI.create(start.headers().firstValue("Location").orElseThrow());
    assertThat(authorize.getRawQuery())
        .startsWith("client_id=par-portal&request_uri=urn%3Aietf%3Aparams%3Aoauth%3Arequest_uri%3A")
        .doesNotContain("state=", "code_challenge=", "redirect_uri=");

    Map<String, String> page =
        KeycloakJsonMigrationTest.page(alice.navigate(authorize, "alice", "alice-password"));
    assertThat(page).containsEntry("user", "alice");
  }

  @Test
  void loginWhenParWithPrivateKeyJwtThenBothPushAndTokenRequestAuthenticated() throws Exception {
    KeycloakBrowser bob = new KeycloakBrowser();
    Map<String, String> page =
        KeycloakJsonMigrationTest.page(
            bob.navigate(app.resolve("/par-pkjwt/page"), "bob", "bob-password"));
    assertThat(page).containsEntry("user", "bob");
  }

  @Test
  void loginWhenParOffThenKeycloakRefusesTheClient() throws Exception {
    KeycloakBrowser alice = new KeycloakBrowser();
    HttpResponse<String> last = alice.navigate(app.resolve("/par-off/page"), null, null);
    assertThat(KeycloakBrowser.isLoginForm(last)).as("no login form without PAR").isFalse();
    assertThat(last.body()).doesNotContain("user=alice");
  }
}
