package io.portcullis.core;

import java.io.Serial;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The tokens of one login: immutable, {@link Serializable} with JDK types only, so container
 * session replication and Spring Session can carry it. {@link #toString()} never shows a token.
 *
 * @param accessToken the access token (RFC 6749 §5.1)
 * @param refreshToken the refresh token, or null when the provider issued none
 * @param idToken the raw ID token (OIDC Core §2), kept for {@code id_token_hint} at logout
 * @param expiresAt when the access token expires
 * @param scopes the scopes granted (when a login's response omits {@code scope}: the configured
 *     {@code scopes} only; a refresh's: the previous grant)
 */
public record TokenSet(
    String accessToken,
    @Nullable String refreshToken,
    @Nullable String idToken,
    Instant expiresAt,
    Set<String> scopes)
    implements Serializable {

  @Serial private static final long serialVersionUID = 1L;

  /** Validates and copies. */
  public TokenSet {
    Objects.requireNonNull(accessToken, "accessToken");
    Objects.requireNonNull(expiresAt, "expiresAt");
    scopes = Set.copyOf(scopes);
  }

  /** Whether the access token has expired at {@code now}. */
  public boolean isExpired(Instant now) {
    return !now.isBefore(expiresAt);
  }

  @Override
  public String toString() {
    return "TokenSet[accessToken=****, refreshToken="
        + (refreshToken == null ? "none" : "****")
        + ", idToken="
        + (idToken == null ? "none" : "****")
        + ", expiresAt="
        + expiresAt
        + ", scopes="
        + scopes
        + "]";
  }
}
