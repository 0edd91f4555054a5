package io.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 AC5: {@code client-auth=private_key_jwt} (RFC 7523, OIDC Core §9) against the in-process
 * provider, which takes only clients whose assertions verify with the public key the application
 * publishes at {@code client-jwks-path}: the code, refresh and client credentials grants.
 */
class EnginePrivateKeyJwtTest {
  private static final String JWKS_PATH = "/.well-known/app-jwks.json";

  @TempDir Path dir;

  static String keyFile(String name) throws Exception {
    return Path.of(EnginePrivateKeyJwtTest.class.getResource("/client-keys/" + name).toURI())
        .toString();
  }

  /** The application's published JWK Set, as the provider would fetch it. */
  private static JWKSet published(EngineFixture f) throws Exception {
    InMemoryExchange request = f.api("GET", JWKS_PATH);
    Outcome outcome = f.engine.handle(request);
    assertThat(outcome).isInstanceOf(Outcome.ClientJwks.class);
    Responses.Response response = Responses.render(outcome);
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.headers()).containsEntry("Content-Type", "application/jwk-set+json");
    assertThat(request.setCookies()).isEmpty();
    assertThat(request.session().id()).as("no session").isNull();
    return JWKSet.parse(response.body());
  }

  private static JWTClaimsSet claims(EngineFixture f, int request) throws Exception {
    return SignedJWT.parse(f.provider.param(request, "client_assertion")).getJWTClaimsSet();
  }

  @Test
  void loginRefreshAndClientCredentialsWhenPrivateKeyJwtThenEveryRequestSignedAndVerified()
      throws Exception {
    try (EngineFixture f = new EngineFixture()) {
      f.start(
          "client-secret",
          null,
          "client-key-file",
          keyFile("rsa-2048.pem"),
          "client-jwks-path",
          JWKS_PATH);
      JWKSet jwks = published(f);
      assertThat(jwks.getKeys())
          .singleElement()
          .satisfies(k -> assertThat(k.isPrivate()).isFalse());
      f.provider.clientKey(jwks.getKeys().get(0));
      Instant start = f.clock.instant();

      assertThat(f.login("/page")).isInstanceOf(Outcome.Redirect.class);
      assertThat(f.login()).as("logged in").isNotNull();
      f.clock.advance(Duration.ofSeconds(241));
      assertThat(f.get("/page")).isInstanceOf(Outcome.Proceed.class);
      assertThat(f.provider.refreshRequests.get()).isEqualTo(1);
      assertThat(f.engine.clientCredentials().token(Set.of("read:data"))).isNotEmpty();

      assertThat(f.provider.clientAssertions).as("all three verified").hasSize(3);
      for (int i = 0; i < 3; i++) {
        assertThat(f.provider.authorizations.get(i)).as("no Basic header").isEmpty();
        assertThat(f.provider.param(i, "client_secret")).isNull();
        assertThat(f.provider.param(i, "client_assertion_type"))
            .isEqualTo("urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
        JWTClaimsSet claims = claims(f, i);
        assertThat(claims.getIssuer()).isEqualTo(EngineFixture.CLIENT_ID);
        assertThat(claims.getSubject()).isEqualTo(EngineFixture.CLIENT_ID);
        assertThat(claims.getAudience()).containsExactly(f.provider.tokenEndpoint().toString());
        Date issued = Date.from(i == 0 ? start : f.clock.instant());
        assertThat(claims.getIssueTime()).as("dated by the engine's clock").isEqualTo(issued);
        assertThat(claims.getExpirationTime())
            .as("short-lived")
            .isEqualTo(Date.from(issued.toInstant().plusSeconds(60)));
        SignedJWT jwt = SignedJWT.parse(f.provider.param(i, "client_assertion"));
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        assertThat(jwt.getHeader().getKeyID()).isEqualTo(jwks.getKeys().get(0).getKeyID());
      }
      assertThat(f.provider.param(0, "grant_type")).isEqualTo("authorization_code");
      assertThat(f.provider.param(1, "grant_type")).isEqualTo("refresh_token");
      assertThat(f.provider.param(2, "grant_type")).isEqualTo("client_credentials");
      assertThat(
              f.provider.clientAssertions.stream()
                  .map(JWTClaimsSet::getJWTID)
                  .collect(Collectors.toSet()))
          .as("a fresh jti each time")
          .hasSize(3);
    }
  }

  @Test
  void loginWhenProviderHasAnotherKeyThenRejectedAndNoSession() throws Exception {
    try (EngineFixture f = new EngineFixture()) {
      f.start("client-secret", null, "client-key-file", keyFile("rsa-2048.pem"));
      f.provider.clientKey(new ECKeyGenerator(Curve.P_256).generate().toPublicJWK());

      Outcome outcome = f.login("/page");

      assertThat(outcome).isInstanceOf(Outcome.Rejected.class);
      assertThat(((Outcome.Rejected) outcome).error()).startsWith("token.");
      assertThat(f.login()).isNull();
      assertThat(f.provider.tokenRequests.get()).isEqualTo(1);
      assertThat(f.provider.clientAssertions).isEmpty();
    }
  }

  @Test
  void loginWhenEcJwkFileWithClientKeyIdThenEs256UnderThatKid() throws Exception {
    ECKey key = new ECKeyGenerator(Curve.P_256).keyID("from-file").generate();
    Path file = dir.resolve("client.jwk.json");
    Files.writeString(file, key.toJSONString());
    try (EngineFixture f = new EngineFixture()) {
      f.start(
          "client-secret",
          null,
          "client-auth",
          "private_key_jwt",
          "client-key-file",
          file.toString(),
          "client-key-id",
          "app-2030",
          "client-jwks-path",
          JWKS_PATH);
      JWK publishedKey = published(f).getKeys().get(0);
      assertThat(publishedKey.getKeyID()).isEqualTo("app-2030");
      assertThat(publishedKey.toJSONObject()).doesNotContainKey("d");
      f.provider.clientKey(key.toPublicJWK());

      assertThat(f.login("/page")).isInstanceOf(Outcome.Redirect.class);

      assertThat(f.provider.clientAssertions).hasSize(1);
      SignedJWT jwt = SignedJWT.parse(f.provider.param(0, "client_assertion"));
      assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
      assertThat(jwt.getHeader().getKeyID()).isEqualTo("app-2030");
    }
  }

  @Test
  void loginWhenProviderTakesOnlyPs256ThenRsaKeySignsPs256() throws Exception {
    try (EngineFixture f = new EngineFixture()) {
      f.provider.clientAssertionAlgs("PS256", "ES256");
      f.start(
          "client-secret",
          null,
          "client-key-file",
          keyFile("rsa-2048.pem"),
          "client-jwks-path",
          JWKS_PATH);
      f.provider.clientKey(published(f).getKeys().get(0));

      assertThat(f.login("/page")).isInstanceOf(Outcome.Redirect.class);

      assertThat(f.login()).isNotNull();
      assertThat(
              SignedJWT.parse(f.provider.param(0, "client_assertion")).getHeader().getAlgorithm())
          .isEqualTo(JWSAlgorithm.PS256);
    }
  }

  @Test
  void jwksPathWhenAskedThenAnsweredBeforeTheRulesForGetAndHeadOnly() throws Exception {
    try (EngineFixture f = new EngineFixture()) {
      f.start(
          "client-secret",
          null,
          "client-key-file",
          keyFile("ec-p256.pem"),
          "client-jwks-path",
          JWKS_PATH,
          "rules",
          "/** deny");

      String body = Responses.render(f.engine.handle(f.browser("GET", JWKS_PATH))).body();
      assertThat(body)
          .contains("\"kty\":\"EC\"", "\"use\":\"sig\"", "\"alg\":\"ES256\"")
          .doesNotContain("\"d\"");
      assertThat(f.engine.handle(f.api("HEAD", JWKS_PATH))).isInstanceOf(Outcome.ClientJwks.class);
      assertThat(f.engine.handle(f.api("GET", JWKS_PATH + "/")))
          .isInstanceOf(Outcome.ClientJwks.class);
      assertThat(f.engine.handle(f.api("POST", JWKS_PATH)))
          .as("other methods go to the rules")
          .isInstanceOf(Outcome.Forbidden.class);
      assertThat(f.engine.handle(f.api("GET", JWKS_PATH + "x")))
          .isInstanceOf(Outcome.Forbidden.class);
    }
  }

  @Test
  void jwksPathWhenNotConfiguredThenNothingPublished() throws Exception {
    try (EngineFixture f = new EngineFixture()) {
      f.start(
          "client-secret", null, "client-key-file", keyFile("rsa-2048.pem"), "rules", "/** deny");
      assertThat(f.engine.handle(f.api("GET", JWKS_PATH))).isInstanceOf(Outcome.Forbidden.class);
    }
  }
}
