package io.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link LogoutRegistry#inMemory} and {@link LogoutRegistry#shared}. */
class LogoutRegistryTest {
  private static final String ISS = "https://op.example";
  private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));

  /** A store in memory, as two nodes would share a database; it can be made to fail. */
  static final class ListStore implements LogoutRegistry.SharedStore {
    final List<LogoutRegistry.Revocation> rows = new ArrayList<>();
    final List<Long> writtenAt = new ArrayList<>();
    final AtomicInteger reads = new AtomicInteger();
    final AtomicBoolean down = new AtomicBoolean();

    @Override
    public synchronized void write(LogoutRegistry.Revocation r, long at) {
      if (down.get()) {
        throw new IllegalStateException("down");
      }
      rows.add(r);
      writtenAt.add(at);
    }

    @Override
    public synchronized List<LogoutRegistry.Revocation> readWrittenSince(long since) {
      reads.incrementAndGet();
      if (down.get()) {
        throw new IllegalStateException("down");
      }
      List<LogoutRegistry.Revocation> out = new ArrayList<>();
      for (int i = 0; i < rows.size(); i++) {
        if (writtenAt.get(i) >= since) {
          out.add(rows.get(i));
        }
      }
      return out;
    }

    @Override
    public synchronized void purgeWrittenBefore(long before) {
      for (int i = rows.size() - 1; i >= 0; i--) {
        if (writtenAt.get(i) < before) {
          rows.remove(i);
          writtenAt.remove(i);
        }
      }
    }
  }

  @Test
  void isRevokedWhenSidOrSubRevokedThenOnlyLoginsIssuedAtOrBeforeTheLogoutOfThatIssuer() {
    LogoutRegistry r = LogoutRegistry.inMemory(clock);
    r.revoke(new LogoutRegistry.Revocation(ISS, "sid-1", "alice", 1000));
    r.revoke(new LogoutRegistry.Revocation(ISS, null, "bob", 2000));
    assertThat(r.isRevoked(ISS, "sid-1", "alice", 1000)).isTrue();
    assertThat(r.isRevoked(ISS, "sid-1", "alice", 1001)).as("a later login").isFalse();
    assertThat(r.isRevoked(ISS, "sid-2", "alice", 500)).as("sid given: only that sid").isFalse();
    assertThat(r.isRevoked("https://other.example", "sid-1", "alice", 500)).isFalse();
    assertThat(r.isRevoked(ISS, "sid-9", "bob", 2000)).as("sub alone: every sid").isTrue();
    assertThat(r.isRevoked(ISS, null, "bob", 1500)).isTrue();
    assertThat(r.isRevoked(ISS, null, "bob", 2500)).isFalse();
    assertThatThrownBy(() -> new LogoutRegistry.Revocation(ISS, null, null, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void isRevokedWhenKeptLongerThanRetentionThenForgotten() {
    LogoutRegistry r = LogoutRegistry.inMemory(clock);
    r.revoke(new LogoutRegistry.Revocation(ISS, "sid-1", null, 1000));
    clock.advance(LogoutRegistry.RETENTION.plusMinutes(1));
    assertThat(r.isRevoked(ISS, "sid-1", "alice", 1000)).isFalse();
  }

  @Test
  void sharedWhenAnotherNodeRevokesThenSeenAtTheNextPollOnly() {
    ListStore store = new ListStore();
    LogoutRegistry nodeA = LogoutRegistry.shared(store, clock, Duration.ofSeconds(1));
    LogoutRegistry nodeB = LogoutRegistry.shared(store, clock, Duration.ofSeconds(1));
    assertThat(nodeA.isRevoked(ISS, "sid-1", "alice", 1000)).isFalse(); // polls now
    nodeB.revoke(new LogoutRegistry.Revocation(ISS, "sid-1", null, 1000));
    assertThat(nodeB.isRevoked(ISS, "sid-1", "alice", 1000)).as("B at once").isTrue();
    int reads = store.reads.get();
    assertThat(nodeA.isRevoked(ISS, "sid-1", "alice", 1000)).as("A before its poll").isFalse();
    assertThat(store.reads.get()).as("no read within the interval").isEqualTo(reads);
    clock.advance(Duration.ofSeconds(1));
    assertThat(nodeA.isRevoked(ISS, "sid-1", "alice", 1000)).as("A after its poll").isTrue();
    assertThat(store.reads.get()).isEqualTo(reads + 1);
  }

  @Test
  void sharedWhenStoreDownThenRevokeThrowsAndChecksGoOnFromMemory() {
    ListStore store = new ListStore();
    LogoutRegistry node = LogoutRegistry.shared(store, clock, Duration.ZERO);
    node.revoke(new LogoutRegistry.Revocation(ISS, "sid-1", null, 1000));
    store.down.set(true);
    assertThatThrownBy(() -> node.revoke(new LogoutRegistry.Revocation(ISS, "sid-2", null, 1)))
        .isInstanceOf(IllegalStateException.class);
    assertThat(node.isRevoked(ISS, "sid-1", "alice", 1000)).isTrue();
    assertThat(node.isRevoked(ISS, "sid-2", "alice", 1)).as("not recorded").isFalse();
  }

  @Test
  void sharedWhenRevokedThenOldRowsPurged() {
    ListStore store = new ListStore();
    LogoutRegistry node = LogoutRegistry.shared(store, clock, Duration.ofSeconds(1));
    node.revoke(new LogoutRegistry.Revocation(ISS, "sid-1", null, 1000));
    clock.advance(LogoutRegistry.RETENTION.plusSeconds(1));
    node.revoke(new LogoutRegistry.Revocation(ISS, "sid-2", null, 2000));
    assertThat(store.rows)
        .extracting(LogoutRegistry.Revocation::sessionId)
        .containsExactly("sid-2");
  }
}
