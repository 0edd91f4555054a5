package io.portcullis.core;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Cache;
import io.portcullis.core.internal.nimbus.IdTokenException;
import io.portcullis.core.internal.nimbus.NimbusIdTokenVerifier;
import io.portcullis.core.internal.nimbus.NimbusTokenClient;
import io.portcullis.core.internal.nimbus.ProviderMetadata;
import io.portcullis.core.internal.nimbus.TokenResult;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * Transparent refresh of the access token (RFC 6749 §6; OIDC Core §12.2), single-flight per
 * session.
 *
 * <p>Locking design. On one node, every request of a session that finds its access token due reads
 * the same refresh token from the session, so keying an {@link AsyncCache} by a hash of that
 * refresh token makes them share one future: N concurrent requests cause one token request, and all
 * wait for it (bounded by {@code http-timeout}). The result stays in the cache for two minutes, so
 * a request that read the session just before the new tokens were written joins the finished
 * refresh instead of redeeming a refresh token the provider has already rotated away. Each waiter
 * writes the new {@link LoginSession} back with {@code setAttribute} unless the session already
 * holds a newer one — idempotent, so no lock is taken and session replication sees the change.
 * Across nodes there is no lock either: a node that loses the race gets {@code invalid_grant} and
 * re-reads the session before treating it as final; if the session now holds another refresh token
 * (the winner's), that token set is used. Transient failures (unreachable, 5xx, timeout) are
 * remembered per refresh token for a short back-off, so a provider outage costs one attempt per
 * back-off period rather than one per request.
 */
final class TokenRefresher {
  private static final System.Logger LOG = System.getLogger("io.portcullis");

  /**
   * The claims a refreshed ID token must share with the original (OIDC Core §12.2), in check order.
   */
  private static final Map<String, IdTokenException.Check> SAME_AS_ORIGINAL = orderedChecks();

  static final Duration FAILURE_BACKOFF = Duration.ofSeconds(30);

  /** How long a node that lost a refresh race waits for the winner's tokens in the store. */
  static final Duration RACE_WINDOW = Duration.ofSeconds(3);

  /** What a refresh attempt came to. */
  sealed interface Result {
    /** New tokens; the session has been updated. */
    record Refreshed(LoginSession session) implements Result {}

    /** The provider refused the refresh token (or the new ID token): the login has ended. */
    record Ended(String reason) implements Result {}

    /** The provider could not be reached; try again after {@code retryAfter}. */
    record Unavailable(Duration retryAfter) implements Result {}
  }

  private final PortcullisConfig config;
  private final ProviderMetadataSource metadata;
  private final NimbusTokenClient tokens;
  private final NimbusIdTokenVerifier idTokens;
  private final UserInfo userInfo;
  private final Clock clock;
  private final AsyncCache<String, Result> inFlight;
  private final Cache<String, Long> failedUntil;
  private final SessionStore sessions;
  private final PortcullisMetrics metrics;

  TokenRefresher(
      PortcullisConfig config,
      ProviderMetadataSource metadata,
      NimbusTokenClient tokens,
      NimbusIdTokenVerifier idTokens,
      UserInfo userInfo,
      Clock clock,
      Executor executor,
      SessionStore sessions,
      PortcullisMetrics metrics) {
    this.sessions = sessions;
    this.metrics = metrics;
    this.config = config;
    this.metadata = metadata;
    this.tokens = tokens;
    this.idTokens = idTokens;
    this.userInfo = userInfo;
    this.clock = clock;
    this.inFlight =
        Caches.newBuilder(clock)
            .executor(executor)
            .expireAfterWrite(Duration.ofMinutes(2))
            .maximumSize(100_000)
            .buildAsync();
    this.failedUntil =
        Caches.newBuilder(clock).expireAfterWrite(FAILURE_BACKOFF).maximumSize(100_000).build();
  }

  /** Whether {@code session}'s access token is due for refresh at {@code nowMillis}. */
  boolean isDue(LoginSession session, long nowMillis) {
    return nowMillis
        >= session.identity().tokens().expiresAt().toEpochMilli()
            - config.refreshBefore().toMillis();
  }

  /**
   * Refreshes {@code session}'s tokens, sharing one token request with every concurrent caller
   * holding the same refresh token, and writes the result into the exchange's session. Counts what
   * it came to ({@link PortcullisMetrics.Counter#REFRESHES_OK} …), and whether this request shared
   * a token request another one started ({@link PortcullisMetrics.Counter#REFRESH_WAITERS}).
   */
  Result refresh(HttpExchange exchange, LoginSession session) {
    Result result = attempt(exchange, session);
    metrics.increment(
        result instanceof Result.Refreshed
            ? PortcullisMetrics.Counter.REFRESHES_OK
            : result instanceof Result.Ended
                ? PortcullisMetrics.Counter.REFRESHES_REJECTED
                : PortcullisMetrics.Counter.REFRESHES_UNAVAILABLE);
    return result;
  }

  private Result attempt(HttpExchange exchange, LoginSession session) {
    String refreshToken = Objects.requireNonNull(session.refreshToken(), "refreshToken");
    String key = Randoms.hashKey(refreshToken, 43);
    Long until = failedUntil.getIfPresent(key);
    if (until != null && clock.millis() < until) {
      return new Result.Unavailable(Duration.ofMillis(until - clock.millis()));
    }
    CompletableFuture<Result> future;
    boolean[] started = new boolean[1];
    try {
      future =
          inFlight.get(
              key,
              (k, executor) -> {
                started[0] = true;
                return CompletableFuture.supplyAsync(() -> redeem(session, refreshToken), executor);
              });
    } catch (RejectedExecutionException e) {
      return new Result.Unavailable(Duration.ofSeconds(1)); // provider work queue full
    }
    if (!started[0]) {
      metrics.increment(PortcullisMetrics.Counter.REFRESH_WAITERS);
    }
    Result result;
    try {
      result = future.get(config.httpTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result.Unavailable(Duration.ofSeconds(1));
    } catch (ExecutionException | TimeoutException e) {
      result = new Result.Unavailable(Duration.ofSeconds(1));
    }
    if (result instanceof Result.Unavailable u) {
      inFlight.synchronous().invalidate(key); // not cached: the back-off decides the next attempt
      failedUntil.put(key, clock.millis() + u.retryAfter().toMillis());
      return result;
    }
    if (result instanceof Result.Ended) {
      // Another node may have refreshed this session at the same moment and rotated the refresh
      // token away: re-read the session before treating invalid_grant as final.
      LoginSession newer = awaitNewerSession(exchange, refreshToken);
      if (newer != null) {
        sessions.put(exchange, newer); // this node's copy now holds the winner's tokens too
        return new Result.Refreshed(newer);
      }
      return result;
    }
    LoginSession refreshed = ((Result.Refreshed) result).session();
    LoginSession current = sessions.get(exchange);
    if (current == null) {
      // Logged out (or the session ended) while the refresh was in flight: the new tokens are
      // discarded, never written into a new session (THREATS F-09).
      metrics.rejected(Reason.SESSION_ENDED);
      return new Result.Ended(Reason.SESSION_ENDED.code());
    }
    if (Objects.equals(current.refreshToken(), refreshToken)
        && current
            .identity()
            .tokens()
            .expiresAt()
            .isBefore(refreshed.identity().tokens().expiresAt())) {
      // Keep what this session holds besides the tokens (logout token, step-up history).
      LoginSession merged =
          new LoginSession(
                  refreshed.identity(),
                  refreshed.refreshToken(),
                  refreshed.idToken(),
                  current.logoutToken(),
                  current.stepUpAsked())
              .withTimes(current.loginAtMillis(), current.seenAtMillis())
              .withUserInfo(refreshed.userInfo());
      sessions.put(exchange, merged);
      return new Result.Refreshed(merged);
    }
    return new Result.Refreshed(current);
  }

  /**
   * The session's login when it holds another refresh token than {@code used}: read once, and, when
   * the exchange can re-read the shared store, polled for up to {@link #RACE_WINDOW} while the
   * winning node finishes its request.
   */
  private @Nullable LoginSession awaitNewerSession(HttpExchange exchange, String used) {
    long deadline =
        System.nanoTime() + Math.min(RACE_WINDOW.toNanos(), config.httpTimeout().toNanos());
    while (true) {
      LoginSession s =
          exchange.canReloadSession() ? sessions.reload(exchange) : sessions.get(exchange);
      if (s != null && s.refreshToken() != null && !Objects.equals(s.refreshToken(), used)) {
        return s;
      }
      if (!exchange.canReloadSession() || System.nanoTime() > deadline) {
        return null;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
  }

  private Result redeem(LoginSession session, String refreshToken) {
    Optional<ProviderMetadata> md = metadata.current();
    if (md.isEmpty()) {
      return new Result.Unavailable(metadata.retryAfter());
    }
    TokenResult result = tokens.refresh(md.get().tokenEndpoint(), refreshToken);
    if (result instanceof TokenResult.Unreachable u) {
      LOG.log(Level.WARNING, "portcullis: refresh failed, will retry: " + u.description());
      return new Result.Unavailable(FAILURE_BACKOFF);
    }
    if (result instanceof TokenResult.Failed f) {
      metrics.rejected(Reason.REFRESH_ERROR);
      LOG.log(Reason.REFRESH_ERROR.level(), "oidc.refresh.rejected reason=" + f.error());
      return new Result.Ended(Reason.REFRESH_ERROR.code(f.error()));
    }
    TokenResult.Tokens t = (TokenResult.Tokens) result;
    Identity identity = session.identity();
    String idToken = session.idToken();
    Map<String, Object> claims = identity.claims();
    Map<String, Object> idTokenClaims = idToken == null ? Map.of() : LoginSession.claimsOf(idToken);
    if (t.idToken() != null) {
      try {
        Map<String, Object> fresh = idTokens.verify(t.idToken(), md.get(), null);
        checkRefreshedIdToken(fresh, identity.claims());
        idToken = t.idToken();
        // The claims are those of the latest ID token: the ones a stored record reads again.
        claims = fresh;
        idTokenClaims = fresh;
      } catch (IdTokenException e) {
        Reason reason = Reason.ofIdToken(e.check());
        if (reason == Reason.ID_TOKEN_KEYS_UNAVAILABLE) {
          // The provider's keys cannot be fetched now: an outage, not a reason to end the login.
          LOG.log(Level.WARNING, "portcullis: refresh failed, will retry: " + e.getMessage());
          return new Result.Unavailable(FAILURE_BACKOFF);
        }
        metrics.rejected(reason);
        LOG.log(reason.level(), "oidc.refresh.rejected reason=" + reason.code());
        return new Result.Ended(reason.code());
      }
    }
    String userInfoJson = session.userInfo();
    if (idToken != null && userInfo.wanted(idTokenClaims, md.get())) {
      UserInfo.Result read = userInfo.fetch(md.get(), t.accessToken(), identity.subject());
      if (read instanceof UserInfo.Result.Fetched fetched) {
        userInfoJson = fetched.json();
      } else {
        Reason reason = ((UserInfo.Result.Failed) read).reason();
        if (reason == Reason.USERINFO_SUB_MISMATCH) {
          metrics.rejected(reason);
          LOG.log(reason.level(), "oidc.refresh.rejected reason=" + reason.code());
          return new Result.Ended(reason.code());
        }
        // The ID token's claims and the answer read before still hold: the login goes on.
        LOG.log(
            Level.WARNING,
            "portcullis: userinfo after a refresh failed, the claims read before are kept; reason="
                + reason.code());
      }
    }
    // RFC 6749 §6: a refresh asks for the scope granted before, so a response without scope
    // keeps it; one that names more is held to it (a refresh never widens a grant).
    Set<String> scopes = identity.scopes();
    if (t.scope() != null) {
      scopes = Scopes.split(t.scope());
      scopes.retainAll(identity.scopes());
    }
    TokenSet tokenSet =
        new TokenSet(
            t.accessToken(),
            TokenLifetime.expiresAt(clock.instant(), t.expiresInSeconds()),
            scopes,
            t.dpopBound());
    Identity refreshed =
        new Identity(
            identity.name(),
            identity.subject(),
            identity.issuer(),
            claims,
            identity.roles(),
            tokenSet);
    return new Result.Refreshed(
        new LoginSession(
                refreshed,
                t.refreshToken() != null
                    ? t.refreshToken()
                    : refreshToken, // keep the old one when none is returned
                idToken,
                session.logoutToken(),
                session.stepUpAsked())
            .withTimes(session.loginAtMillis(), session.seenAtMillis())
            .withUserInfo(userInfoJson));
  }

  /**
   * OIDC Core §12.2: a refreshed ID token names the same issuer, subject and audience ({@code azp},
   * when present, was already checked to be this client).
   */
  private static void checkRefreshedIdToken(Map<String, Object> fresh, Map<String, Object> original)
      throws IdTokenException {
    for (String claim : SAME_AS_ORIGINAL.keySet()) {
      if (!Objects.equals(
          normalisedAudience(fresh.get(claim)), normalisedAudience(original.get(claim)))) {
        throw new IdTokenException(
            SAME_AS_ORIGINAL.get(claim),
            "refreshed ID token " + claim + " differs from the original");
      }
    }
    Object authTime = fresh.get("auth_time");
    if (authTime != null
        && original.get("auth_time") != null
        && !authTime.equals(original.get("auth_time"))) {
      throw new IdTokenException(
          IdTokenException.Check.AUTH_TIME,
          "refreshed ID token auth_time differs from the original");
    }
    Object nonce = fresh.get("nonce");
    if (nonce != null && !nonce.equals(original.get("nonce"))) {
      throw new IdTokenException(
          IdTokenException.Check.NONCE, "refreshed ID token nonce differs from the original");
    }
  }

  private static Map<String, IdTokenException.Check> orderedChecks() {
    Map<String, IdTokenException.Check> checks = new java.util.LinkedHashMap<>();
    checks.put("iss", IdTokenException.Check.ISS);
    checks.put("sub", IdTokenException.Check.SUB);
    checks.put("aud", IdTokenException.Check.AUD);
    return java.util.Collections.unmodifiableMap(checks);
  }

  private static @Nullable Object normalisedAudience(@Nullable Object aud) {
    if (aud instanceof String s) {
      return java.util.List.of(s);
    }
    return aud;
  }
}
