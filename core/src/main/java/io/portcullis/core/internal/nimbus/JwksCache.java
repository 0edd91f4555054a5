package io.portcullis.core.internal.nimbus;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The provider's JWK Set (RFC 7517 §5), cached with Caffeine.
 *
 * <p>Locking design: Caffeine's {@code AsyncLoadingCache} makes every load single-flight, so a
 * burst of callbacks causes one fetch. Keys expire after an hour. When a token names a key the
 * cached set lacks (OIDC Core §10.1.1, key rotation), {@link #refreshForUnknownKey} re-fetches,
 * with a budget per {@link Source} of the token:
 *
 * <ul>
 *   <li>{@link Source#TOKEN_ENDPOINT}: ID tokens the provider's token endpoint returned (login
 *       callback, refresh) came over the provider's own TLS channel, so an unknown key there is a
 *       rotation: re-fetched at once, at most once per {@link #MIN_TRUSTED_REFETCH_INTERVAL}.
 *   <li>{@link Source#PRESENTED}: a bearer token anyone can make up with any {@code kid}: at most
 *       one re-fetch per {@link #MIN_REFETCH_INTERVAL}.
 * </ul>
 *
 * <p>The two budgets are separate: a flood of made-up {@code kid}s on the bearer path cannot use up
 * the re-fetch a rotation needs, and nothing lets the bearer path fetch more often. Each budget is
 * single-flight: callers that find an unknown key while a re-fetch for their source is in flight
 * wait for it (bounded by {@code http-timeout}) instead of starting another, and a caller whose key
 * set has been replaced since it looked uses the new one without fetching. The bookkeeping is a
 * short {@code synchronized} block per budget; no lock is held while fetching.
 */
public final class JwksCache {
  /** The least time between two re-fetches caused by unknown keys in presented (bearer) tokens. */
  public static final Duration MIN_REFETCH_INTERVAL = Duration.ofMinutes(1);

  /**
   * The least time between two re-fetches caused by unknown keys in tokens from the token endpoint.
   */
  public static final Duration MIN_TRUSTED_REFETCH_INTERVAL = Duration.ofSeconds(10);

  /** Where a token whose key is looked up came from. */
  public enum Source {
    /**
     * From the provider's token endpoint (login callback, refresh): an unknown key is a rotation.
     */
    TOKEN_ENDPOINT,
    /** Presented by a client ({@code Authorization: Bearer}): anyone can name any key. */
    PRESENTED
  }

  private final AsyncLoadingCache<URI, JWKSet> cache;
  private final Clock clock;
  private final Http http;
  private final Budget trusted = new Budget(MIN_TRUSTED_REFETCH_INTERVAL);
  private final Budget presented = new Budget(MIN_REFETCH_INTERVAL);
  private final AtomicLong fetches = new AtomicLong();
  private volatile @Nullable String lastError;

  /** The re-fetch budget of one source. */
  private static final class Budget {
    final long intervalMillis;

    /** Guarded by this. */
    long lastStartMillis = Long.MIN_VALUE / 2;

    /** Guarded by this. */
    @Nullable CompletableFuture<JWKSet> inFlight;

    Budget(Duration interval) {
      this.intervalMillis = interval.toMillis();
    }
  }

  /**
   * Creates a cache that fetches with {@code http}, reads time from {@code clock} and loads on
   * {@code executor} (which may refuse: the load then fails).
   */
  // A CacheLoader may return null ("no entry", Caffeine's documented contract); NullAway, outside
  // JSpecify mode, does not read the loader's nullable type argument.
  @SuppressWarnings("NullAway")
  public JwksCache(Clock clock, Http http, Executor executor) {
    this.clock = clock;
    this.http = http;
    this.cache =
        Caffeine.newBuilder()
            .executor(executor)
            .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
            .expireAfterWrite(Duration.ofHours(1))
            .maximumSize(4)
            .buildAsync(this::fetchOrNull);
  }

  /**
   * The key set at {@code uri}, fetched when not cached, waiting at most {@code http-timeout} for
   * it.
   */
  public JWKSet get(URI uri) throws ProviderException {
    CompletableFuture<JWKSet> future;
    try {
      future = cache.get(uri);
    } catch (RejectedExecutionException e) {
      throw new ProviderException("cannot load JWK Set " + uri + ": too much provider work queued");
    }
    JWKSet set = await(future);
    if (set == null) {
      throw new ProviderException(
          "cannot load JWK Set " + uri + (lastError == null ? "" : ": " + lastError));
    }
    return set;
  }

  /** Loads, or returns null on failure: Caffeine then drops the entry without logging a trace. */
  private @Nullable JWKSet fetchOrNull(URI uri) {
    try {
      http.listener().jwksFetched(ProviderListener.JwksFetch.LOAD);
      return fetch(uri);
    } catch (ProviderException e) {
      lastError = e.getMessage();
      return null;
    }
  }

  /**
   * A key set to look again in because a token from {@code source} names a key that {@code seen}
   * (the set the caller looked in) lacks: the cached set when it has been replaced since, else one
   * re-fetched now when {@code source}'s budget allows (joining a re-fetch of that source in
   * flight). Null when no newer set may be had yet — or, for {@link Source#PRESENTED}, when the
   * re-fetch failed.
   *
   * @throws ProviderException when a re-fetch for {@link Source#TOKEN_ENDPOINT} failed
   */
  public @Nullable JWKSet refreshForUnknownKey(URI uri, JWKSet seen, Source source)
      throws ProviderException {
    JWKSet current = cachedOrNull(uri);
    if (current != null && current != seen) {
      return current;
    }
    Budget budget = source == Source.TOKEN_ENDPOINT ? trusted : presented;
    CompletableFuture<JWKSet> shared;
    boolean mine = false;
    synchronized (budget) {
      shared = budget.inFlight;
      if (shared == null) {
        long now = clock.millis();
        long since = now - budget.lastStartMillis;
        if (since >= 0 && since < budget.intervalMillis) {
          return null;
        }
        budget.lastStartMillis = now;
        shared = new CompletableFuture<>();
        budget.inFlight = shared;
        mine = true;
      }
    }
    if (mine) {
      try {
        http.listener()
            .jwksFetched(
                source == Source.TOKEN_ENDPOINT
                    ? ProviderListener.JwksFetch.ROTATION
                    : ProviderListener.JwksFetch.UNKNOWN_KEY);
        JWKSet fresh = fetch(uri);
        cache.put(uri, CompletableFuture.completedFuture(fresh));
        shared.complete(fresh);
      } catch (ProviderException | RuntimeException e) {
        shared.completeExceptionally(e);
      } finally {
        synchronized (budget) {
          budget.inFlight = null;
        }
      }
    }
    JWKSet fresh = await(shared);
    if (fresh == null && source == Source.TOKEN_ENDPOINT) {
      throw new ProviderException(
          "cannot re-fetch JWK Set " + uri + (lastError == null ? "" : ": " + lastError));
    }
    return fresh;
  }

  /** How many times a key set was fetched: for tests of the rate limit. */
  public long fetchCount() {
    return fetches.get();
  }

  private @Nullable JWKSet cachedOrNull(URI uri) {
    CompletableFuture<JWKSet> future = cache.getIfPresent(uri);
    return future != null && future.isDone() && !future.isCompletedExceptionally()
        ? future.getNow(null)
        : null;
  }

  /**
   * The future's key set, waiting at most a fetch's deadline and a second; null when it failed or
   * is late.
   */
  private @Nullable JWKSet await(CompletableFuture<JWKSet> future) {
    try {
      return future.get(http.timeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      return null;
    }
  }

  private JWKSet fetch(URI uri) throws ProviderException {
    fetches.incrementAndGet();
    HTTPResponse response;
    try {
      HTTPRequest request = new HTTPRequest(HTTPRequest.Method.GET, uri);
      request.setAccept("application/json");
      response = http.send(request, ProviderListener.Endpoint.JWKS);
    } catch (IOException e) {
      lastError = "cannot fetch " + uri + ": " + e.getClass().getSimpleName();
      throw new ProviderException(lastError, e);
    }
    if (response.getStatusCode() != 200) {
      lastError = "fetching " + uri + " answered HTTP " + response.getStatusCode();
      throw new ProviderException(lastError);
    }
    try {
      return JWKSet.parse(response.getBody());
    } catch (java.text.ParseException e) {
      lastError = "JWK Set at " + uri + " is not valid";
      throw new ProviderException(lastError, e);
    }
  }
}
