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
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The provider's JWK Set (RFC 7517 §5), cached with Caffeine.
 *
 * <p>Locking design: Caffeine's {@code AsyncLoadingCache} makes every load single-flight, so a
 * burst of callbacks causes one fetch. Keys expire after an hour. When an ID token names a key
 * the cached set lacks (OIDC Core §10.1.1, key rotation), {@link #refreshForUnknownKey} re-fetches
 * at most once per {@link #MIN_REFETCH_INTERVAL}: a flood of tokens with made-up {@code kid}s
 * cannot turn into a flood of requests to the provider. The rate limit is one CAS on an {@code
 * AtomicLong}; no lock is held while fetching.
 */
public final class JwksCache {
  /** The least time between two re-fetches caused by unknown keys. */
  public static final Duration MIN_REFETCH_INTERVAL = Duration.ofMinutes(1);

  private final AsyncLoadingCache<URI, JWKSet> cache;
  private final Clock clock;
  private final Duration timeout;
  private final AtomicLong lastForcedMillis = new AtomicLong(Long.MIN_VALUE / 2);
  private final AtomicLong fetches = new AtomicLong();
  private volatile @Nullable String lastError;

  /** Creates a cache that fetches with {@code timeout} and reads time from {@code clock}. */
  public JwksCache(Clock clock, Duration timeout, Executor executor) {
    this.clock = clock;
    this.timeout = timeout;
    this.cache = Caffeine.newBuilder()
        .executor(executor)
        .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
        .expireAfterWrite(Duration.ofHours(1))
        .maximumSize(4)
        .buildAsync(this::fetchOrNull);
  }

  /** The key set at {@code uri}, fetched when not cached. */
  public JWKSet get(URI uri) throws ProviderException {
    JWKSet set;
    try {
      set = cache.get(uri).join();
    } catch (CompletionException e) {
      set = null;
    }
    if (set == null) {
      throw new ProviderException("cannot load JWK Set " + uri + (lastError == null ? "" : ": " + lastError));
    }
    return set;
  }

  /** Loads, or returns null on failure: Caffeine then drops the entry without logging a trace. */
  private @Nullable JWKSet fetchOrNull(URI uri) {
    try {
      return fetch(uri);
    } catch (ProviderException e) {
      lastError = e.getMessage();
      return null;
    }
  }

  /**
   * Re-fetches the key set because a token named an unknown key, unless a re-fetch happened less
   * than {@link #MIN_REFETCH_INTERVAL} ago; returns whether it re-fetched.
   */
  public boolean refreshForUnknownKey(URI uri) {
    long now = clock.millis();
    long last = lastForcedMillis.get();
    if (now - last < MIN_REFETCH_INTERVAL.toMillis() || !lastForcedMillis.compareAndSet(last, now)) {
      return false;
    }
    try {
      cache.put(uri, java.util.concurrent.CompletableFuture.completedFuture(fetch(uri)));
      return true;
    } catch (ProviderException e) {
      return false;
    }
  }

  /** How many times a key set was fetched: for tests of the rate limit. */
  public long fetchCount() {
    return fetches.get();
  }

  private JWKSet fetch(URI uri) throws ProviderException {
    fetches.incrementAndGet();
    HTTPResponse response;
    try {
      HTTPRequest request = new HTTPRequest(HTTPRequest.Method.GET, uri);
      request.setAccept("application/json");
      response = Http.send(request, timeout);
    } catch (IOException e) {
      throw new ProviderException("cannot fetch " + uri + ": " + e.getClass().getSimpleName(), e);
    }
    if (response.getStatusCode() != 200) {
      throw new ProviderException("fetching " + uri + " answered HTTP " + response.getStatusCode());
    }
    try {
      return JWKSet.parse(response.getBody());
    } catch (java.text.ParseException e) {
      throw new ProviderException("JWK Set at " + uri + " is not valid", e);
    }
  }
}
