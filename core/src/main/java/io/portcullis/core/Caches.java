package io.portcullis.core;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * Caffeine caches of the engine: each reads time from the engine's {@link Clock}, never the
 * system's.
 */
final class Caches {
  private Caches() {}

  /** A new cache builder whose expiry and refresh times follow {@code clock}. */
  static Caffeine<Object, Object> newBuilder(Clock clock) {
    return Caffeine.newBuilder().ticker(ticker(clock));
  }

  /** {@code clock} as a Caffeine ticker (nanoseconds, millisecond precision). */
  static Ticker ticker(Clock clock) {
    return () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
  }
}
