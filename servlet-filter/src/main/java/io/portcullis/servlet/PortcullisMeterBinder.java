package io.portcullis.servlet;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.portcullis.core.PortcullisMetrics;
import io.portcullis.core.PortcullisMetrics.Counter;
import io.portcullis.core.PortcullisMetrics.Endpoint;
import io.portcullis.core.Reason;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;

/**
 * Publishes a Portcullis engine's counters and provider-call timers as Micrometer meters (README
 * "Metrics"): function-based meters that read the engine's own counters when the registry asks, so
 * the engine neither depends on Micrometer nor does more work per request. Needs {@code
 * micrometer-core} on the class path (an optional dependency of {@code portcullis-servlet}).
 *
 * <p>The filter binds one to {@code Metrics.globalRegistry} when it reads its configuration from
 * {@code web.xml} and the other sources and Micrometer is on the class path, with a {@code context}
 * tag (the context path, {@code /} for the root), since applications of one container may share
 * that registry; the Spring Boot starter declares one as a bean, which Spring Boot binds to the
 * application's {@code MeterRegistry}.
 */
public final class PortcullisMeterBinder implements MeterBinder, AutoCloseable {
  private final Supplier<PortcullisMetrics> metrics;
  private final Tags tags;
  private final List<Bound> bound = new CopyOnWriteArrayList<>();

  /** A meter and the registry it is in. */
  private record Bound(MeterRegistry registry, Meter meter) {}

  /**
   * Meters of {@code filter}'s engine, read when the registry asks: zero until the filter has
   * started.
   */
  public PortcullisMeterBinder(PortcullisFilter filter) {
    this(Objects.requireNonNull(filter, "filter")::engineMetrics, Tags.empty());
  }

  /** Meters of the engine whose counters {@code metrics} gives, each with {@code tags} too. */
  PortcullisMeterBinder(Supplier<PortcullisMetrics> metrics, Tags tags) {
    this.metrics = metrics;
    this.tags = tags;
  }

  /** Registers every Portcullis meter in {@code registry}. */
  @Override
  public void bindTo(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    counter(registry, "portcullis.logins", "outcome", "started", Counter.LOGINS_STARTED);
    counter(registry, "portcullis.logins", "outcome", "completed", Counter.LOGINS_COMPLETED);
    counter(registry, "portcullis.logins", "outcome", "rejected", Counter.LOGINS_REJECTED);
    counter(registry, "portcullis.refreshes", "outcome", "ok", Counter.REFRESHES_OK);
    counter(registry, "portcullis.refreshes", "outcome", "rejected", Counter.REFRESHES_REJECTED);
    counter(
        registry, "portcullis.refreshes", "outcome", "unavailable", Counter.REFRESHES_UNAVAILABLE);
    counter(registry, "portcullis.refresh.waiters", null, null, Counter.REFRESH_WAITERS);
    counter(registry, "portcullis.jwks.fetches", "cause", "load", Counter.JWKS_FETCHES_LOAD);
    counter(
        registry, "portcullis.jwks.fetches", "cause", "rotation", Counter.JWKS_FETCHES_ROTATION);
    counter(
        registry,
        "portcullis.jwks.fetches",
        "cause",
        "unknown_key",
        Counter.JWKS_FETCHES_UNKNOWN_KEY);
    counter(
        registry,
        "portcullis.client.credentials.tokens",
        "source",
        "provider",
        Counter.CLIENT_CREDENTIALS_FETCHED);
    counter(
        registry,
        "portcullis.client.credentials.tokens",
        "source",
        "cache",
        Counter.CLIENT_CREDENTIALS_CACHED);
    counter(registry, "portcullis.api.refusals", "status", "401", Counter.API_401);
    counter(registry, "portcullis.api.refusals", "status", "403", Counter.API_403);
    counter(registry, "portcullis.logouts", "channel", "back", Counter.BACKCHANNEL_LOGOUTS);
    counter(
        registry,
        "portcullis.logouts.refused",
        "channel",
        "back",
        Counter.BACKCHANNEL_LOGOUTS_REFUSED);
    counter(registry, "portcullis.logouts", "channel", "front", Counter.FRONTCHANNEL_LOGOUTS);
    for (Reason reason : Reason.values()) {
      add(
          registry,
          FunctionCounter.builder(
                  "portcullis.rejections", this, b -> b.read(m -> m.rejections(reason)))
              .tag("reason", reason.code())
              .description("Refusals by reason code")
              .tags(tags)
              .register(registry));
    }
    for (Endpoint endpoint : Endpoint.values()) {
      add(
          registry,
          FunctionTimer.builder(
                  "portcullis.provider.calls",
                  this,
                  b -> b.read(m -> m.calls(endpoint)),
                  b -> b.read(m -> m.totalNanos(endpoint)),
                  TimeUnit.NANOSECONDS)
              .tag("endpoint", endpoint.value())
              .description("Calls to the provider, failed or not")
              .tags(tags)
              .register(registry));
      add(
          registry,
          TimeGauge.builder(
                  "portcullis.provider.calls.max",
                  this,
                  TimeUnit.NANOSECONDS,
                  b -> b.read(m -> m.maxNanos(endpoint)))
              .tag("endpoint", endpoint.value())
              .description("The longest call to the provider since the start")
              .tags(tags)
              .register(registry));
      add(
          registry,
          FunctionCounter.builder(
                  "portcullis.provider.failures", this, b -> b.read(m -> m.failures(endpoint)))
              .tag("endpoint", endpoint.value())
              .description("Calls to the provider without a usable answer")
              .tags(tags)
              .register(registry));
    }
  }

  private void counter(
      MeterRegistry registry,
      String name,
      @Nullable String tag,
      @Nullable String value,
      Counter counter) {
    FunctionCounter.Builder<PortcullisMeterBinder> builder =
        FunctionCounter.builder(name, this, b -> b.read(m -> m.count(counter)))
            .description(description(name));
    if (tag != null && value != null) {
      builder.tag(tag, value);
    }
    add(registry, builder.tags(tags).register(registry));
  }

  private static String description(String name) {
    return switch (name) {
      case "portcullis.logins" ->
          "Logins: started at the authorization endpoint, completed, rejected at the callback";
      case "portcullis.refreshes" -> "Requests that refreshed their access token, by outcome";
      case "portcullis.refresh.waiters" ->
          "Refreshing requests that shared a token request another request started";
      case "portcullis.jwks.fetches" -> "JWK Set fetches, by cause";
      case "portcullis.client.credentials.tokens" ->
          "Client-credentials tokens, from the provider or the cache";
      default -> "API requests answered 401 or 403";
    };
  }

  private void add(MeterRegistry registry, Meter meter) {
    bound.add(new Bound(registry, meter));
  }

  /** One reading; zero while the engine has not started. */
  private long read(ToLongFunction<PortcullisMetrics> reading) {
    PortcullisMetrics m;
    try {
      m = metrics.get();
    } catch (IllegalStateException notStarted) {
      return 0;
    }
    return reading.applyAsLong(m);
  }

  /** Removes the meters from every registry they were bound to (the filter does at destroy). */
  @Override
  public void close() {
    for (Bound b : bound) {
      b.registry().remove(b.meter());
    }
    bound.clear();
  }
}
