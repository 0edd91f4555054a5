package io.portcullis.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.core.Portcullis;
import io.portcullis.core.PortcullisConfig;
import io.portcullis.testsupport.FakeProvider;
import io.portcullis.testsupport.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The health indicators' logic: never waits, and does not ask a down provider on every probe. */
class ProviderReadinessTest {

  private static MutableClock clock() {
    return new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  }

  @Test
  void checkWhenFilterNotStartedThenDown() {
    ProviderReadiness readiness =
        new ProviderReadiness(
            () -> {
              throw new IllegalStateException("PortcullisFilter has not been initialised");
            },
            clock());

    assertThat(readiness.check())
        .isEqualTo(new ProviderReadiness.State(false, "the Portcullis filter has not started"));
  }

  @Test
  void checkWhenProviderUnreachableThenDownAndEngineAskedOncePerRecheckPeriod() {
    MutableClock clock = clock();
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
      clock.advance(Duration.ofSeconds(10));
      assertThat(readiness.check().up()).isFalse();
      assertThat(asked).hasValue(1);

      clock.advance(ProviderReadiness.RECHECK_DOWN);
      assertThat(readiness.check().up()).isFalse();
      assertThat(asked).hasValue(2);
      assertThat(readiness.check().checks()).containsEntry("provider", "WARNING");
    }
  }

  @Test
  void checkWhenProviderUpThenUpWithEachCheckAndItsWorstLevel() {
    try (FakeProvider provider = new FakeProvider(Clock.systemUTC());
        Portcullis engine =
            Portcullis.create(
                PortcullisConfig.of(
                    Map.of(
                        "issuer",
                        provider.issuer(),
                        "client-id",
                        "app",
                        "rules",
                        "/** authenticated\n/a permit\n/b permit")))) {
      assertThat(engine.awaitProvider(Duration.ofSeconds(10))).isTrue();

      ProviderReadiness.State state = new ProviderReadiness(() -> engine, clock()).check();

      assertThat(state.up()).isTrue();
      assertThat(state.checks())
          .containsEntry("provider", "INFO")
          .containsEntry("rules", "WARNING")
          .containsOnlyKeys(
              "provider",
              "clock",
              "issuer",
              "redirect-uri",
              "response-mode",
              "session-cookie",
              "rules");
    }
  }

  @Test
  void checkWhenOneOfTwoProvidersUnreachableThenDownNamingItWithEachProvidersChecks() {
    FakeProvider partners = new FakeProvider(Clock.systemUTC());
    partners.close(); // nothing listens at its issuer any more
    try (FakeProvider employees = new FakeProvider(Clock.systemUTC());
        Portcullis engine =
            Portcullis.create(
                PortcullisConfig.of(
                    Map.of(
                        "client-id",
                        "app",
                        "providers",
                        "employees,partners",
                        "provider.employees.issuer",
                        employees.issuer(),
                        "provider.partners.issuer",
                        partners.issuer())))) {
      assertThat(engine.awaitProvider(Duration.ofSeconds(10))).isFalse();

      ProviderReadiness.State state = new ProviderReadiness(() -> engine, clock()).check();

      assertThat(state.up()).isFalse();
      assertThat(state.detail()).contains("not loaded for partners");
      assertThat(state.checks())
          .containsEntry("provider [employees]", "INFO")
          .containsEntry("provider [partners]", "WARNING")
          .containsEntry("rules", "INFO")
          .doesNotContainKey("provider");
    }
  }
}
