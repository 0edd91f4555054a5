package io.portcullis.core;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where the provider's logouts (OpenID Connect Back-Channel Logout 1.0 §2.7) are remembered, so
 * that every node ends the matching logins lazily, on their next request: a login whose {@code
 * sid}, or whose {@code sub} at the same issuer, was revoked at or after its ID token was issued is
 * a logged-out login. The engine asks {@link #isRevoked} on every request that has a login: an
 * implementation answers from memory, without I/O and without allocating when nothing matches.
 *
 * <p>{@link #inMemory} is the single-node default; {@link #shared} keeps the revocations in a
 * {@link SharedStore} that every node of a cluster reads (the servlet filter's JDBC store, the
 * Spring starter's Redis store), each node polling it at most once per interval.
 */
public interface LogoutRegistry {
  /**
   * How long a revocation is kept: longer than any login can outlive its provider session, which
   * ends at its next refresh or its access token's expiry.
   */
  Duration RETENTION = Duration.ofHours(24);

  /**
   * One logout by the provider.
   *
   * @param issuer the provider's issuer
   * @param sessionId the provider's session ({@code sid}): only its logins end; or null
   * @param subject the user ({@code sub}): every login of the user at {@code issuer} ends when
   *     {@code sessionId} is null
   * @param atMillis the logout token's {@code iat}, epoch milliseconds: logins whose ID token was
   *     issued later are not touched
   */
  record Revocation(
      String issuer, @Nullable String sessionId, @Nullable String subject, long atMillis) {
    /** Validates. */
    public Revocation {
      Objects.requireNonNull(issuer, "issuer");
      if (sessionId == null && subject == null) {
        throw new IllegalArgumentException("a revocation names a sid or a sub");
      }
    }
  }

  /** Records {@code revocation}; when it returns, every node will see it (at its next poll). */
  void revoke(Revocation revocation);

  /**
   * Whether the login of {@code subject} at {@code issuer}, in the provider session {@code
   * sessionId} (null when its ID token had no {@code sid}), whose ID token was issued at {@code
   * issuedAtMillis}, was logged out by the provider.
   */
  boolean isRevoked(String issuer, @Nullable String sessionId, String subject, long issuedAtMillis);

  /** The single-node registry: in memory, bounded, each revocation kept {@link #RETENTION}. */
  static LogoutRegistry inMemory(Clock clock) {
    return new InMemoryLogoutRegistry(Objects.requireNonNull(clock, "clock"));
  }

  /**
   * A cluster's registry: {@link #revoke} writes to {@code store} (and to this node's memory);
   * {@link #isRevoked} answers from memory, which reads what other nodes wrote at most once per
   * {@code poll} (on the request that finds the interval over; {@link Duration#ZERO}: on every
   * request). When the store cannot be read, the node goes on with what it has and logs a warning.
   */
  static LogoutRegistry shared(SharedStore store, Clock clock, Duration poll) {
    return new SharedLogoutRegistry(
        Objects.requireNonNull(store, "store"),
        Objects.requireNonNull(clock, "clock"),
        Objects.requireNonNull(poll, "poll"));
  }

  /** The store a cluster already shares, holding revocations with the time each was written. */
  interface SharedStore {
    /** Writes {@code revocation} at {@code writtenAtMillis}; throws when it cannot. */
    void write(Revocation revocation, long writtenAtMillis);

    /** The revocations written at {@code sinceMillis} or later; throws when it cannot. */
    List<Revocation> readWrittenSince(long sinceMillis);

    /** Deletes what was written before {@code beforeMillis}. */
    void purgeWrittenBefore(long beforeMillis);
  }
}
