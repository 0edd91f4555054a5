package io.portcullis.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.core.Portcullis;
import io.portcullis.core.PortcullisConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The health indicators' logic: never waits, and does not ask a down provider on every probe. */
class ProviderReadinessTest {

  /** A clock tests move by hand. */
  static final class TestClock extends Clock {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

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
      return now;
    }
  }

  @Test
  void checkWhenFilterNotStartedThenDown() {
    ProviderReadiness readiness =
        new ProviderReadiness(
            () -> {
              throw new IllegalStateException("PortcullisFilter has not been initialised");
            },
            new TestClock());

    assertThat(readiness.check())
        .isEqualTo(new ProviderReadiness.State(false, "the Portcullis filter has not started"));
  }

  @Test
  void checkWhenProviderUnreachableThenDownAndEngineAskedOncePerRecheckPeriod() {
    TestClock clock = new TestClock();
    AtomicInteger asked = new AtomicInteger();
    try (Portcullis engine =
        Portcullis.create(
            PortcullisConfig.of(
                Map.of(
                    "issuer",
                    "http://127.0.0.1:9/nothing-listens-here",
                    "client-id",
                    "app",
                    "http-timeout",
                    "1")))) {
      Supplier<Portcullis> counting =
          () -> {
            asked.incrementAndGet();
            return engine;
          };
      ProviderReadiness readiness = new ProviderReadiness(counting, clock);

      long start = System.nanoTime();
      assertThat(readiness.check().up()).isFalse();
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isLessThan(Duration.ofSeconds(1)); // never waits
      clock.now = clock.now.plusSeconds(10);
      assertThat(readiness.check().up()).isFalse();
      assertThat(asked).hasValue(1);

      clock.now = clock.now.plus(ProviderReadiness.RECHECK_DOWN);
      assertThat(readiness.check().up()).isFalse();
      assertThat(asked).hasValue(2);
    }
  }
}
