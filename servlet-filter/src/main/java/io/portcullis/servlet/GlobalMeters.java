package io.portcullis.servlet;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tags;
import io.portcullis.core.PortcullisMetrics;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Binds an engine's meters to Micrometer's {@code Metrics.globalRegistry} when Micrometer is on the
 * application's class path, and does nothing otherwise: a WAR without Micrometer never loads a
 * Micrometer class (they are named only in {@link Binding} and {@link PortcullisMeterBinder}).
 */
final class GlobalMeters {
  private static final String PROBE = "io.micrometer.core.instrument.Metrics";

  private GlobalMeters() {}

  /**
   * The binding of {@code metrics} to the global registry, tagged {@code context} with {@code
   * contextPath} ({@code /} for the root), to close at shutdown; null without Micrometer.
   */
  static @Nullable AutoCloseable bind(Supplier<PortcullisMetrics> metrics, String contextPath) {
    try {
      Class.forName(PROBE, false, GlobalMeters.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError absent) {
      return null;
    }
    return Binding.bind(metrics, contextPath.isEmpty() ? "/" : contextPath);
  }

  /** The one place that names Micrometer's global registry. */
  private static final class Binding {
    private Binding() {}

    static AutoCloseable bind(Supplier<PortcullisMetrics> metrics, String context) {
      PortcullisMeterBinder binder =
          new PortcullisMeterBinder(metrics, Tags.of("context", context));
      binder.bindTo(Metrics.globalRegistry);
      return binder;
    }
  }
}
