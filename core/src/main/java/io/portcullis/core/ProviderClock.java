package io.portcullis.core;

import io.portcullis.core.internal.nimbus.ProviderListener;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The provider's clock against the local one, from the {@code Date} header of the provider's
 * responses: every call to the provider (discovery, JWK Set, token endpoint) goes through {@code
 * Http}, which tells {@link #listening} of each {@code Date}. The offset is that of the last such
 * response; {@link #onFirstKnown} runs when the first one arrives.
 */
final class ProviderClock {
  private final Clock clock;

  /** The provider's {@code Date} minus the local clock at the last response that had one. */
  private volatile @Nullable Duration offset;

  private volatile Runnable onFirstKnown = () -> {};

  ProviderClock(Clock clock) {
    this.clock = clock;
  }

  /** Runs {@code action} (which must not throw) when the first {@code Date} arrives. */
  void onFirstKnown(Runnable action) {
    this.onFirstKnown = action;
  }

  /** The provider's clock minus the local clock; empty until a response had a {@code Date}. */
  Optional<Duration> offset() {
    return Optional.ofNullable(offset);
  }

  void served(Instant date) {
    boolean first = offset == null;
    offset = Duration.between(clock.instant(), date);
    if (first) {
      onFirstKnown.run();
    }
  }

  /** {@code next}, also telling this clock of each response's {@code Date}. */
  ProviderListener listening(ProviderListener next) {
    return new ProviderListener() {
      @Override
      public void called(Endpoint endpoint, long nanos, boolean failed) {
        next.called(endpoint, nanos, failed);
      }

      @Override
      public void jwksFetched(JwksFetch cause) {
        next.jwksFetched(cause);
      }

      @Override
      public void served(Endpoint endpoint, Instant date) {
        ProviderClock.this.served(date);
      }
    };
  }
}
