package io.portcullis.core;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import io.portcullis.core.internal.nimbus.NimbusDiscovery;
import io.portcullis.core.internal.nimbus.ProviderException;
import io.portcullis.core.internal.nimbus.ProviderMetadata;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The provider's metadata, cached with Caffeine and never fetched on a request's thread.
 *
 * <p>Locking design: one cache entry under a fixed key. The first load starts at {@link #start()};
 * {@link #current()} only reads the cache (a hash lookup) and, while nothing is loaded, starts an
 * asynchronous load when the back-off allows one (1 s, 2 s, 4 s … at most 60 s between failed
 * attempts). Caffeine makes loads single-flight. Once loaded, the entry is refreshed in the
 * background every 24 hours; a failed refresh keeps the old metadata. Nothing blocks: a request
 * that finds no metadata gets {@link Optional#empty()} and the caller answers 503.
 */
final class ProviderMetadataSource {
  private static final System.Logger LOG = System.getLogger("io.portcullis");
  private static final String KEY = "metadata";
  private static final long MAX_BACKOFF_MILLIS = 60_000;

  private final AsyncLoadingCache<String, ProviderMetadata> cache;
  private final Clock clock;
  private final AtomicLong nextAttemptMillis = new AtomicLong();
  private final AtomicInteger failures = new AtomicInteger();

  /** Whether metadata has ever loaded; the first load runs {@link #onFirstLoad}. */
  private final AtomicBoolean everLoaded = new AtomicBoolean();

  private volatile @Nullable String lastFailure;

  private volatile Runnable onFirstLoad = () -> {};

  /** With several providers, the name of this one, which its log lines give; else null. */
  private volatile @Nullable String providerName;

  // A CacheLoader may return null ("no entry", Caffeine's documented contract); NullAway, outside
  // JSpecify mode, does not read the loader's nullable type argument.
  @SuppressWarnings("NullAway")
  ProviderMetadataSource(NimbusDiscovery discovery, Clock clock, Executor executor) {
    this.clock = clock;
    this.cache =
        Caches.newBuilder(clock)
            .executor(executor)
            .refreshAfterWrite(Duration.ofHours(24))
            .buildAsync(key -> load(discovery));
  }

  /** Loads, or returns null on failure: Caffeine then drops the entry without logging a trace. */
  private @Nullable ProviderMetadata load(NimbusDiscovery discovery) {
    try {
      ProviderMetadata metadata = discovery.load();
      int failed = failures.getAndSet(0);
      if (everLoaded.compareAndSet(false, true)) {
        onFirstLoad.run(); // the start-up lines: provider loaded, and the clock
      } else if (failed > 0) {
        new Diagnostics.Finding(
                Diagnostics.PROVIDER,
                Level.INFO,
                "metadata loaded again after earlier failures",
                providerName)
            .log();
      }
      return metadata;
    } catch (ProviderException e) {
      lastFailure = e.getMessage();
      int n = failures.incrementAndGet();
      long backoff = Math.min(MAX_BACKOFF_MILLIS, 1000L << Math.min(16, n - 1));
      nextAttemptMillis.set(clock.millis() + backoff);
      new Diagnostics.Finding(
              Diagnostics.PROVIDER,
              Level.WARNING,
              "provider metadata unavailable (attempt "
                  + n
                  + ", next in "
                  + backoff / 1000
                  + " s; protected paths answer 503 meanwhile): "
                  + e.getMessage()
                  + "; check issuer (or the explicit endpoints) and the network",
              providerName)
          .log();
      return null;
    }
  }

  /** With several providers, names this one in its log lines; set before start. */
  void providerName(@Nullable String name) {
    this.providerName = name;
  }

  /**
   * Runs {@code action} (which must not throw) once, when metadata first loads; set before start.
   */
  void onFirstLoad(Runnable action) {
    this.onFirstLoad = action;
  }

  /** How many loads failed since the last success. */
  int failures() {
    return failures.get();
  }

  /** The last failure's message (no secrets: URLs and I/O errors), if a load ever failed. */
  Optional<String> lastFailure() {
    return Optional.ofNullable(lastFailure);
  }

  /** Starts the first load in the background. */
  void start() {
    startLoad();
  }

  /** Starts a load, unless the provider work queue is full (then a later request tries again). */
  private @Nullable CompletableFuture<ProviderMetadata> startLoad() {
    try {
      return cache.get(KEY);
    } catch (RejectedExecutionException e) {
      LOG.log(Level.WARNING, "portcullis: provider metadata load not started: " + e.getMessage());
      return null;
    }
  }

  /** The metadata when loaded; else empty, having started a background load if allowed. */
  Optional<ProviderMetadata> current() {
    CompletableFuture<ProviderMetadata> future = cache.getIfPresent(KEY);
    if (future != null) {
      if (future.isDone() && !future.isCompletedExceptionally()) {
        return Optional.ofNullable(future.join());
      }
      return Optional.empty();
    }
    if (clock.millis() >= nextAttemptMillis.get()) {
      startLoad();
    }
    return Optional.empty();
  }

  /**
   * The metadata when loaded; else, when a load is in flight (as just after {@link #start()}),
   * waits up to {@code timeout} for it; empty when nothing loads. Never starts a load the back-off
   * forbids.
   */
  Optional<ProviderMetadata> currentOrAwait(Duration timeout) {
    Optional<ProviderMetadata> now = current();
    if (now.isPresent()) {
      return now;
    }
    CompletableFuture<ProviderMetadata> future = cache.getIfPresent(KEY);
    if (future == null || future.isDone()) {
      return Optional.empty();
    }
    return join(future, timeout);
  }

  /**
   * How long a client should wait before trying again: the time to the next attempt, at least 1 s.
   */
  Duration retryAfter() {
    long wait = nextAttemptMillis.get() - clock.millis();
    return Duration.ofSeconds(Math.max(1, (wait + 999) / 1000));
  }

  /** Waits for the current load, for tests and start-up probes; empty when it failed. */
  Optional<ProviderMetadata> await(Duration timeout) {
    CompletableFuture<ProviderMetadata> future = cache.getIfPresent(KEY);
    if (future == null) {
      future = startLoad();
    }
    return future == null ? Optional.empty() : join(future, timeout);
  }

  private static Optional<ProviderMetadata> join(
      CompletableFuture<ProviderMetadata> future, Duration timeout) {
    try {
      return Optional.ofNullable(future.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (java.util.concurrent.ExecutionException
        | java.util.concurrent.TimeoutException
        | CompletionException e) {
      return Optional.empty();
    }
  }
}
