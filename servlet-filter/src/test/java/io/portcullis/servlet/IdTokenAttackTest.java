package io.portcullis.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.portcullis.testsupport.Browser;
import io.portcullis.testsupport.TestKeys;
import java.net.http.HttpResponse;
import java.util.Date;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * THREATS group A: the provider (or an attacker in its place) returns a bad ID token. Every case is
 * refused with 400, and the browser stays logged out.
 */
class IdTokenAttackTest extends IntegrationTest {

  static Stream<Arguments> badClaims() {
    long now = System.currentTimeMillis();
    return Stream.of(
        Arguments.of(
            "wrong aud",
            (UnaryOperator<JWTClaimsSet.Builder>) b -> b.audience("someone-else"),
            "id_token.aud"),
        Arguments.of(
            "missing aud",
            (UnaryOperator<JWTClaimsSet.Builder>) b -> b.audience((String) null),
            "id_token.aud"),
        Arguments.of(
            "extra untrusted aud",
            (UnaryOperator<JWTClaimsSet.Builder>) b -> b.audience(List.of("test-client", "other")),
            "id_token.aud"),
        Arguments.of(
            "azp other client",
            (UnaryOperator<JWTClaimsSet.Builder>) b -> b.claim("azp", "other"),
            "id_token.azp"),
        Arguments.of(
            "wrong nonce",
            (UnaryOperator<JWTClaimsSet.Builder>) b -> b.claim("nonce", "not-the-nonce"),
            "id_token.nonce"),
        Arguments.of(
            "missing nonce",
            (UnaryOperator<JWTClaimsSet.Builder>) b -> b.claim("nonce", null),
            "id_token.nonce"),
        Arguments.of(
            "expired",
            (UnaryOperator<JWTClaimsSet.Builder>) b -> b.expirationTime(new Date(now - 6 * 60_000)),
            "id_token.expired"),
        Arguments.of(
            "missing exp",
            (UnaryOperator<JWTClaimsSet.Builder>) b -> b.expirationTime(null),
            "id_token.expired"),
        Arguments.of(
            "iat in the future",
            (UnaryOperator<JWTClaimsSet.Builder>) b -> b.issueTime(new Date(now + 10 * 60_000)),
            "id_token.iat"),
        Arguments.of(
            "missing iat",
            (UnaryOperator<JWTClaimsSet.Builder>) b -> b.issueTime(null),
            "id_token.iat"),
        Arguments.of(
            "wrong iss",
            (UnaryOperator<JWTClaimsSet.Builder>) b -> b.issuer("https://evil.example"),
            "id_token.iss"),
        Arguments.of(
            "missing sub",
            (UnaryOperator<JWTClaimsSet.Builder>) b -> b.subject(null),
            "id_token.sub"),
        Arguments.of(
            "oversized sub",
            (UnaryOperator<JWTClaimsSet.Builder>) b -> b.subject("x".repeat(256)),
            "id_token.sub"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badClaims")
  void idTokenWhenClaimBadThenRejected(
      String name, UnaryOperator<JWTClaimsSet.Builder> change, String reason) {
    provider.tamperNextIdToken(change, TestProvider.Signing.PROVIDER_KEY);
    assertLoginRejected(reason);
  }

  @Test
  void idTokenWhenSignedWithKeyNotInJwksThenRejected() {
    provider.tamperNextIdToken(b -> b, TestProvider.Signing.UNKNOWN_KEY);
    assertLoginRejected("id_token.unknown_key");
  }

  @Test
  void idTokenWhenSignatureForgedUnderProviderKidThenRejected() {
    provider.tamperNextIdToken(b -> b, TestProvider.Signing.FORGED_WITH_PROVIDER_KID);
    assertLoginRejected("id_token.signature");
  }

  @Test
  void idTokenWhenAlgNoneThenRejected() {
    provider.tamperNextIdToken(b -> b, TestProvider.Signing.NONE);
    assertLoginRejected("id_token.alg_none");
  }

  @Test
  void idTokenWhenHmacSignedWithPublicKeyThenRejected() {
    // RS256 → HS256 confusion: HMAC keyed with the provider's public key, or with the client
    // secret,
    // while the provider advertises only RS256.
    provider.tamperNextTokenResponse(
        json -> {
          try {
            JWTClaimsSet claims = SignedJWT.parse((String) json.get("id_token")).getJWTClaimsSet();
            SignedJWT forged =
                new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(TestProvider.ISSUER_ID).build(),
                    claims);
            forged.sign(
                new MACSigner(
                    TestApp.CLIENT_SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            json.put("id_token", forged.serialize());
            return json;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
    assertLoginRejected("id_token.alg");
  }

  @Test
  void idTokenWhenHeaderCarriesAttackerKeyThenRejected() {
    provider.tamperNextTokenResponse(
        json -> {
          try {
            RSAKey attacker = TestKeys.generate("embedded");
            JWTClaimsSet claims = SignedJWT.parse((String) json.get("id_token")).getJWTClaimsSet();
            SignedJWT forged =
                new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .keyID("embedded")
                        .jwk(attacker.toPublicJWK())
                        .build(),
                    claims);
            forged.sign(new RSASSASigner(attacker));
            json.put("id_token", forged.serialize());
            return json;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
    assertLoginRejected("id_token.unknown_key");
  }

  @Test
  void idTokenWhenEncryptedJweThenRejected() {
    provider.tamperNextTokenResponse(
        json -> {
          json.put("id_token", "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.a.b.c.d");
          return json;
        });
    assertLoginRejected("id_token.malformed", "id_token.unsupported");
  }

  /**
   * THREATS A-25: the provider's own, validly signed ID token re-shaped into JWS JSON serialization
   * (flattened, then general with no signature and with two): only compact JWS is accepted.
   */
  @Test
  void idTokenWhenJwsJsonSerializationThenRejected() {
    java.util.List<java.util.function.Function<String[], String>> shapes =
        java.util.List.of(
            p ->
                "{\"protected\":\""
                    + p[0]
                    + "\",\"payload\":\""
                    + p[1]
                    + "\",\"signature\":\""
                    + p[2]
                    + "\"}",
            p -> "{\"payload\":\"" + p[1] + "\",\"signatures\":[]}",
            p ->
                "{\"payload\":\""
                    + p[1]
                    + "\",\"signatures\":[{\"protected\":\""
                    + p[0]
                    + "\",\"signature\":\""
                    + p[2]
                    + "\"},{\"protected\":\""
                    + p[0]
                    + "\",\"signature\":\""
                    + p[2]
                    + "\"}]}");
    for (java.util.function.Function<String[], String> shape : shapes) {
      provider.tamperNextTokenResponse(
          json -> {
            String[] parts = ((String) json.get("id_token")).split("\\.");
            json.put("id_token", shape.apply(parts));
            return json;
          });
      assertLoginRejected("id_token.malformed");
    }
  }

  @Test
  void idTokenWhenNotAJwtThenRejected() {
    provider.tamperNextTokenResponse(
        json -> {
          json.put("id_token", "garbage");
          return json;
        });
    assertLoginRejected("id_token.malformed");
  }

  @Test
  void tokenResponseWhenNoIdTokenThenRejected() {
    provider.tamperNextTokenResponse(
        json -> {
          json.remove("id_token");
          return json;
        });
    assertLoginRejected("id_token.missing");
  }

  @Test
  void idTokenWhenKidAbsentAndSingleKeyThenAccepted() {
    provider.tamperNextTokenResponse(
        json -> {
          try {
            JWTClaimsSet claims = SignedJWT.parse((String) json.get("id_token")).getJWTClaimsSet();
            SignedJWT jwt =
                new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).build(), claims);
            jwt.sign(new RSASSASigner(provider.signingKey));
            json.put("id_token", jwt.serialize());
            return json;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
    Browser browser = browser();
    assertThat(login(browser, "/profile").statusCode()).isEqualTo(200);
  }

  @Test
  void idTokenWhenReSignedValidlyThenAcceptedAsControl() {
    provider.tamperNextIdToken(b -> b.claim("extra", "x"), TestProvider.Signing.PROVIDER_KEY);
    Browser browser = browser();
    assertThat(login(browser, "/profile").statusCode()).isEqualTo(200);
  }

  private static void assertLoginRejected(String... reasons) {
    Browser browser = browser();
    HttpResponse<String> end = browser.follow(browser.get(app.url("/profile")));
    assertThat(end.uri().getPath()).isEqualTo("/app/oauth2/callback");
    assertThat(end.statusCode()).isEqualTo(400);
    assertThat(Stream.of(reasons).anyMatch(r -> end.body().contains("Reason: " + r)))
        .as("body names one of %s: %s", List.of(reasons), end.body())
        .isTrue();
    assertThat(end.body()).doesNotContain("eyJ");
    assertNotLoggedIn(browser);
  }
}
