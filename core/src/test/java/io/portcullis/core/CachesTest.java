package io.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Cache;
import io.portcullis.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Issue 11 AC5: every engine cache reads the engine's clock through one factory. */
class CachesTest {
  @Test
  void entriesExpireOnTheInjectedClock() {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    Cache<String, String> cache =
        Caches.newBuilder(clock).expireAfterWrite(Duration.ofMinutes(1)).build();
    cache.put("k", "v");
    clock.advance(Duration.ofSeconds(59));
    assertThat(cache.getIfPresent("k")).isEqualTo("v");
    clock.advance(Duration.ofSeconds(2));
    assertThat(cache.getIfPresent("k")).isNull();
    assertThat(Caches.ticker(clock).read()).isEqualTo(clock.millis() * 1_000_000);
  }
}
