package io.portcullis.core;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * How long an access token from a token response is taken to live: its {@code expires_in}, 300 s
 * when the response has none, never more than 24 hours (RFC 6749 §5.1 makes {@code expires_in}
 * optional; a provider's "for ever" is not believed).
 */
final class TokenLifetime {
  /** The lifetime of a token whose response has no {@code expires_in}, in seconds. */
  static final long DEFAULT_SECONDS = 300;

  /** The longest lifetime believed, in seconds. */
  static final long MAX_SECONDS = 24 * 3600;

  private TokenLifetime() {}

  /**
   * {@code expiresIn} (seconds, null when absent) defaulted and clamped to 0 … {@link
   * #MAX_SECONDS}.
   */
  static long seconds(@Nullable Long expiresIn) {
    return expiresIn == null ? DEFAULT_SECONDS : Math.max(0, Math.min(MAX_SECONDS, expiresIn));
  }

  /** When a token issued at {@code now} with {@code expiresIn} expires. */
  static Instant expiresAt(Instant now, @Nullable Long expiresIn) {
    return now.plusSeconds(seconds(expiresIn));
  }
}
