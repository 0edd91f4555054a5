package io.portcullis.core.internal.nimbus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code private_key_jwt} key: read from PEM or JWK, its assertions, its public JWK Set. */
class ClientKeyTest {
  private static final URI TOKEN_ENDPOINT = URI.create("https://idp.example/token");
  private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

  static String resource(String name) throws Exception {
    try (InputStream in = ClientKeyTest.class.getResourceAsStream("/client-keys/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void parseWhenRsaPkcs8PemThenRs256WithThumbprintKidAndVerifiableAssertion() throws Exception {
    ClientKey key = ClientKey.parse(resource("rsa-2048.pem"));
    RSAKey publicKey = (RSAKey) JWKSet.parse(key.publicJwkSet()).getKeys().get(0);

    assertThat(key.algorithm()).isEqualTo("RS256");
    assertThat(key.keyId()).isEqualTo(publicKey.computeThumbprint().toString());
    SignedJWT jwt = SignedJWT.parse(key.assertion("app", TOKEN_ENDPOINT, NOW));
    assertThat(jwt.verify(new RSASSAVerifier(publicKey))).isTrue();
    assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
    assertThat(jwt.getHeader().getKeyID()).isEqualTo(key.keyId());
    assertThat(jwt.getHeader().getType().getType()).isEqualTo("JWT");
    JWTClaimsSet claims = jwt.getJWTClaimsSet();
    assertThat(claims.getIssuer()).isEqualTo("app");
    assertThat(claims.getSubject()).isEqualTo("app");
    assertThat(claims.getAudience()).containsExactly(TOKEN_ENDPOINT.toString());
    assertThat(claims.getIssueTime()).isEqualTo(Date.from(NOW));
    assertThat(claims.getExpirationTime()).isEqualTo(Date.from(NOW.plusSeconds(60)));
    assertThat(claims.getJWTID()).hasSizeGreaterThanOrEqualTo(32);
    String other = key.assertion("app", TOKEN_ENDPOINT, NOW);
    assertThat(SignedJWT.parse(other).getJWTClaimsSet().getJWTID())
        .as("jti never reused")
        .isNotEqualTo(claims.getJWTID());
  }

  @Test
  void parseWhenEcPkcs8PemFromOpensslThenEs256() throws Exception {
    ClientKey key = ClientKey.parse(resource("ec-p256.pem"));
    ECKey publicKey = (ECKey) JWKSet.parse(key.publicJwkSet()).getKeys().get(0);

    assertThat(key.algorithm()).isEqualTo("ES256");
    assertThat(publicKey.getCurve()).isEqualTo(Curve.P_256);
    SignedJWT jwt = SignedJWT.parse(key.assertion("app", TOKEN_ENDPOINT, NOW));
    assertThat(jwt.verify(new ECDSAVerifier(publicKey))).isTrue();
  }

  @Test
  void parseWhenJwkOrJwkSetThenItsKidAndAlgAndWithKeyIdOverrides() throws Exception {
    RSAKey rsa = new RSAKeyGenerator(2048).keyID("rsa-1").algorithm(JWSAlgorithm.PS256).generate();
    ClientKey fromJwk = ClientKey.parse(rsa.toJSONString());
    assertThat(fromJwk.keyId()).isEqualTo("rsa-1");
    assertThat(fromJwk.algorithm()).isEqualTo("PS256");
    assertThat(
            SignedJWT.parse(fromJwk.assertion("app", TOKEN_ENDPOINT, NOW))
                .verify(new RSASSAVerifier(rsa.toPublicJWK())))
        .isTrue();

    ECKey ec = new ECKeyGenerator(Curve.P_384).keyID("ec-1").generate();
    ClientKey fromSet = ClientKey.parse(new JWKSet(List.of(rsa.toPublicJWK(), ec)).toString(false));
    assertThat(fromSet.keyId()).as("the one private key of the set").isEqualTo("ec-1");
    assertThat(fromSet.algorithm()).isEqualTo("ES384");

    ClientKey renamed = fromSet.withKeyId("app-2030");
    assertThat(renamed.keyId()).isEqualTo("app-2030");
    assertThat(
            SignedJWT.parse(renamed.assertion("app", TOKEN_ENDPOINT, NOW)).getHeader().getKeyID())
        .isEqualTo("app-2030");
    assertThat(JWKSet.parse(renamed.publicJwkSet()).getKeys().get(0).getKeyID())
        .isEqualTo("app-2030");
  }

  @Test
  void algorithmForWhenProviderListsAlgorithmsThenTheKeysOwnOrAnRsaOneItTakes() throws Exception {
    ClientKey rsa = ClientKey.parse(resource("rsa-2048.pem"));
    assertThat(rsa.algorithmFor(List.of())).isEqualTo("RS256");
    assertThat(rsa.algorithmFor(List.of("ES256", "RS256"))).isEqualTo("RS256");
    assertThat(rsa.algorithmFor(List.of("PS512", "PS256"))).isEqualTo("PS256");
    assertThat(rsa.algorithmFor(List.of("ES256"))).as("nothing fits: its own").isEqualTo("RS256");
    RSAKey named = new RSAKeyGenerator(2048).algorithm(JWSAlgorithm.RS512).generate();
    assertThat(ClientKey.parse(named.toJSONString()).algorithmFor(List.of("PS256")))
        .as("an alg the JWK names is kept")
        .isEqualTo("RS512");
    ClientKey ec = ClientKey.parse(resource("ec-p256.pem"));
    assertThat(ec.algorithmFor(List.of("RS256"))).isEqualTo("ES256");
    SignedJWT ps = SignedJWT.parse(rsa.assertion("app", TOKEN_ENDPOINT, NOW, List.of("PS256")));
    assertThat(ps.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.PS256);
    assertThat(
            ps.verify(
                new RSASSAVerifier((RSAKey) JWKSet.parse(rsa.publicJwkSet()).getKeys().get(0))))
        .isTrue();
  }

  @Test
  void publicJwkSetWhenReadThenPublicMembersOnlyWithKidAlgAndUse() throws Exception {
    for (String file : List.of("rsa-2048.pem", "ec-p256.pem")) {
      ClientKey key = ClientKey.parse(resource(file));
      String json = key.publicJwkSet();

      JWK jwk = JWKSet.parse(json).getKeys().get(0);
      assertThat(jwk.isPrivate()).isFalse();
      assertThat(json)
          .as(file)
          .doesNotContain("\"d\"", "\"p\"", "\"q\"", "\"dp\"", "\"dq\"", "\"qi\"", "\"oth\"")
          .contains("\"use\":\"sig\"", "\"alg\":\"" + key.algorithm() + "\"", key.keyId());
    }
  }

  @Test
  void parseWhenNotAPrivateKeyThenSaysWhatWithoutShowingTheText() throws Exception {
    RSAKey rsa = new RSAKeyGenerator(2048).generate();
    String pkcs1 = resource("rsa-2048-pkcs1.pem");
    String[][] cases = {
      {resource("rsa-2048-public.pem"), "public key only"},
      {rsa.toPublicJWK().toJSONString(), "public key only"},
      {new JWKSet(rsa.toPublicJWK()).toString(), "public key only"},
      {pkcs1, "openssl pkcs8 -topk8 -nocrypt"},
      {"{\"keys\":[]}", "empty JWK Set"},
      {"{\"kty\":\"oct\",\"k\":\"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA\"}", "oct"},
      {"{\"kty\":\"RSA\"", "not a JWK"},
      {"-----BEGIN PRIVATE KEY-----\nnot base64 @@@\n-----END PRIVATE KEY-----", "base64"},
      {"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----", "neither RSA nor EC"},
      {"client-secret-in-a-file", "neither a PEM"},
      {new RSAKeyGenerator(1024, true).generate().toJSONString(), "2048 bits"},
    };
    for (String[] c : cases) {
      assertThatThrownBy(() -> ClientKey.parse(c[0]))
          .as(c[1])
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(c[1])
          .satisfies(e -> assertThat(c[0]).doesNotContain(e.getMessage()));
    }
    assertThatThrownBy(() -> ClientKey.parse(pkcs1))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(pkcs1.lines().toList().get(1)));
  }

  @Test
  void toStringWhenPrintedThenKidAndAlgorithmOnly() throws Exception {
    RSAKey rsa = new RSAKeyGenerator(2048).keyID("k").generate();
    ClientKey key = ClientKey.parse(rsa.toJSONString());
    assertThat(key.toString())
        .isEqualTo("ClientKey[kid=k, alg=RS256]")
        .doesNotContain(rsa.getPrivateExponent().toString());
    assertThat(new ClientRegistration("app", null, ClientRegistration.Method.PRIVATE_KEY_JWT, key))
        .hasToString(
            "ClientRegistration[clientId=app, clientSecret=none, method=PRIVATE_KEY_JWT,"
                + " key=ClientKey[kid=k, alg=RS256]]");
  }
}
