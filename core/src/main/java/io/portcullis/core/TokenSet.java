package io.portcullis.core;

import java.io.Serial;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * The access token of one login as the application sees it: immutable, {@link Serializable} with
 * JDK types only. The refresh token and the raw ID token are not part of it: they stay in the
 * session's own record, out of the application's reach. {@link #toString()} never shows a token.
 *
 * @param accessToken the access token (RFC 6749 §5.1)
 * @param expiresAt when the access token expires (kept to the millisecond)
 * @param scopes the scopes granted (when a login's response omits {@code scope}: the configured
 *     {@code scopes} only; a refresh's: the previous grant)
 * @param dpopBound whether the access token is bound to the client's DPoP key (RFC 9449: the
 *     provider answered {@code token_type} {@code DPoP}); such a token is sent as {@code
 *     Authorization: DPoP <token>} with a proof, which {@code PortcullisRequests.downstreamHeaders}
 *     makes
 */
public record TokenSet(String accessToken, Instant expiresAt, Set<String> scopes, boolean dpopBound)
    implements Serializable {

  @Serial private static final long serialVersionUID = 1L;

  /** Validates and copies. */
  public TokenSet {
    Objects.requireNonNull(accessToken, "accessToken");
    expiresAt = Instant.ofEpochMilli(expiresAt.toEpochMilli());
    scopes = interned(scopes);
  }

  /** A bearer token set (not DPoP-bound). */
  public TokenSet(String accessToken, Instant expiresAt, Set<String> scopes) {
    this(accessToken, expiresAt, scopes, false);
  }

  /**
   * The {@code Authorization} scheme the access token is sent with: {@code DPoP} or {@code Bearer}.
   */
  public String scheme() {
    return dpopBound ? "DPoP" : "Bearer";
  }

  /**
   * An immutable copy whose strings are the JVM's canonical instances: scope and role names are
   * few, so every logged-in session shares them instead of holding copies of its own.
   */
  static Set<String> interned(Set<String> values) {
    if (values.isEmpty()) {
      return Set.of();
    }
    String[] out = new String[values.size()];
    int i = 0;
    for (String v : values) {
      out[i++] = v.intern();
    }
    return Set.of(out);
  }

  /** Whether the access token has expired at {@code now}. */
  public boolean isExpired(Instant now) {
    return !now.isBefore(expiresAt);
  }

  @Override
  public String toString() {
    return "TokenSet[accessToken=****, expiresAt="
        + expiresAt
        + ", scopes="
        + scopes
        + (dpopBound ? ", DPoP-bound" : "")
        + "]";
  }
}
