package io.portcullis.testsupport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock tests move by hand: the engine, its caches and the fake provider read it instead of
 * sleeping. Either it stands still at a set instant ({@link #MutableClock(Instant)}), or it follows
 * the real time shifted by what the test moved it ({@link #ticking()}), for tests whose provider
 * also dates things by the real time.
 */
public final class MutableClock extends Clock {
  private final boolean ticking;
  private volatile Instant now;
  private volatile Duration offset = Duration.ZERO;

  /** A clock standing at {@code now}. */
  public MutableClock(Instant now) {
    this.ticking = false;
    this.now = now;
  }

  private MutableClock() {
    this.ticking = true;
    this.now = Instant.EPOCH;
  }

  /** A clock that runs with the real time, shifted forward by every {@link #advance}. */
  public static MutableClock ticking() {
    return new MutableClock();
  }

  /** Sets the time (a ticking clock runs on from there). */
  public void set(Instant instant) {
    if (ticking) {
      offset = Duration.between(Instant.now(), instant);
    } else {
      now = instant;
    }
  }

  /** Moves the time forward by {@code duration}. */
  public void advance(Duration duration) {
    if (ticking) {
      offset = offset.plus(duration);
    } else {
      now = now.plus(duration);
    }
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return ticking ? Instant.now().plus(offset) : now;
  }
}
