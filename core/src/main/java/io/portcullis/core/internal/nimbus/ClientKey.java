package io.portcullis.core.internal.nimbus;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.math.BigInteger;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.text.ParseException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The client's own signing key for {@code private_key_jwt} (RFC 7523 §2.2, OIDC Core §9): read from
 * a PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}, RSA or EC) or a JWK / JWK Set JSON holding one
 * private RSA or EC key. It signs client assertions and gives the public JWK Set the application
 * publishes. Immutable; {@link #toString()} and every message name no key material.
 */
public final class ClientKey {
  private static final Pattern PEM =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----");
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Algorithms an RSA key may name in its JWK {@code alg}. */
  private static final Set<JWSAlgorithm> RSA_ALGORITHMS =
      Set.of(
          JWSAlgorithm.RS256,
          JWSAlgorithm.RS384,
          JWSAlgorithm.RS512,
          JWSAlgorithm.PS256,
          JWSAlgorithm.PS384,
          JWSAlgorithm.PS512);

  /** The RSA algorithms tried, in order, when the provider does not take RS256. */
  private static final List<JWSAlgorithm> RSA_PREFERENCE =
      List.of(
          JWSAlgorithm.RS256,
          JWSAlgorithm.PS256,
          JWSAlgorithm.RS384,
          JWSAlgorithm.PS384,
          JWSAlgorithm.RS512,
          JWSAlgorithm.PS512);

  private final JWK jwk;
  private final JWSAlgorithm algorithm;
  private final boolean algorithmNamed;

  private ClientKey(JWK jwk, JWSAlgorithm algorithm, boolean algorithmNamed) {
    this.jwk = jwk;
    this.algorithm = algorithm;
    this.algorithmNamed = algorithmNamed;
  }

  /**
   * Reads a key from the text of a key file: a PKCS#8 PEM, or a JWK or a JWK Set JSON with exactly
   * one private RSA or EC key. Its {@code kid} is the JWK's, else the RFC 7638 SHA-256 thumbprint
   * of the public key; its algorithm the JWK's {@code alg}, else RS256 for RSA and ES256, ES384 or
   * ES512 by curve for EC.
   *
   * @throws IllegalArgumentException with a message that shows no part of the text
   */
  public static ClientKey parse(String text) {
    Objects.requireNonNull(text, "text");
    String trimmed = text.strip();
    JWK jwk = trimmed.startsWith("{") ? fromJson(trimmed) : fromPem(trimmed);
    if (!jwk.isPrivate()) {
      throw new IllegalArgumentException(
          "holds a public key only; private_key_jwt needs the private key");
    }
    JWSAlgorithm algorithm = algorithm(jwk);
    boolean named = jwk.getAlgorithm() != null;
    try {
      String keyId = jwk.getKeyID();
      jwk = rebuild(jwk, keyId != null ? keyId : jwk.computeThumbprint().toString());
    } catch (JOSEException e) {
      throw new IllegalArgumentException(
          "is not a usable key (" + e.getClass().getSimpleName() + ")");
    }
    return new ClientKey(jwk, algorithm, named);
  }

  /** Returns this key under key id {@code keyId} (the {@code kid} of assertions and the set). */
  public ClientKey withKeyId(String keyId) {
    Objects.requireNonNull(keyId, "keyId");
    return new ClientKey(rebuild(jwk, keyId), algorithm, algorithmNamed);
  }

  /** Returns the key id that assertions carry in their header. */
  public String keyId() {
    return Objects.requireNonNull(jwk.getKeyID());
  }

  /** The private JWK, for {@link DpopProver} only. */
  JWK jwk() {
    return jwk;
  }

  /** Whether the key's JWK named its {@code alg}. */
  boolean algorithmNamed() {
    return algorithmNamed;
  }

  /** Returns the JWS algorithm assertions are signed with, e.g. {@code RS256}. */
  public String algorithm() {
    return algorithm.getName();
  }

  /**
   * Returns the algorithm to sign with for a provider that takes {@code supported} ({@code
   * token_endpoint_auth_signing_alg_values_supported}; empty: not said): {@link #algorithm()} when
   * the provider takes it or does not say, else, for an RSA key whose JWK names no {@code alg}, the
   * first of RS256, PS256, RS384, PS384, RS512, PS512 the provider takes; else still {@link
   * #algorithm()}, which the provider will refuse.
   */
  public String algorithmFor(List<String> supported) {
    return algorithmFor(supported, algorithm).getName();
  }

  private JWSAlgorithm algorithmFor(List<String> supported, JWSAlgorithm own) {
    if (supported.isEmpty() || supported.contains(own.getName())) {
      return own;
    }
    if (jwk instanceof RSAKey && !algorithmNamed) {
      for (JWSAlgorithm candidate : RSA_PREFERENCE) {
        if (supported.contains(candidate.getName())) {
          return candidate;
        }
      }
    }
    return own;
  }

  /**
   * Returns the public JWK Set, as JSON, that lets a provider verify this key's assertions: the
   * public key only, with its {@code kid}, {@code alg} and {@code use=sig}.
   */
  public String publicJwkSet() {
    return new JWKSet(jwk.toPublicJWK()).toString(true);
  }

  /**
   * Signs a client assertion (RFC 7523 §3, OIDC Core §9): {@code iss} and {@code sub} {@code
   * clientId}, {@code aud} {@code audience}, a random {@code jti}, {@code iat} {@code now} and
   * {@code exp} 60 seconds later.
   */
  String assertion(String clientId, URI audience, Instant now) {
    return assertion(clientId, audience, now, List.of());
  }

  /** The same, signed with {@link #algorithmFor} {@code supported}. */
  String assertion(String clientId, URI audience, Instant now, List<String> supported) {
    JWSAlgorithm signWith = algorithmFor(supported, algorithm);
    byte[] jti = new byte[24];
    RANDOM.nextBytes(jti);
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(clientId)
            .subject(clientId)
            .audience(audience.toString())
            .jwtID(Base64.getUrlEncoder().withoutPadding().encodeToString(jti))
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plusSeconds(60)))
            .build();
    JWSHeader header =
        new JWSHeader.Builder(signWith).keyID(keyId()).type(JOSEObjectType.JWT).build();
    SignedJWT jwt = new SignedJWT(header, claims);
    try {
      jwt.sign(signer());
    } catch (JOSEException e) {
      throw new IllegalStateException(
          "client assertion not signed (" + e.getClass().getSimpleName() + ")");
    }
    return jwt.serialize();
  }

  private JWSSigner signer() throws JOSEException {
    return jwk instanceof ECKey ec ? new ECDSASigner(ec) : new RSASSASigner((RSAKey) jwk);
  }

  private static JWK fromJson(String json) {
    JWK jwk;
    try {
      if (json.contains("\"keys\"")) {
        List<JWK> keys = JWKSet.parse(json).getKeys();
        List<JWK> privateKeys = keys.stream().filter(JWK::isPrivate).toList();
        if (privateKeys.size() > 1) {
          throw new IllegalArgumentException(
              "holds " + privateKeys.size() + " private keys; keep only the one to sign with");
        }
        if (keys.isEmpty()) {
          throw new IllegalArgumentException("is an empty JWK Set");
        }
        jwk = privateKeys.isEmpty() ? keys.get(0) : privateKeys.get(0);
      } else {
        jwk = JWK.parse(json);
      }
    } catch (ParseException e) {
      throw new IllegalArgumentException("is JSON but not a JWK or JWK Set (RFC 7517)");
    }
    if (!(jwk instanceof RSAKey) && !(jwk instanceof ECKey)) {
      throw new IllegalArgumentException(
          "holds a " + jwk.getKeyType() + " key; private_key_jwt takes an RSA or EC key");
    }
    return jwk;
  }

  private static JWK fromPem(String text) {
    Matcher m = PEM.matcher(text);
    if (!m.find()) {
      throw new IllegalArgumentException(
          "is neither a PEM (-----BEGIN PRIVATE KEY-----) nor a JWK JSON file");
    }
    String type = m.group(1);
    if (type.equals("PUBLIC KEY") || type.equals("CERTIFICATE")) {
      throw new IllegalArgumentException(
          "holds a public key only; private_key_jwt needs the private key");
    }
    if (!type.equals("PRIVATE KEY")) {
      throw new IllegalArgumentException(
          "holds a PEM \""
              + type
              + "\"; convert it to PKCS#8 (openssl pkcs8 -topk8 -nocrypt) for a \"PRIVATE KEY\"");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(m.group(2).strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("holds a PEM PRIVATE KEY that is not valid base64");
    }
    PrivateKey key = null;
    for (String algorithm : List.of("RSA", "EC")) {
      try {
        key = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        break;
      } catch (GeneralSecurityException | RuntimeException e) {
        // not this algorithm's key
      }
    }
    try {
      if (key instanceof RSAPrivateCrtKey rsa) {
        RSAPublicKey pub =
            (RSAPublicKey)
                KeyFactory.getInstance("RSA")
                    .generatePublic(
                        new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
        return new RSAKey.Builder(pub).privateKey(rsa).build();
      }
      if (key instanceof ECPrivateKey ec) {
        Curve curve = Curve.forECParameterSpec(ec.getParams());
        ECPublicKey pub = ecPublicKey(der, ec.getParams());
        if (curve == null || pub == null) {
          throw new IllegalArgumentException(
              "holds an EC key without its public point or on an unknown curve; use a JWK file");
        }
        return new ECKey.Builder(curve, pub).privateKey(ec).build();
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "is not a usable key (" + e.getClass().getSimpleName() + ")");
    }
    throw new IllegalArgumentException("holds a PEM PRIVATE KEY that is neither RSA nor EC");
  }

  /**
   * The public key in a PKCS#8 EC key's inner {@code ECPrivateKey} (RFC 5915 {@code [1] publicKey},
   * which OpenSSL writes), or null when absent.
   */
  private static @Nullable ECPublicKey ecPublicKey(byte[] pkcs8, ECParameterSpec params)
      throws GeneralSecurityException {
    Der outer = new Der(pkcs8, 0).enter(); // PrivateKeyInfo SEQUENCE
    outer.skip(); // version
    outer.skip(); // AlgorithmIdentifier
    Der inner = new Der(outer.value(0x04), 0).enter(); // ECPrivateKey SEQUENCE
    inner.skip(); // version
    inner.skip(); // privateKey
    while (inner.hasMore()) {
      int tag = inner.tag();
      byte[] value = inner.value(tag);
      if (tag == 0xA1) {
        byte[] bits = new Der(value, 0).value(0x03);
        // unused-bits byte, then the uncompressed point 04 || X || Y
        if (bits.length < 2 || bits[1] != 0x04) {
          return null;
        }
        int n = (bits.length - 2) / 2;
        BigInteger x = new BigInteger(1, Arrays.copyOfRange(bits, 2, 2 + n));
        BigInteger y = new BigInteger(1, Arrays.copyOfRange(bits, 2 + n, 2 + 2 * n));
        return (ECPublicKey)
            KeyFactory.getInstance("EC")
                .generatePublic(new ECPublicKeySpec(new ECPoint(x, y), params));
      }
    }
    return null;
  }

  /** Just enough DER (X.690) to walk a PKCS#8 EC key: definite lengths only. */
  private static final class Der {
    private final byte[] bytes;
    private int pos;
    private int end;

    Der(byte[] bytes, int pos) {
      this.bytes = bytes;
      this.pos = pos;
      this.end = bytes.length;
    }

    boolean hasMore() {
      return pos < end;
    }

    int tag() {
      check(pos < end);
      return bytes[pos] & 0xFF;
    }

    /** Moves into the constructed element here. */
    Der enter() {
      check(tag() == 0x30);
      int length = header();
      end = pos + length;
      check(end <= bytes.length);
      return this;
    }

    void skip() {
      int length = header();
      pos += length;
      check(pos <= end);
    }

    /** The contents of the element here, which must have {@code tag} (0: any). */
    byte[] value(int tag) {
      check(tag == 0 || tag() == tag);
      int length = header();
      check(pos + length <= end);
      byte[] out = Arrays.copyOfRange(bytes, pos, pos + length);
      pos += length;
      return out;
    }

    private int header() {
      check(pos + 2 <= end);
      pos++; // tag
      int first = bytes[pos++] & 0xFF;
      if (first < 0x80) {
        return first;
      }
      int count = first & 0x7F;
      check(count >= 1 && count <= 3 && pos + count <= end);
      int length = 0;
      for (int i = 0; i < count; i++) {
        length = (length << 8) | (bytes[pos++] & 0xFF);
      }
      return length;
    }

    private static void check(boolean ok) {
      if (!ok) {
        throw new IllegalArgumentException("holds a PEM PRIVATE KEY that is not valid DER");
      }
    }
  }

  private static JWSAlgorithm algorithm(JWK jwk) {
    if (jwk instanceof RSAKey rsa) {
      if (rsa.size() < 2048) {
        throw new IllegalArgumentException(
            "holds a " + rsa.size() + "-bit RSA key; RFC 7518 §3.3 requires 2048 bits or more");
      }
      if (jwk.getAlgorithm() == null) {
        return JWSAlgorithm.RS256;
      }
      JWSAlgorithm named = JWSAlgorithm.parse(jwk.getAlgorithm().getName());
      if (!RSA_ALGORITHMS.contains(named)) {
        throw new IllegalArgumentException(
            "names alg " + named + ", which is not an RSA signature algorithm");
      }
      return named;
    }
    Curve curve = ((ECKey) jwk).getCurve();
    JWSAlgorithm byCurve =
        Curve.P_256.equals(curve)
            ? JWSAlgorithm.ES256
            : Curve.P_384.equals(curve)
                ? JWSAlgorithm.ES384
                : Curve.P_521.equals(curve) ? JWSAlgorithm.ES512 : null;
    if (byCurve == null) {
      throw new IllegalArgumentException(
          "holds an EC key on curve " + curve + "; private_key_jwt takes P-256, P-384 or P-521");
    }
    if (jwk.getAlgorithm() != null && !jwk.getAlgorithm().getName().equals(byCurve.getName())) {
      throw new IllegalArgumentException(
          "names alg " + jwk.getAlgorithm() + ", which does not fit its curve " + curve);
    }
    return byCurve;
  }

  /** {@code jwk} with {@code kid}, {@code use=sig} and its algorithm. */
  private static JWK rebuild(JWK jwk, String keyId) {
    JWSAlgorithm alg = algorithm(jwk);
    if (jwk instanceof RSAKey rsa) {
      return new RSAKey.Builder(rsa).keyID(keyId).keyUse(KeyUse.SIGNATURE).algorithm(alg).build();
    }
    return new ECKey.Builder((ECKey) jwk)
        .keyID(keyId)
        .keyUse(KeyUse.SIGNATURE)
        .algorithm(alg)
        .build();
  }

  /** Names the key by id and algorithm only, never its material. */
  @Override
  public String toString() {
    return "ClientKey[kid=" + jwk.getKeyID() + ", alg=" + algorithm + "]";
  }
}
