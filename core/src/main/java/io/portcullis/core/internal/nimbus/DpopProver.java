package io.portcullis.core.internal.nimbus;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.oauth2.sdk.dpop.DefaultDPoPProofFactory;
import com.nimbusds.oauth2.sdk.id.JWTID;
import com.nimbusds.oauth2.sdk.token.DPoPAccessToken;
import com.nimbusds.openid.connect.sdk.Nonce;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.Date;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Demonstrating Proof of Possession (RFC 9449): the client's DPoP key, the proofs it signs and the
 * latest {@code DPoP-Nonce} each server gave. A proof is a JWT with header {@code typ dpop+jwt},
 * the algorithm and the public JWK, and claims {@code jti} (random, 128 bits), {@code htm}, {@code
 * htu} (without query and fragment, RFC 9449 §4.2), {@code iat}, and, for a resource request,
 * {@code ath} (the access token's SHA-256) and the server's {@code nonce} when it asked for one.
 *
 * <p>The key is read from a file ({@code dpop-key-file}: a PKCS#8 PEM or a JWK, EC or RSA) or
 * generated at start-up (EC P-256). EC keys sign with ES256, ES384 or ES512 by curve; RSA keys with
 * PS256, or the JWK's {@code alg}. Thread-safe. {@link #toString()} and every message name no key
 * material; the private key never leaves this object.
 */
public final class DpopProver {
  private final DefaultDPoPProofFactory factory;
  private final String thumbprint;
  private final String algorithm;
  private final boolean generated;

  /** The latest nonce per server ({@code scheme://host:port}); bounded, a nonce is short-lived. */
  private final Map<String, String> nonces = new ConcurrentHashMap<>();

  private static final int MAX_SERVERS = 1_000;

  private DpopProver(JWK jwk, JWSAlgorithm algorithm, boolean generated) {
    try {
      this.factory = new DefaultDPoPProofFactory(jwk, algorithm);
      this.thumbprint = jwk.computeThumbprint().toString();
    } catch (JOSEException e) {
      throw new IllegalArgumentException(
          "is not a usable DPoP key (" + e.getClass().getSimpleName() + ")");
    }
    this.algorithm = algorithm.getName();
    this.generated = generated;
  }

  /**
   * Reads the key from the text of a key file, as {@link ClientKey#parse} does (a PKCS#8 PEM, or a
   * JWK or JWK Set JSON with one private RSA or EC key).
   *
   * @throws IllegalArgumentException with a message that shows no part of the text
   */
  public static DpopProver parse(String text) {
    ClientKey key;
    try {
      key = ClientKey.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          String.valueOf(e.getMessage()).replace("private_key_jwt", "DPoP"));
    }
    // The proof's header carries the bare public key: no kid, use or alg of another purpose.
    JWK jwk =
        key.jwk() instanceof RSAKey rsa
            ? new RSAKey.Builder(rsa).keyID(null).keyUse(null).algorithm(null).build()
            : new ECKey.Builder((ECKey) key.jwk()).keyID(null).keyUse(null).algorithm(null).build();
    JWSAlgorithm alg =
        jwk instanceof RSAKey && !key.algorithmNamed()
            ? JWSAlgorithm.PS256
            : JWSAlgorithm.parse(key.algorithm());
    return new DpopProver(jwk, alg, false);
  }

  /** A new EC P-256 key (ES256), held in memory only. */
  public static DpopProver generate() {
    try {
      ECKey jwk = new ECKeyGenerator(Curve.P_256).generate();
      return new DpopProver(jwk, JWSAlgorithm.ES256, true);
    } catch (JOSEException e) {
      throw new IllegalStateException("no EC P-256 key generated: " + e.getMessage());
    }
  }

  /** The RFC 7638 SHA-256 thumbprint of the public key: the {@code jkt} tokens are bound to. */
  public String thumbprint() {
    return thumbprint;
  }

  /** The JWS algorithm of the proofs, e.g. {@code ES256}. */
  public String algorithm() {
    return algorithm;
  }

  /** Whether the key was generated at start-up rather than read from a file. */
  public boolean generated() {
    return generated;
  }

  /**
   * A fresh proof for a request to {@code uri} with {@code method}, dated {@code now}: for a token
   * or PAR request when {@code accessToken} is null (with the nonce last remembered for that
   * server), else for a resource request with that token's {@code ath} and {@code nonce} when not
   * null.
   *
   * @throws IllegalArgumentException when {@code method} is not an HTTP method token or {@code uri}
   *     not an absolute http(s) URI
   */
  public String proof(
      String method, URI uri, Instant now, @Nullable String accessToken, @Nullable String nonce) {
    Objects.requireNonNull(now, "now");
    URI htu = check(method, uri);
    String useNonce = accessToken == null && nonce == null ? nonces.get(server(htu)) : nonce;
    try {
      return factory
          .createDPoPJWT(
              new JWTID(16),
              method,
              htu,
              Date.from(now),
              accessToken == null ? null : new DPoPAccessToken(accessToken),
              useNonce == null ? null : new Nonce(useNonce))
          .serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(
          "DPoP proof not signed (" + e.getClass().getSimpleName() + ")");
    }
  }

  /**
   * Checks that {@code method} is an HTTP method token in upper case and {@code uri} an absolute
   * http(s) URI, and returns {@code uri}'s {@code htu}.
   *
   * @throws IllegalArgumentException when not
   */
  public static URI check(String method, URI uri) {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(uri, "uri");
    if (method.isEmpty()
        || method.length() > 32
        || !method.chars().allMatch(c -> c >= 'A' && c <= 'Z')) {
      throw new IllegalArgumentException("method must be an HTTP method such as GET or POST");
    }
    return htu(uri);
  }

  /** The nonce last remembered for {@code uri}'s server, or null. */
  public @Nullable String nonce(URI uri) {
    return nonces.get(server(htu(uri)));
  }

  /**
   * Remembers {@code nonce}, a server's {@code DPoP-Nonce} header (RFC 9449 §8), for the next
   * proofs to {@code uri}'s server; a value that is not a nonce (RFC 9449 §8.1: {@code NQCHAR}s, at
   * most 512 here) is ignored.
   */
  public void rememberNonce(URI uri, @Nullable String nonce) {
    if (nonce == null || nonce.isEmpty() || nonce.length() > 512) {
      return;
    }
    for (int i = 0; i < nonce.length(); i++) {
      char c = nonce.charAt(i);
      if (c < 0x21 || c > 0x7e || c == '"' || c == '\\') {
        return;
      }
    }
    String server = server(htu(uri));
    if (nonces.size() >= MAX_SERVERS && !nonces.containsKey(server)) {
      nonces.clear();
    }
    nonces.put(server, nonce);
  }

  /** {@code uri} without query and fragment (RFC 9449 §4.2 {@code htu}). */
  static URI htu(URI uri) {
    String scheme = uri.getScheme();
    if (!uri.isAbsolute()
        || uri.getHost() == null
        || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
      throw new IllegalArgumentException("uri must be an absolute http or https URI");
    }
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    try {
      return new URI(
          scheme.toLowerCase(Locale.ROOT)
              + "://"
              + uri.getHost()
              + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
              + path);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("uri must be an absolute http or https URI");
    }
  }

  private static String server(URI htu) {
    int port = htu.getPort();
    if (port < 0) {
      port = "https".equals(htu.getScheme()) ? 443 : 80;
    }
    return htu.getScheme() + "://" + htu.getHost().toLowerCase(Locale.ROOT) + ":" + port;
  }

  /** Names the key by thumbprint and algorithm, never its material. */
  @Override
  public String toString() {
    return "DpopProver[jkt="
        + thumbprint
        + ", alg="
        + algorithm
        + (generated ? ", generated" : "")
        + "]";
  }
}
