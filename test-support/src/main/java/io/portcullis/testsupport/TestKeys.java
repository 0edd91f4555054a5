package io.portcullis.testsupport;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.util.ArrayList;
import java.util.List;

/**
 * The RSA keys and RS256 signatures of the test providers: {@link FakeProvider}'s own, and those
 * tests add around navikt mock-oauth2-server (servlet-filter's {@code TestProvider}: key rotation,
 * re-signed and forged tokens).
 */
public final class TestKeys {
  private TestKeys() {}

  /** A fresh 2048-bit RSA key with key ID {@code kid}. */
  public static RSAKey generate(String kid) {
    try {
      return new RSAKeyGenerator(2048).keyID(kid).generate();
    } catch (Exception e) {
      throw new IllegalStateException("cannot generate an RSA key", e);
    }
  }

  /**
   * {@code claims} signed RS256 with {@code key}, the header naming key ID {@code kid} (which need
   * not be the key's, to forge) and {@code typ} {@code type}.
   */
  public static String sign(RSAKey key, String kid, JWTClaimsSet claims, String type) {
    try {
      SignedJWT jwt =
          new SignedJWT(
              new JWSHeader.Builder(JWSAlgorithm.RS256)
                  .keyID(kid)
                  .type(new JOSEObjectType(type))
                  .build(),
              claims);
      jwt.sign(new RSASSASigner(key));
      return jwt.serialize();
    } catch (Exception e) {
      throw new IllegalStateException("cannot sign", e);
    }
  }

  /** The JWK Set document publishing the public halves of {@code keys}. */
  public static String jwks(List<RSAKey> keys) {
    List<JWK> published = new ArrayList<>();
    keys.forEach(k -> published.add(k.toPublicJWK()));
    return new JWKSet(published).toString();
  }
}
