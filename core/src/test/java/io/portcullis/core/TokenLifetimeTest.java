package io.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Issue 11 AC5: one rule for how long a token response's access token is taken to live. */
class TokenLifetimeTest {
  @Test
  void absentIs300Seconds() {
    assertThat(TokenLifetime.seconds(null)).isEqualTo(300);
  }

  @Test
  void clampedToZeroAndTwentyFourHours() {
    assertThat(TokenLifetime.seconds(0L)).isZero();
    assertThat(TokenLifetime.seconds(-5L)).isZero();
    assertThat(TokenLifetime.seconds(Long.MIN_VALUE)).isZero();
    assertThat(TokenLifetime.seconds(1L)).isEqualTo(1);
    assertThat(TokenLifetime.seconds(86_400L)).isEqualTo(86_400);
    assertThat(TokenLifetime.seconds(86_401L)).isEqualTo(86_400);
    assertThat(TokenLifetime.seconds(Long.MAX_VALUE)).isEqualTo(86_400);
    Random random = new Random(11);
    for (int i = 0; i < 10_000; i++) {
      long expiresIn = random.nextLong();
      long seconds = TokenLifetime.seconds(expiresIn);
      assertThat(seconds).isBetween(0L, 86_400L);
      // never overflows when turned into milliseconds
      assertThat(seconds * 1000).isBetween(0L, 86_400_000L);
      if (expiresIn >= 0 && expiresIn <= 86_400) {
        assertThat(seconds).isEqualTo(expiresIn);
      }
    }
  }

  @Test
  void expiresAtCountsFromNow() {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    assertThat(TokenLifetime.expiresAt(now, 60L)).isEqualTo(now.plusSeconds(60));
    assertThat(TokenLifetime.expiresAt(now, null)).isEqualTo(now.plusSeconds(300));
    assertThat(TokenLifetime.expiresAt(now, Long.MAX_VALUE)).isEqualTo(now.plusSeconds(86_400));
  }
}
