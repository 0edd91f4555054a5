package io.portcullis.spring;

import io.portcullis.core.Diagnostics;
import io.portcullis.core.Portcullis;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * What the health indicators report, free of the Actuator API (which moved between Spring Boot 3
 * and 4): whether the engine has the provider's metadata. A check never waits; while the provider
 * is down, the engine is asked at most once per {@link #RECHECK_DOWN} (asking it may start a
 * discovery request), so frequent health probes do not hammer the provider.
 */
final class ProviderReadiness {
  static final Duration RECHECK_DOWN = Duration.ofSeconds(30);

  /**
   * One check's result; {@code detail} is a short text for the health details, {@code checks} the
   * engine's self-diagnostics: each check's code and its worst level ({@code INFO}, {@code
   * WARNING}), never a sentence or a secret.
   */
  record State(boolean up, String detail, Map<String, String> checks) {
    State {
      checks = Collections.unmodifiableMap(new LinkedHashMap<>(checks));
    }

    State(boolean up, String detail) {
      this(up, detail, Map.of());
    }
  }

  private final Supplier<Portcullis> engine;
  private final Clock clock;
  private volatile @Nullable Instant downUntil;
  private volatile State last = new State(false, "not checked yet");

  ProviderReadiness(Supplier<Portcullis> engine, Clock clock) {
    this.engine = engine;
    this.clock = clock;
  }

  State check() {
    Instant now = clock.instant();
    Instant until = downUntil;
    if (until != null && now.isBefore(until)) {
      return last;
    }
    State state;
    try {
      Diagnostics diagnostics = engine.get().diagnostics();
      Map<String, String> checks = new LinkedHashMap<>();
      for (Diagnostics.Finding finding : diagnostics.findings()) {
        // With several providers, a provider's check is keyed as its log line names it.
        String provider = finding.provider();
        checks.merge(
            provider == null ? finding.code() : finding.code() + " [" + provider + "]",
            finding.level().getName(),
            (a, b) -> finding.isWarning() ? b : a);
      }
      state =
          diagnostics.providerUp()
              ? new State(true, "provider metadata loaded", checks)
              : new State(
                  false,
                  "provider metadata not loaded"
                      + notLoaded(diagnostics)
                      + " (provider unreachable or still loading)",
                  checks);
    } catch (IllegalStateException e) {
      state = new State(false, "the Portcullis filter has not started");
    }
    last = state;
    downUntil = state.up() ? null : now.plus(RECHECK_DOWN);
    return state;
  }

  /** With several providers, " for NAME, NAME" of those whose metadata is not loaded; else "". */
  private static String notLoaded(Diagnostics diagnostics) {
    String names =
        diagnostics.providers().entrySet().stream()
            .filter(e -> !e.getValue())
            .map(Map.Entry::getKey)
            .collect(java.util.stream.Collectors.joining(", "));
    return names.isEmpty() ? "" : " for " + names;
  }
}
