package io.portcullis.core;

import com.github.benmanes.caffeine.cache.Cache;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@link LogoutRegistry#inMemory}: two bounded Caffeine maps, by {@code sid} and by {@code sub},
 * each value the latest revocation time per issuer. A lookup that finds nothing allocates nothing.
 */
final class InMemoryLogoutRegistry implements LogoutRegistry {
  private static final long MAX_ENTRIES = 100_000;

  private final Cache<String, Map<String, Long>> bySid;
  private final Cache<String, Map<String, Long>> bySub;

  InMemoryLogoutRegistry(Clock clock) {
    this.bySid = newCache(clock);
    this.bySub = newCache(clock);
  }

  private static Cache<String, Map<String, Long>> newCache(Clock clock) {
    return Caches.newBuilder(clock)
        .expireAfterWrite(RETENTION)
        .maximumSize(MAX_ENTRIES)
        .<String, Map<String, Long>>build();
  }

  @Override
  public void revoke(Revocation r) {
    String sid = r.sessionId();
    Cache<String, Map<String, Long>> cache = sid != null ? bySid : bySub;
    String key = sid != null ? sid : java.util.Objects.requireNonNull(r.subject());
    cache
        .asMap()
        .compute(
            key,
            (k, old) -> {
              Map<String, Long> times = old == null ? new HashMap<>() : new HashMap<>(old);
              times.merge(r.issuer(), r.atMillis(), Math::max);
              return Map.copyOf(times);
            });
  }

  @Override
  public boolean isRevoked(
      String issuer, @Nullable String sessionId, String subject, long issuedAtMillis) {
    return (sessionId != null && revoked(bySid.getIfPresent(sessionId), issuer, issuedAtMillis))
        || revoked(bySub.getIfPresent(subject), issuer, issuedAtMillis);
  }

  private static boolean revoked(
      @Nullable Map<String, Long> times, String issuer, long issuedAtMillis) {
    if (times == null) {
      return false;
    }
    Long at = times.get(issuer);
    return at != null && issuedAtMillis <= at;
  }
}
