package io.portcullis.core;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * {@link LogoutRegistry#shared}: this node's {@link InMemoryLogoutRegistry}, fed from a {@link
 * LogoutRegistry.SharedStore}.
 *
 * <p>Locking: none on the request path. {@code nextPoll} is read on every check; the one request
 * that moves it forward (compare-and-set) reads the store, the others answer from memory meanwhile.
 * Each poll reads what was written since the previous poll began, less {@link #OVERLAP} (nodes'
 * clocks differ, writes commit late); a revocation read twice changes nothing.
 */
final class SharedLogoutRegistry implements LogoutRegistry {
  private static final System.Logger LOG = System.getLogger("io.portcullis");

  /** How far back each poll reads before the previous one began. */
  static final Duration OVERLAP = Duration.ofSeconds(30);

  private final SharedStore store;
  private final Clock clock;
  private final long pollMillis;
  private final InMemoryLogoutRegistry local;
  private final AtomicLong nextPoll = new AtomicLong(Long.MIN_VALUE);
  private volatile long readSince;

  SharedLogoutRegistry(SharedStore store, Clock clock, Duration poll) {
    this.store = store;
    this.clock = clock;
    this.pollMillis = Math.max(0, poll.toMillis());
    this.local = new InMemoryLogoutRegistry(clock);
    this.readSince = clock.millis() - RETENTION.toMillis();
  }

  @Override
  public void revoke(Revocation revocation) {
    long now = clock.millis();
    store.write(revocation, now);
    local.revoke(revocation);
    try {
      store.purgeWrittenBefore(now - RETENTION.toMillis());
    } catch (RuntimeException e) {
      LOG.log(
          Level.DEBUG,
          () -> "oidc.backchannel.purge_failed (" + e.getClass().getSimpleName() + ")");
    }
  }

  @Override
  public boolean isRevoked(
      String issuer, @Nullable String sessionId, String subject, long issuedAtMillis) {
    long now = clock.millis();
    long next = nextPoll.get();
    if (now >= next && nextPoll.compareAndSet(next, now + pollMillis)) {
      poll(now);
    }
    return local.isRevoked(issuer, sessionId, subject, issuedAtMillis);
  }

  private void poll(long now) {
    try {
      for (Revocation r : store.readWrittenSince(readSince)) {
        local.revoke(r);
      }
      readSince = now - OVERLAP.toMillis();
    } catch (RuntimeException e) {
      LOG.log(
          Level.WARNING,
          () ->
              "oidc.backchannel.store_unavailable: the shared logout store cannot be read ("
                  + e.getClass().getSimpleName()
                  + "); other nodes' logouts are seen once it can");
    }
  }
}
