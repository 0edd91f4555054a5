package io.portcullis.core;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.CacheLoader;
import com.github.benmanes.caffeine.cache.Expiry;
import io.portcullis.core.internal.nimbus.DpopProver;
import io.portcullis.core.internal.nimbus.Http;
import io.portcullis.core.internal.nimbus.NimbusTokenClient;
import io.portcullis.core.internal.nimbus.ProviderMetadata;
import io.portcullis.core.internal.nimbus.TokenResult;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Access tokens for the application's own machine-to-machine calls, from the client credentials
 * grant (RFC 6749 §4.4), cached per scope set and refreshed ahead of expiry.
 *
 * <p>The client is {@code m2m-client-id} with {@code m2m-client-secret}, else the filter's {@code
 * client-id} and {@code client-secret}; it authenticates with {@code client_secret_post} when
 * {@code client-auth} says so, else {@code client_secret_basic}. The filter's own client with
 * {@code client-auth=private_key_jwt} signs a client assertion with {@code client-key-file} (RFC
 * 7523 §2.2) instead. The grant is for confidential clients only (OAuth 2.1 §4.2): without a
 * secret, creating a source still succeeds (an application whose login client is public can start),
 * but every {@link #token} fails with {@code unauthorized_client}.
 *
 * <p>A token is reused until it is due for refresh: at 80% of its lifetime or {@code
 * refresh-before} seconds before its expiry, whichever is later. From then on callers still get it
 * at once while one background request fetches its successor. A token is never handed out after its
 * expiry, counted from when it was asked for, less a skew of at most 5 s (OAuth 2.1 §3.2.3: clients
 * must not expect a token to be valid for the whole {@code expires_in}). A response without {@code
 * expires_in} counts as 300 s; a lifetime over 24 hours is cut to 24 hours. A refresh token in the
 * answer is ignored (RFC 6749 §4.4.3).
 *
 * <p>With {@code dpop=true} each token request carries a DPoP proof (RFC 9449) and the provider may
 * bind the token to the key: {@link #headers} then gives {@code Authorization: DPoP <token>} with a
 * proof for the call, where {@link #token} gives the raw token only.
 *
 * <p>Thread-safe. {@link #close()} stops the threads of a source made by {@link #create}.
 */
public final class ClientCredentialsTokenSource implements AutoCloseable {
  /*
   * Locking design. One Caffeine AsyncLoadingCache maps Key(token endpoint, client id, sorted
   * scopes) to a CachedToken(access token, refreshAt, expiresAt); keys never mix clients, servers
   * or scope sets (THREATS H-01). No lock of ours is taken anywhere:
   *  - a miss is a single-flight load: Caffeine installs one future per key and every concurrent
   *    caller waits on it, so a burst of callers causes one token request;
   *  - a failed load yields a Failure value that every caller waiting on that load receives; its
   *    Expiry is zero, and a call that finds an already completed Failure removes exactly that
   *    entry (remove(key, future)) and loads again, so a failure is never cached and the next call
   *    asks again (returning a value rather than throwing also keeps Caffeine from logging every
   *    failed load a second time);
   *  - a per-entry Expiry removes the entry at expiresAt, read from the injected Clock through the
   *    cache's Ticker, so after expiry the next get is again a single-flight load;
   *  - refresh ahead: a get that finds the token past refreshAt returns it at once and calls
   *    LoadingCache.refresh(key), which Caffeine runs on the executor and de-duplicates while one
   *    is in flight; its result replaces the entry. A failed refresh keeps the old token and moves
   *    its refreshAt a little later (back-off), never past expiresAt;
   *  - callers block only in token(), on the shared future, for at most http-timeout.
   */
  private static final System.Logger LOG = System.getLogger("io.portcullis");
  private static final long MAX_SKEW_MILLIS = 5_000;
  private static final long MIN_RETRY_MILLIS = 1_000;
  private static final long MAX_RETRY_MILLIS = 30_000;

  private final Supplier<Optional<URI>> tokenEndpoint;
  private final NimbusTokenClient client;
  private final @Nullable DpopProver dpop;
  private final Clock clock;
  private final String clientId;
  private final @Nullable String clientSecret;
  private final ClientAuth clientAuth;
  private final boolean privateKeyJwt;
  private final Duration timeout;
  private final Duration refreshBefore;
  private final AsyncLoadingCache<Key, Entry> cache;
  private final @Nullable ExecutorService ownedExecutor;
  private final @Nullable Http ownedHttp;
  private final PortcullisMetrics metrics;
  private final java.util.concurrent.ConcurrentHashMap<Key, Backoff> backoffs =
      new java.util.concurrent.ConcurrentHashMap<>();
  private volatile boolean closed;

  /** The cache key: one token per token endpoint, client and scope set (THREATS H-01). */
  private record Key(URI tokenEndpoint, String clientId, List<String> scopes) {}

  /** What a load produced: a token, or why there is none. */
  private sealed interface Entry {}

  /** After a failed load: no request before {@code untilMillis} (1 s, 2 s, 4 s … at most 30 s). */
  private record Backoff(long untilMillis, int failures) {}

  /** A failed load, handed to the callers that waited on it and then dropped. */
  private record Failure(ClientCredentialsException exception, long createdNanos)
      implements Entry {}

  /** A cached token and when, in clock milliseconds, to refresh it and to stop using it. */
  private record CachedToken(String accessToken, long refreshAt, long expiresAt, boolean dpopBound)
      implements Entry {
    @Override
    public String toString() {
      return "CachedToken[****, refreshAt=" + refreshAt + ", expiresAt=" + expiresAt + "]";
    }
  }

  /**
   * Creates a source that finds the token endpoint with {@code tokenEndpoint} (empty while the
   * provider metadata is not loaded), requests tokens with {@code client}, reads time from {@code
   * clock} and loads and refreshes on {@code executor}, which the caller owns.
   */
  ClientCredentialsTokenSource(
      PortcullisConfig config,
      Supplier<Optional<URI>> tokenEndpoint,
      NimbusTokenClient client,
      Clock clock,
      Executor executor) {
    this(config, tokenEndpoint, client, clock, executor, new PortcullisMetrics());
  }

  /** The same, counting its tokens in {@code metrics} (the engine's). */
  ClientCredentialsTokenSource(
      PortcullisConfig config,
      Supplier<Optional<URI>> tokenEndpoint,
      NimbusTokenClient client,
      Clock clock,
      Executor executor,
      PortcullisMetrics metrics) {
    this(config, tokenEndpoint, client, clock, executor, null, null, metrics);
  }

  private ClientCredentialsTokenSource(
      PortcullisConfig config,
      Supplier<Optional<URI>> tokenEndpoint,
      NimbusTokenClient client,
      Clock clock,
      Executor executor,
      @Nullable ExecutorService ownedExecutor,
      @Nullable Http ownedHttp,
      PortcullisMetrics metrics) {
    this.metrics = metrics;
    Objects.requireNonNull(config, "config");
    this.tokenEndpoint = Objects.requireNonNull(tokenEndpoint, "tokenEndpoint");
    this.client = Objects.requireNonNull(client, "client");
    this.dpop = client.dpop();
    this.clock = Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(executor, "executor");
    this.clientId = config.m2mClientId().orElse(config.clientId());
    this.clientSecret = config.m2mClientSecret().orElse(null);
    // The login client with private_key_jwt has no secret; a separate m2m client always has one.
    this.privateKeyJwt =
        config.clientAuth() == ClientAuth.PRIVATE_KEY_JWT
            && clientSecret == null
            && clientId.equals(config.clientId());
    this.clientAuth =
        privateKeyJwt
            ? ClientAuth.PRIVATE_KEY_JWT
            : config.clientAuth() == ClientAuth.CLIENT_SECRET_POST
                ? ClientAuth.CLIENT_SECRET_POST
                : ClientAuth.CLIENT_SECRET_BASIC;
    this.timeout = config.httpTimeout();
    this.refreshBefore = config.refreshBefore();
    this.ownedExecutor = ownedExecutor;
    this.ownedHttp = ownedHttp;
    this.cache =
        Caches.newBuilder(clock)
            .executor(executor)
            .maximumSize(1_000)
            .expireAfter(new TokenExpiry())
            .buildAsync(new TokenLoader());
  }

  /**
   * Creates a source for {@code config}'s provider, found by discovery (or the explicit {@code
   * token-endpoint}), with its own daemon threads that {@link #close()} stops. Discovery starts at
   * once and does not need the provider to be up; until it succeeds, {@link #token} fails with
   * {@code unavailable}.
   */
  public static ClientCredentialsTokenSource create(PortcullisConfig config, Clock clock) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(clock, "clock");
    ThreadPoolExecutor executor = ProviderThreads.create("portcullis-m2m");
    Http http = new Http(config.httpTimeout());
    ProviderMetadataSource metadata =
        new ProviderMetadataSource(NimbusWiring.discovery(config, http), clock, executor);
    metadata.start();
    Duration wait = config.httpTimeout();
    Supplier<Optional<URI>> endpoint =
        () -> metadata.currentOrAwait(wait).map(ProviderMetadata::tokenEndpoint);
    return new ClientCredentialsTokenSource(
        config,
        endpoint,
        NimbusWiring.tokenClient(config, http, clock, metadata),
        clock,
        executor,
        executor,
        http,
        new PortcullisMetrics());
  }

  /**
   * Returns a valid access token for {@code scopes} (an empty set sends no {@code scope}); from the
   * cache when one is there, else after one token request shared with every concurrent caller of
   * the same scope set, waiting at most {@code http-timeout}.
   *
   * @throws ClientCredentialsException when no token could be had; {@code error()} is the OAuth
   *     error code, or {@code unavailable} when the provider is down, slow or not discovered yet
   * @throws IllegalArgumentException when a scope is not a scope token (RFC 6749 §3.3)
   * @throws IllegalStateException after {@link #close()}
   */
  public String token(Set<String> scopes) {
    return await(tokenAsync(scopes));
  }

  /**
   * Returns the headers that carry a valid access token for {@code scopes} on one request to {@code
   * uri} with {@code method}: {@code Authorization: Bearer <token>}, or with {@code dpop=true} and
   * a DPoP-bound token {@code Authorization: DPoP <token>} and a fresh {@code DPoP} proof (RFC 9449
   * §7) for that method and URL. The token comes as {@link #token} gets it. Make new headers for
   * each request: a proof is single-use.
   *
   * @param method the request's HTTP method in upper case, e.g. {@code GET}
   * @param uri the request's absolute http(s) URL (query and fragment are not part of the proof)
   * @throws ClientCredentialsException as {@link #token}
   * @throws IllegalArgumentException when a scope is not a scope token, {@code method} not an HTTP
   *     method or {@code uri} not an absolute http(s) URL
   */
  public DownstreamHeaders headers(Set<String> scopes, String method, URI uri) {
    return headers(scopes, method, uri, null);
  }

  /**
   * The same, with the {@code nonce} the resource server asked for in its {@code DPoP-Nonce} header
   * (RFC 9449 §9): after its {@code 401} with {@code error="use_dpop_nonce"}, retry with new
   * headers made with that nonce. Ignored for a token that is not DPoP-bound.
   */
  public DownstreamHeaders headers(
      Set<String> scopes, String method, URI uri, @Nullable String nonce) {
    DpopProver.check(method, uri);
    CachedToken token = await(cachedAsync(scopes));
    return DownstreamHeaders.of(
        token.accessToken(), token.dpopBound(), dpop, method, uri, nonce, clock.instant());
  }

  private <T> T await(CompletableFuture<T> future) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new ClientCredentialsException(
          ClientCredentialsException.UNAVAILABLE,
          "no client credentials token within http-timeout (" + timeout.toSeconds() + " s)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClientCredentialsException(
          ClientCredentialsException.UNAVAILABLE,
          "interrupted while waiting for a client credentials token");
    } catch (ExecutionException e) {
      throw rethrown(e.getCause());
    }
  }

  /**
   * Returns a future of a valid access token for {@code scopes}, as {@link #token} does without
   * waiting; it fails with a {@link ClientCredentialsException}. Finding the token endpoint may
   * wait up to {@code http-timeout} while discovery is in flight just after {@link #create}.
   *
   * @throws IllegalArgumentException when a scope is not a scope token (RFC 6749 §3.3)
   * @throws IllegalStateException after {@link #close()}
   */
  public CompletableFuture<String> tokenAsync(Set<String> scopes) {
    return cachedAsync(scopes).thenApply(CachedToken::accessToken);
  }

  private CompletableFuture<CachedToken> cachedAsync(Set<String> scopes) {
    List<String> sorted = sortedScopes(scopes);
    if (closed) {
      throw new IllegalStateException("ClientCredentialsTokenSource is closed");
    }
    if (clientSecret == null && !privateKeyJwt) {
      return CompletableFuture.failedFuture(
          new ClientCredentialsException(
              "unauthorized_client",
              "client credentials tokens need a confidential client (OAuth 2.1 §4.2), but client "
                  + clientId
                  + " has no secret: set m2m-client-id and m2m-client-secret, or"
                  + " client-secret"));
    }
    Optional<URI> endpoint = tokenEndpoint.get();
    if (endpoint.isEmpty()) {
      return CompletableFuture.failedFuture(
          new ClientCredentialsException(
              ClientCredentialsException.UNAVAILABLE, "provider metadata is not loaded (yet)"));
    }
    Key key = new Key(endpoint.get(), clientId, sorted);
    Backoff backoff = backoffs.get(key);
    if (backoff != null && clock.millis() < backoff.untilMillis()) {
      // THREATS H-06: after the provider failed (5xx, 429, unreachable), no hot retry loop.
      return CompletableFuture.failedFuture(
          new ClientCredentialsException(
              ClientCredentialsException.UNAVAILABLE,
              "the provider failed recently; next attempt in "
                  + ((backoff.untilMillis() - clock.millis() + 999) / 1000)
                  + " s"));
    }
    long calledNanos = System.nanoTime();
    CompletableFuture<Entry> found = cache.getIfPresent(key);
    CompletableFuture<Entry> entry;
    try {
      entry = cache.get(key);
      if (entry.isDone() && isUnusable(entry.join(), calledNanos)) {
        // A failure (or a token expired between Caffeine's check and ours) that an earlier call
        // produced: drop exactly this entry and load anew, once.
        cache.asMap().remove(key, entry);
        entry = cache.get(key);
      }
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(
          new ClientCredentialsException(
              ClientCredentialsException.UNAVAILABLE,
              "too much provider work queued; try again later"));
    }
    CompletableFuture<Entry> current = entry;
    // From the cache: a token that was there, loaded, before this call (not one it waited for).
    boolean fromCache = found != null && found == entry && found.isDone();
    return entry.thenCompose(
        loaded -> {
          if (loaded instanceof Failure f) {
            if (ClientCredentialsException.UNAVAILABLE.equals(f.exception().error())) {
              backoffs.compute(
                  key,
                  (k, previous) -> {
                    int failures = previous == null ? 1 : previous.failures() + 1;
                    long wait =
                        Math.min(MAX_RETRY_MILLIS, MIN_RETRY_MILLIS << Math.min(10, failures - 1));
                    return new Backoff(clock.millis() + wait, failures);
                  });
            }
            return CompletableFuture.failedFuture(f.exception());
          }
          backoffs.remove(key);
          CachedToken token = (CachedToken) loaded;
          long now = clock.millis();
          if (now >= token.expiresAt()) {
            return CompletableFuture.failedFuture(
                new ClientCredentialsException(
                    ClientCredentialsException.UNAVAILABLE,
                    "client credentials token expired on arrival"));
          }
          // Only while this token is still the cached one: a caller that read it just before a
          // refresh finished would otherwise start a second refresh for a token already replaced.
          if (now >= token.refreshAt() && cache.asMap().get(key) == current) {
            try {
              cache.synchronous().refresh(key);
            } catch (RejectedExecutionException e) {
              // the cached token is still valid; a later call refreshes it
            }
          }
          if (fromCache) {
            metrics.increment(PortcullisMetrics.Counter.CLIENT_CREDENTIALS_CACHED);
          }
          return CompletableFuture.completedFuture(token);
        });
  }

  /**
   * A failure left by an earlier call (not one this call's own load just produced), or an expired
   * token.
   */
  private boolean isUnusable(Entry entry, long calledNanos) {
    return (entry instanceof Failure f && f.createdNanos() - calledNanos < 0)
        || (entry instanceof CachedToken t && clock.millis() >= t.expiresAt());
  }

  /** Drops every cached token and stops the threads this source started. */
  @Override
  public void close() {
    closed = true;
    cache.synchronous().invalidateAll();
    if (ownedHttp != null) {
      ownedHttp.close();
    }
    if (ownedExecutor != null) {
      ownedExecutor.shutdownNow();
    }
  }

  /** Names the client and how it authenticates; never a secret or a token. */
  @Override
  public String toString() {
    return "ClientCredentialsTokenSource{client-id="
        + clientId
        + ", client-auth="
        + clientAuth.value()
        + ", client-secret="
        + (clientSecret == null ? "none" : "****")
        + ", cached="
        + cache.synchronous().estimatedSize()
        + "}";
  }

  private static List<String> sortedScopes(Set<String> scopes) {
    Objects.requireNonNull(scopes, "scopes");
    TreeSet<String> sorted = new TreeSet<>();
    for (String scope : scopes) {
      Objects.requireNonNull(scope, "scope");
      if (!Scopes.isToken(scope)) {
        throw new IllegalArgumentException(
            "scope " + ConfigParser.quote(scope) + " is not a scope token (RFC 6749 §3.3)");
      }
      sorted.add(scope);
    }
    return List.copyOf(sorted);
  }

  private static ClientCredentialsException rethrown(@Nullable Throwable cause) {
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof ClientCredentialsException e) {
      // A new instance, so that the stack trace shows this caller, not the loading thread.
      return new ClientCredentialsException(
          e.error(), Objects.requireNonNull(e.getMessage()), e); // always constructed with one
    }
    return new ClientCredentialsException(
        ClientCredentialsException.UNAVAILABLE,
        "client credentials token request failed: "
            + (cause == null ? "unknown cause" : cause.getClass().getSimpleName()));
  }

  private CachedToken fetch(Key key) {
    long start = clock.millis();
    String scope = String.join(" ", key.scopes());
    TokenResult result =
        client.clientCredentials(
            key.tokenEndpoint(),
            key.clientId(),
            clientSecret, // null: the login client's private_key_jwt assertion
            new LinkedHashSet<>(key.scopes()));
    if (result instanceof TokenResult.Unreachable u) {
      throw failure(ClientCredentialsException.UNAVAILABLE, scope, u.description());
    }
    if (result instanceof TokenResult.Failed f) {
      throw failure(f.error(), scope, f.description());
    }
    TokenResult.Tokens tokens = (TokenResult.Tokens) result;
    Long expiresIn = tokens.expiresInSeconds();
    if (expiresIn != null && expiresIn <= 0) {
      throw failure(
          "invalid_response", scope, "token response expires_in is not a positive number");
    }
    long lifetime = TokenLifetime.seconds(expiresIn) * 1000;
    long expiresAt = start + lifetime - Math.min(MAX_SKEW_MILLIS, lifetime / 10);
    long refreshAt =
        Math.min(
            expiresAt, start + Math.max(lifetime * 8 / 10, lifetime - refreshBefore.toMillis()));
    LOG.log(
        Level.DEBUG,
        () ->
            "portcullis: client credentials token for client "
                + key.clientId()
                + " scope \""
                + scope
                + "\" obtained; refresh in "
                + (refreshAt - start) / 1000
                + " s, expires in "
                + (expiresAt - start) / 1000
                + " s");
    metrics.increment(PortcullisMetrics.Counter.CLIENT_CREDENTIALS_FETCHED);
    return new CachedToken(tokens.accessToken(), refreshAt, expiresAt, tokens.dpopBound());
  }

  private ClientCredentialsException failure(String error, String scope, String description) {
    String message =
        "client credentials token for client "
            + clientId
            + " scope \""
            + scope
            + "\" failed: "
            + description;
    LOG.log(Level.WARNING, "portcullis: " + message);
    return new ClientCredentialsException(error, message);
  }

  /** Loads on a miss; on a refresh keeps the old token, retried a little later, when it fails. */
  private final class TokenLoader implements CacheLoader<Key, Entry> {
    @Override
    public Entry load(Key key) {
      try {
        return fetch(key);
      } catch (ClientCredentialsException e) {
        return new Failure(e, System.nanoTime());
      }
    }

    @Override
    public Entry reload(Key key, Entry oldEntry) {
      if (!(oldEntry instanceof CachedToken old)) {
        return load(key);
      }
      try {
        return fetch(key);
      } catch (ClientCredentialsException e) {
        long now = clock.millis();
        long retry =
            Math.max(MIN_RETRY_MILLIS, Math.min(MAX_RETRY_MILLIS, (old.expiresAt() - now) / 4));
        return new CachedToken(
            old.accessToken(),
            Math.min(old.expiresAt(), now + retry),
            old.expiresAt(),
            old.dpopBound());
      }
    }
  }

  /** Each token lives until its {@code expiresAt}; a failure not at all. */
  private static final class TokenExpiry implements Expiry<Key, Entry> {
    @Override
    public long expireAfterCreate(Key key, Entry value, long currentTime) {
      return value instanceof CachedToken token
          ? Math.max(0, TimeUnit.MILLISECONDS.toNanos(token.expiresAt()) - currentTime)
          : 0;
    }

    @Override
    public long expireAfterUpdate(Key key, Entry value, long currentTime, long currentDuration) {
      return expireAfterCreate(key, value, currentTime);
    }

    @Override
    public long expireAfterRead(Key key, Entry value, long currentTime, long currentDuration) {
      return currentDuration;
    }
  }
}
