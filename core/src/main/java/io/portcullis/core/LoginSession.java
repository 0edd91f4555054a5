package io.portcullis.core;

import io.portcullis.core.internal.nimbus.IdTokenException;
import io.portcullis.core.internal.nimbus.NimbusIdTokenVerifier;
import java.io.NotSerializableException;
import java.io.ObjectStreamException;
import java.io.Serial;
import java.io.Serializable;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A login as the engine holds it in memory: the application's {@link Identity} plus what only the
 * engine may see (refresh token, raw ID token, logout token, step-up history). Never mutated in
 * place (a change is a new value, stored again so replication sees it). The session stores it only
 * inside a {@link SessionRecord}, which encrypts the tokens; it is never written as it is.
 *
 * <p>It is {@link Serializable} only so that a session written by a version before the encrypted
 * record (which stored this record, plaintext, under the same attribute) still deserializes under
 * the strict filter, and then reads as "logged out" instead of failing the container's session
 * load; writing it is refused.
 *
 * @param identity the user and their access token, as the application sees them
 * @param refreshToken the refresh token, or null when the provider issued none
 * @param idToken the latest raw ID token (OIDC Core §2), kept for {@code id_token_hint} at logout
 *     and for the claims
 * @param logoutToken the anti-CSRF token the logout form must carry (THREATS G-12)
 * @param stepUpAsked scope sets already asked for by step-up in this session (SPEC.md "Step-up"),
 *     each as its sorted, space-separated scopes
 * @param sessionId the ID token's {@code sid} (the provider's session), or null: what a
 *     back-channel logout names (read from the ID token, never stored apart)
 * @param issuedAtMillis the ID token's {@code iat} in epoch milliseconds, 0 without one: a logout
 *     of the user ends the logins issued at or before it
 * @param loginAtMillis when the user logged in (the callback that made this login), epoch
 *     milliseconds; kept across refreshes and step-ups. 0: not known (a record of format 1, stored
 *     before lifetimes existed), which the engine stamps with the time it first reads it
 * @param seenAtMillis the last-activity mark of {@code session-idle-timeout}, epoch milliseconds:
 *     moved forward only when it is more than a tenth of the idle timeout old, so the stored record
 *     is not rewritten on every request. 0: not tracked (no idle timeout when it was stored, or a
 *     record of format 1), which the engine stamps with the time it first reads it
 * @param userInfo the claims of the latest UserInfo answer ({@code userinfo}) as a JSON object,
 *     merged into {@link Identity#claims()} under README "UserInfo"'s precedence; null when none
 *     was read
 */
record LoginSession(
    Identity identity,
    @Nullable String refreshToken,
    @Nullable String idToken,
    String logoutToken,
    Set<String> stepUpAsked,
    @Nullable String sessionId,
    long issuedAtMillis,
    long loginAtMillis,
    long seenAtMillis,
    @Nullable String userInfo)
    implements Serializable {
  @Serial private static final long serialVersionUID = 1L;

  /**
   * A login whose {@code sid} and {@code iat} are read from {@code idToken}, with no login time yet
   * ({@link #withTimes}).
   */
  LoginSession(
      Identity identity,
      @Nullable String refreshToken,
      @Nullable String idToken,
      String logoutToken,
      Set<String> stepUpAsked) {
    this(
        identity,
        refreshToken,
        idToken,
        logoutToken,
        stepUpAsked,
        idToken == null ? null : sid(claimsOf(idToken)),
        idToken == null ? 0 : issuedAt(claimsOf(idToken)),
        0,
        0,
        null);
  }

  /** The claims of a verified {@code idToken}; empty when it cannot be read (never for one). */
  static Map<String, Object> claimsOf(String idToken) {
    try {
      return NimbusIdTokenVerifier.claimsOf(idToken);
    } catch (IdTokenException e) {
      return Map.of(); // cannot happen for a token that was verified
    }
  }

  /** The {@code sid} of ID token claims, or null. */
  static @Nullable String sid(Map<String, Object> claims) {
    return claims.get("sid") instanceof String s ? s : null;
  }

  /** The {@code iat} of ID token claims in epoch milliseconds, or 0. */
  static long issuedAt(Map<String, Object> claims) {
    return claims.get("iat") instanceof Number n ? n.longValue() * 1000 : 0;
  }

  LoginSession {
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(logoutToken, "logoutToken");
    if (idToken != null
        && !(identity.claims() instanceof IdTokenClaims c && c.isOf(idToken, userInfo))) {
      // The claims are read from the (verified) ID token and the stored UserInfo answer when
      // asked for, not held as a map.
      identity =
          new Identity(
              identity.name(),
              identity.subject(),
              identity.issuer(),
              new IdTokenClaims(idToken, userInfo),
              identity.roles(),
              identity.tokens());
    }
    stepUpAsked = Set.copyOf(stepUpAsked);
  }

  LoginSession withStepUpAsked(String scopeSetKey) {
    Set<String> asked = new LinkedHashSet<>(stepUpAsked);
    asked.add(scopeSetKey);
    return new LoginSession(
        identity,
        refreshToken,
        idToken,
        logoutToken,
        asked,
        sessionId,
        issuedAtMillis,
        loginAtMillis,
        seenAtMillis,
        userInfo);
  }

  /** The same login logged in at {@code loginAt} and last seen at {@code seenAt} (epoch ms). */
  LoginSession withTimes(long loginAt, long seenAt) {
    return new LoginSession(
        identity,
        refreshToken,
        idToken,
        logoutToken,
        stepUpAsked,
        sessionId,
        issuedAtMillis,
        loginAt,
        seenAt,
        userInfo);
  }

  /** The same login with the UserInfo claims {@code json} (null: none). */
  LoginSession withUserInfo(@Nullable String json) {
    return new LoginSession(
        identity,
        refreshToken,
        idToken,
        logoutToken,
        stepUpAsked,
        sessionId,
        issuedAtMillis,
        loginAtMillis,
        seenAtMillis,
        json);
  }

  /** Never written as it is: only inside a {@link SessionRecord}, encrypted. */
  @Serial
  private Object writeReplace() throws ObjectStreamException {
    throw new NotSerializableException(
        "io.portcullis.core.LoginSession is stored only inside a SessionRecord");
  }

  @Override
  public String toString() {
    return "LoginSession["
        + identity
        + ", refreshToken="
        + (refreshToken == null ? "none" : "****")
        + ", idToken="
        + (idToken == null ? "none" : "****")
        + ", logoutToken=****, stepUpAsked="
        + stepUpAsked
        + ", sid="
        + (sessionId == null ? "none" : "****")
        + ", userInfo="
        + (userInfo == null ? "none" : "****")
        + "]";
  }
}
