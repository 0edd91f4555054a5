package io.portcullis.core.internal.nimbus;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.portcullis.core.internal.nimbus.IdTokenException.Check;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Validates ID tokens as OIDC Core §3.1.3.7 demands: a JWS (never {@code alg=none}, never encrypted
 * here) whose algorithm the provider advertises, signed by a key of the provider's JWK Set (or HMAC
 * with the client secret, step 8); {@code iss} identical to the issuer; {@code aud} holding this
 * client and no other audience; {@code azp}, when present, this client; {@code exp} in the future
 * and {@code iat} not in the future (with {@link #CLOCK_SKEW}); {@code nonce} equal to the one
 * sent; {@code sub} present and at most 255 characters (§2).
 */
public final class NimbusIdTokenVerifier {
  /** Tolerated clock difference with the provider. */
  public static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

  private final String clientId;
  private final @Nullable String clientSecret;
  private final JwksCache jwks;
  private final Clock clock;

  /** The tenants a multi-tenant issuer's tokens may come from ({@code tenants}); else empty. */
  private final java.util.Set<String> tenants;

  /** Creates a verifier for one client. */
  public NimbusIdTokenVerifier(
      String clientId, @Nullable String clientSecret, JwksCache jwks, Clock clock) {
    this(clientId, clientSecret, jwks, clock, java.util.Set.of());
  }

  /**
   * {@code tenants}: for a multi-tenant issuer ({@code {tenantid}} in the metadata issuer), the
   * tenants ({@code tid}) whose tokens are accepted; each token's {@code iss} is the issuer with
   * its tenant in place of the placeholder.
   */
  public NimbusIdTokenVerifier(
      String clientId,
      @Nullable String clientSecret,
      JwksCache jwks,
      Clock clock,
      java.util.Set<String> tenants) {
    this.tenants = java.util.Set.copyOf(tenants);
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.jwks = jwks;
    this.clock = clock;
  }

  /**
   * Verifies {@code idToken} and returns its claims as JDK types (String, Boolean, Long, Double,
   * List, Map).
   *
   * <p>Only for ID tokens the provider's token endpoint returned (code exchange, refresh): an
   * unknown key is then taken as a key rotation ({@link JwksCache.Source#TOKEN_ENDPOINT}).
   *
   * @param expectedNonce the nonce of the authorization request, or null to skip the check (only
   *     for ID tokens returned by a refresh, OIDC Core §12.2)
   */
  public Map<String, Object> verify(
      String idToken, ProviderMetadata metadata, @Nullable String expectedNonce)
      throws IdTokenException {
    try {
      return verifyIdToken(idToken, metadata, expectedNonce);
    } catch (RuntimeException e) {
      // Any shape of token: the parser throws more than ParseException (a JSON null header gives
      // a NullPointerException). The one place an ID token's failure becomes a refusal.
      throw unreadable("ID token", e);
    }
  }

  private static JWT parse(String token, String what) throws IdTokenException {
    try {
      return JWTParser.parse(token);
    } catch (java.text.ParseException e) {
      throw new IdTokenException(Check.MALFORMED, what + " is not a JWT");
    }
  }

  /**
   * A token that made the parser or a check throw something other than {@link IdTokenException} (a
   * JSON {@code null} header gives a NullPointerException): malformed, naming only the type.
   */
  private static IdTokenException unreadable(String what, Exception e) {
    return new IdTokenException(
        Check.MALFORMED, what + " cannot be read (" + e.getClass().getSimpleName() + ")");
  }

  /**
   * The claims of an ID token this client verified before (it comes back from the session's
   * encrypted, authenticated record), as {@link #verify} returned them; not verified again.
   *
   * @throws IdTokenException when it cannot be read
   */
  public static Map<String, Object> claimsOf(String verifiedIdToken) throws IdTokenException {
    try {
      return JdkValues.copyObject(
          JWTParser.parse(verifiedIdToken).getJWTClaimsSet().toJSONObject());
    } catch (java.text.ParseException | RuntimeException e) {
      throw unreadable("ID token", e);
    }
  }

  private Map<String, Object> verifyIdToken(
      String idToken, ProviderMetadata metadata, @Nullable String expectedNonce)
      throws IdTokenException {
    JWT jwt = parse(idToken, "ID token");
    if (jwt instanceof PlainJWT) {
      throw new IdTokenException(Check.ALG_NONE, "ID token is unsigned (alg=none), refused");
    }
    if (!(jwt instanceof SignedJWT signed)) {
      throw new IdTokenException(
          Check.UNSUPPORTED, "ID token is encrypted; encrypted ID tokens are not supported");
    }
    JWSHeader header = signed.getHeader();
    JWSAlgorithm alg = header.getAlgorithm();
    if (alg == null || "none".equalsIgnoreCase(alg.getName())) {
      throw new IdTokenException(Check.ALG_NONE, "ID token has alg=none, refused");
    }
    if (!metadata.idTokenSigningAlgs().contains(alg.getName())) {
      throw new IdTokenException(
          Check.ALG,
          "ID token algorithm "
              + alg.getName()
              + " is not one the provider advertises "
              + metadata.idTokenSigningAlgs());
    }
    verifySignature(signed, header, alg, metadata, JwksCache.Source.TOKEN_ENDPOINT);
    JWTClaimsSet claims;
    try {
      claims = signed.getJWTClaimsSet();
    } catch (java.text.ParseException e) {
      throw new IdTokenException(Check.MALFORMED, "ID token claims are not a JSON object");
    }
    verifyClaims(claims, metadata.issuer(), expectedNonce);
    return JdkValues.copyObject(claims.toJSONObject());
  }

  /**
   * {@code source}: where the token came from, which decides how soon an unknown key may cause a
   * JWK Set re-fetch.
   */
  private void verifySignature(
      SignedJWT signed,
      JWSHeader header,
      JWSAlgorithm alg,
      ProviderMetadata metadata,
      JwksCache.Source source)
      throws IdTokenException {
    try {
      if (JWSAlgorithm.Family.HMAC_SHA.contains(alg)) {
        if (clientSecret == null) {
          throw new IdTokenException(
              Check.ALG, "ID token is HMAC-signed but this client has no secret");
        }
        MACVerifier verifier;
        try {
          verifier = new MACVerifier(clientSecret.getBytes(StandardCharsets.UTF_8));
        } catch (JOSEException e) {
          throw new IdTokenException(
              Check.SIGNATURE, "client secret too short for " + alg.getName());
        }
        if (!signed.verify(verifier)) {
          throw new IdTokenException(Check.SIGNATURE, "ID token signature is invalid");
        }
        return;
      }
      URI jwksUri = metadata.jwksUri();
      if (jwksUri == null) {
        throw new IdTokenException(
            Check.UNKNOWN_KEY, "provider has no jwks_uri to verify the ID token");
      }
      JWKSet seen = jwks.get(jwksUri);
      List<JWK> candidates = select(seen, header);
      if (candidates.isEmpty()) {
        JWKSet newer = jwks.refreshForUnknownKey(jwksUri, seen, source);
        if (newer != null) {
          candidates = select(newer, header);
        }
      }
      if (candidates.isEmpty()) {
        throw new IdTokenException(
            Check.UNKNOWN_KEY, "ID token is signed with a key not in the provider's JWK Set");
      }
      for (JWK key : candidates) {
        JWSVerifier verifier = verifierFor(key);
        if (verifier != null && signed.verify(verifier)) {
          return;
        }
      }
      throw new IdTokenException(Check.SIGNATURE, "ID token signature is invalid");
    } catch (JOSEException e) {
      throw new IdTokenException(Check.SIGNATURE, "ID token signature cannot be verified");
    } catch (ProviderException e) {
      // always constructed with a message
      throw new IdTokenException(Check.KEYS_UNAVAILABLE, Objects.requireNonNull(e.getMessage()));
    }
  }

  private static List<JWK> select(JWKSet set, JWSHeader header) {
    return new JWKSelector(JWKMatcher.forJWSHeader(header)).select(set);
  }

  private static @Nullable JWSVerifier verifierFor(JWK key) throws JOSEException {
    if (key instanceof RSAKey rsa) {
      return new RSASSAVerifier(rsa);
    }
    if (key instanceof ECKey ec) {
      return new ECDSAVerifier(ec);
    }
    return null;
  }

  private void verifyClaims(JWTClaimsSet claims, String issuer, @Nullable String expectedNonce)
      throws IdTokenException {
    if (TenantIssuer.isTemplate(issuer)) {
      Object tid = claims.getClaim("tid");
      if (!(tid instanceof String tenant) || !tenants.contains(tenant)) {
        throw new IdTokenException(Check.TENANT, "ID token tid is not an allowed tenant");
      }
      if (!issuer.replace(TenantIssuer.PLACEHOLDER, tenant).equals(claims.getIssuer())) {
        throw new IdTokenException(Check.ISS, "ID token iss does not match its tenant's issuer");
      }
    } else if (!issuer.equals(claims.getIssuer())) {
      throw new IdTokenException(Check.ISS, "ID token iss does not match the issuer");
    }
    List<String> audience = claims.getAudience();
    if (audience == null || !audience.contains(clientId)) {
      throw new IdTokenException(Check.AUD, "ID token aud does not contain this client");
    }
    List<String> others = new ArrayList<>(audience);
    others.removeIf(clientId::equals);
    if (!others.isEmpty()) {
      throw new IdTokenException(
          Check.AUD, "ID token aud holds audiences this client does not trust");
    }
    Object azp = claims.getClaim("azp");
    if (azp != null && !clientId.equals(azp)) {
      throw new IdTokenException(Check.AZP, "ID token azp is not this client");
    }
    long now = clock.millis();
    long skew = CLOCK_SKEW.toMillis();
    Date exp = claims.getExpirationTime();
    if (exp == null || now >= exp.getTime() + skew) {
      throw new IdTokenException(Check.EXPIRED, "ID token has expired or has no exp");
    }
    Date iat = claims.getIssueTime();
    if (iat == null || iat.getTime() > now + skew) {
      throw new IdTokenException(Check.NOT_YET_VALID, "ID token iat is missing or in the future");
    }
    String sub = claims.getSubject();
    if (sub == null || sub.isEmpty() || sub.length() > 255) {
      throw new IdTokenException(Check.SUB, "ID token sub is missing or too long");
    }
    if (expectedNonce != null) {
      Object nonce = claims.getClaim("nonce");
      if (!(nonce instanceof String s)
          || !MessageDigest.isEqual(
              s.getBytes(StandardCharsets.UTF_8), expectedNonce.getBytes(StandardCharsets.UTF_8))) {
        throw new IdTokenException(
            Check.NONCE, "ID token nonce does not match the authorization request");
      }
    }
  }

  /** The back-channel logout event (OpenID Connect Back-Channel Logout 1.0 §2.4). */
  public static final String BACKCHANNEL_LOGOUT_EVENT =
      "http://schemas.openid.net/event/backchannel-logout";

  /** How old a logout token's {@code iat} may be, besides {@link #CLOCK_SKEW}. */
  public static final Duration LOGOUT_TOKEN_MAX_AGE = Duration.ofMinutes(5);

  /**
   * A verified logout token.
   *
   * @param issuer {@code iss}, the provider's issuer
   * @param subject {@code sub}, or null when absent
   * @param sessionId {@code sid}, or null when absent (one of the two is always present)
   * @param jwtId {@code jti}
   * @param issuedAtMillis {@code iat}, epoch milliseconds
   * @param expiresAtMillis {@code exp}, epoch milliseconds
   */
  public record LogoutToken(
      String issuer,
      @Nullable String subject,
      @Nullable String sessionId,
      String jwtId,
      long issuedAtMillis,
      long expiresAtMillis) {}

  /**
   * Validates a logout token as OpenID Connect Back-Channel Logout 1.0 §2.6 demands: a JWS signed
   * as the provider signs ID tokens (never {@code alg=none}, never encrypted; with the header
   * {@code typ} absent or {@code logout+jwt}), {@code iss} identical to the issuer, {@code aud}
   * holding this client and no other audience, {@code iat} not in the future nor older than {@link
   * #LOGOUT_TOKEN_MAX_AGE}, {@code exp} present and in the future (§2.4), a {@code jti}, {@code
   * events} holding the back-channel logout event as a JSON object, {@code sub} or {@code sid}, and
   * no {@code nonce} (§2.6 step 7: an ID token is not a logout token). An unknown signing key
   * causes a rate-limited JWK Set re-fetch. Any failure, of any shape of token, is an {@link
   * IdTokenException} naming the check; its message never holds the token.
   */
  public LogoutToken verifyLogoutToken(String token, ProviderMetadata metadata)
      throws IdTokenException {
    try {
      return verifyLogout(token, metadata);
    } catch (RuntimeException e) {
      throw unreadable("logout token", e);
    }
  }

  private LogoutToken verifyLogout(String token, ProviderMetadata metadata)
      throws IdTokenException {
    JWT jwt = parse(token, "logout token");
    if (jwt instanceof PlainJWT) {
      throw new IdTokenException(Check.ALG_NONE, "logout token is unsigned (alg=none)");
    }
    if (!(jwt instanceof SignedJWT signed)) {
      throw new IdTokenException(Check.UNSUPPORTED, "logout token is encrypted");
    }
    JWSHeader header = signed.getHeader();
    JWSAlgorithm alg = header.getAlgorithm();
    if (alg == null || "none".equalsIgnoreCase(alg.getName())) {
      throw new IdTokenException(Check.ALG_NONE, "logout token has alg=none");
    }
    if (!metadata.idTokenSigningAlgs().contains(alg.getName())) {
      throw new IdTokenException(
          Check.ALG, "logout token algorithm " + alg.getName() + " is not one the provider uses");
    }
    if (header.getType() != null) {
      String typ = header.getType().getType().toLowerCase(java.util.Locale.ROOT);
      if (!typ.equals("logout+jwt") && !typ.equals("application/logout+jwt")) {
        throw new IdTokenException(Check.TYPE, "logout token typ is not logout+jwt");
      }
    }
    verifySignature(signed, header, alg, metadata, JwksCache.Source.PRESENTED);
    JWTClaimsSet claims;
    try {
      claims = signed.getJWTClaimsSet();
    } catch (java.text.ParseException e) {
      throw new IdTokenException(Check.MALFORMED, "logout token claims are not a JSON object");
    }
    if (!TenantIssuer.matches(metadata.issuer(), claims.getIssuer(), tenants)) {
      throw new IdTokenException(Check.ISS, "logout token iss does not match the issuer");
    }
    List<String> audience = claims.getAudience();
    if (audience == null || audience.isEmpty() || !audience.stream().allMatch(clientId::equals)) {
      throw new IdTokenException(Check.AUD, "logout token aud is not this client alone");
    }
    long now = clock.millis();
    long skew = CLOCK_SKEW.toMillis();
    Date iat = claims.getIssueTime();
    if (iat == null
        || iat.getTime() > now + skew
        || iat.getTime() < now - skew - LOGOUT_TOKEN_MAX_AGE.toMillis()) {
      throw new IdTokenException(
          Check.NOT_YET_VALID, "logout token iat is missing, in the future or too old");
    }
    Date exp = claims.getExpirationTime();
    if (exp == null || now >= exp.getTime() + skew) {
      throw new IdTokenException(Check.EXPIRED, "logout token has expired or has no exp");
    }
    Object events = claims.getClaim("events");
    if (!(events instanceof Map<?, ?> map) || !(map.get(BACKCHANNEL_LOGOUT_EVENT) instanceof Map)) {
      throw new IdTokenException(
          Check.EVENTS, "logout token events lacks the back-channel logout event object");
    }
    if (claims.getClaim("nonce") != null) {
      throw new IdTokenException(Check.NONCE, "logout token carries a nonce");
    }
    Object sub = claims.getClaim("sub");
    Object sid = claims.getClaim("sid");
    if ((sub != null && !(sub instanceof String))
        || (sid != null && !(sid instanceof String))
        || (sub == null && sid == null)
        || (sub instanceof String s && (s.isEmpty() || s.length() > 255))
        || (sid instanceof String i && (i.isEmpty() || i.length() > 255))) {
      throw new IdTokenException(Check.SUB, "logout token has neither a valid sub nor sid");
    }
    Object jti = claims.getClaim("jti");
    if (!(jti instanceof String j) || j.isEmpty() || j.length() > 255) {
      throw new IdTokenException(Check.JTI, "logout token has no valid jti");
    }
    return new LogoutToken(
        claims.getIssuer(), (String) sub, (String) sid, j, iat.getTime(), exp.getTime());
  }

  /**
   * A verified JWT access token.
   *
   * @param type the header {@code typ}, or null when absent
   * @param claims the claims as JDK types
   */
  public record AccessToken(@Nullable String type, Map<String, Object> claims) {}

  /**
   * Verifies a JWT access token (RFC 6750, RFC 9068 style): signed with an asymmetric key of the
   * provider's JWK Set (never HMAC, never {@code alg=none}), {@code iss} identical to the issuer,
   * {@code exp} in the future and {@code nbf}/{@code iat} not in the future (with {@link
   * #CLOCK_SKEW}). Whether it is an access token and whom it was issued to are the caller's checks.
   * Any failure, of any shape of token, is an {@link IdTokenException} naming the check (an
   * unsigned or encrypted token fails {@link IdTokenException.Check#ALG}).
   */
  public AccessToken verifyAccessToken(String token, ProviderMetadata metadata)
      throws IdTokenException {
    try {
      return verifyJwtAccessToken(token, metadata);
    } catch (RuntimeException e) {
      throw unreadable("bearer token", e);
    }
  }

  private AccessToken verifyJwtAccessToken(String token, ProviderMetadata metadata)
      throws IdTokenException {
    JWT jwt = parse(token, "bearer token");
    if (!(jwt instanceof SignedJWT signed)) {
      throw new IdTokenException(Check.ALG, "bearer token is not signed");
    }
    JWSHeader header = signed.getHeader();
    JWSAlgorithm alg = header.getAlgorithm();
    if (alg == null
        || !(JWSAlgorithm.Family.RSA.contains(alg) || JWSAlgorithm.Family.EC.contains(alg))) {
      throw new IdTokenException(Check.ALG, "bearer token algorithm is not accepted");
    }
    verifySignature(signed, header, alg, metadata, JwksCache.Source.PRESENTED);
    JWTClaimsSet claims;
    try {
      claims = signed.getJWTClaimsSet();
    } catch (java.text.ParseException e) {
      throw new IdTokenException(Check.MALFORMED, "bearer token claims are not a JSON object");
    }
    if (!TenantIssuer.matches(metadata.issuer(), claims.getIssuer(), tenants)) {
      throw new IdTokenException(Check.ISS, "bearer token iss does not match the issuer");
    }
    long now = clock.millis();
    long skew = CLOCK_SKEW.toMillis();
    Date exp = claims.getExpirationTime();
    if (exp == null || now >= exp.getTime() + skew) {
      throw new IdTokenException(Check.EXPIRED, "bearer token has expired or has no exp");
    }
    Date nbf = claims.getNotBeforeTime();
    Date iat = claims.getIssueTime();
    if ((nbf != null && nbf.getTime() > now + skew)
        || (iat != null && iat.getTime() > now + skew)) {
      throw new IdTokenException(Check.NOT_YET_VALID, "bearer token is not valid yet");
    }
    return new AccessToken(
        header.getType() == null ? null : header.getType().getType(),
        JdkValues.copyObject(claims.toJSONObject()));
  }
}
