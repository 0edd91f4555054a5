package io.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.core.PortcullisMetrics.Counter;
import io.portcullis.core.PortcullisMetrics.Endpoint;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * README "Metrics": each counter and timer of {@link PortcullisMetrics}, read after the event that
 * moves it, through {@link Portcullis#handle} against the fake provider.
 */
class EngineMetricsTest {
  private final EngineFixture f = new EngineFixture();

  @AfterEach
  void stop() {
    f.close();
  }

  private PortcullisMetrics metrics() {
    return f.engine.metrics();
  }

  private long count(Counter counter) {
    return metrics().count(counter);
  }

  private Map<Counter, Long> counters() {
    Map<Counter, Long> all = new EnumMap<>(Counter.class);
    for (Counter c : Counter.values()) {
      all.put(c, count(c));
    }
    return all;
  }

  private long rejectionsInAll() {
    long sum = 0;
    for (Reason r : Reason.values()) {
      sum += metrics().rejections(r);
    }
    return sum;
  }

  @Test
  void loginWhenCompletedThenStartedCompletedAndEachProviderCallTimed() {
    f.provider.userInfo(java.util.Map.of("email", "alice@example.org"));
    f.start("userinfo", "always");
    assertThat(metrics().calls(Endpoint.DISCOVERY)).isEqualTo(1);
    assertThat(count(Counter.LOGINS_STARTED)).isZero();

    Outcome start = f.get("/page");
    assertThat(count(Counter.LOGINS_STARTED)).isEqualTo(1);
    assertThat(count(Counter.LOGINS_COMPLETED)).isZero();
    f.callback(((Outcome.Redirect) start).location());

    assertThat(count(Counter.LOGINS_COMPLETED)).isEqualTo(1);
    assertThat(count(Counter.LOGINS_REJECTED)).isZero();
    assertThat(rejectionsInAll()).isZero();
    for (Endpoint e : Endpoint.values()) {
      assertThat(metrics().calls(e)).as(e.value()).isEqualTo(1);
      assertThat(metrics().failures(e)).as(e.value()).isZero();
      assertThat(metrics().maxNanos(e)).as(e.value()).isPositive();
      assertThat(metrics().totalNanos(e)).as(e.value()).isEqualTo(metrics().maxNanos(e));
    }
    assertThat(count(Counter.JWKS_FETCHES_LOAD)).isEqualTo(1);
  }

  @Test
  void handleWhenLoggedInAndTokenValidThenNothingCounted() {
    f.start();
    f.login("/page");
    Map<Counter, Long> before = counters();
    for (int i = 0; i < 10; i++) {
      assertThat(f.get("/page")).isInstanceOf(Outcome.Proceed.class);
    }
    assertThat(counters()).isEqualTo(before);
    assertThat(rejectionsInAll()).isZero();
  }

  @Test
  void callbackWhenRefusedThenLoginRejectedAndItsReasonCounted() {
    f.start();
    f.get("/oauth2/callback?state=made-up&code=x");
    f.get("/oauth2/callback?code=x");

    assertThat(count(Counter.LOGINS_REJECTED)).isEqualTo(2);
    assertThat(metrics().rejections(Reason.STATE_UNKNOWN)).isEqualTo(1);
    assertThat(metrics().rejections(Reason.STATE_MISSING)).isEqualTo(1);
    assertThat(rejectionsInAll()).isEqualTo(2);
    assertThat(count(Counter.API_401)).as("browser answers").isZero();
  }

  @Test
  void callbackWhenTokenEndpointFailsThenTokenCallFailureCounted() {
    f.start();
    Outcome start = f.get("/page");
    f.provider.answer(503, "{\"error\":\"temporarily_unavailable\"}");
    Outcome outcome = f.callback(((Outcome.Redirect) start).location());

    assertThat(EngineLoginTest.reason(outcome)).isEqualTo("token.unavailable");
    assertThat(metrics().rejections(Reason.TOKEN_UNAVAILABLE)).isEqualTo(1);
    assertThat(count(Counter.LOGINS_REJECTED)).isEqualTo(1);
    assertThat(metrics().calls(Endpoint.TOKEN)).isEqualTo(1);
    assertThat(metrics().failures(Endpoint.TOKEN)).isEqualTo(1);
  }

  @Test
  void handleWhenPathRefusedThenCountedOnceUnderItsLoggedReason() {
    f.start();
    f.get("/a/%2e%2e/%2e%2e/b");
    f.send(new InMemoryExchange("GET", null).browserHeaders());

    assertThat(metrics().rejections(Reason.PATH_INVALID)).isEqualTo(1);
    assertThat(metrics().rejections(Reason.PATH_CONTEXT)).isEqualTo(1);
    assertThat(rejectionsInAll()).isEqualTo(2);
  }

  @Test
  void handleWhenApiRequestRefusedThen401And403Counted() {
    f.start("rules", "/admin/** deny\n/** authenticated");
    assertThat(f.send(f.api("GET", "/page"))).isInstanceOf(Outcome.Challenge.class);
    assertThat(count(Counter.API_401)).isEqualTo(1);

    assertThat(f.send(f.api("GET", "/admin/x"))).isInstanceOf(Outcome.Forbidden.class);
    assertThat(f.get("/admin/x")).isInstanceOf(Outcome.Forbidden.class);
    assertThat(count(Counter.API_403)).as("the API answer only").isEqualTo(1);
    assertThat(metrics().rejections(Reason.ACCESS_DENIED)).isEqualTo(2);
  }

  @Test
  void handleWhenTokenDueThenRefreshCountedAndARequestWithTheSameRefreshTokenWaits() {
    f.start();
    f.login("/page");
    LoginSession old = f.login();
    f.clock.advance(Duration.ofSeconds(241));

    assertThat(f.get("/page")).isInstanceOf(Outcome.Proceed.class);
    assertThat(count(Counter.REFRESHES_OK)).isEqualTo(1);
    assertThat(count(Counter.REFRESH_WAITERS)).isZero();

    // another request that read the session before the new tokens were written joins that refresh
    Outcome late = f.engine.handle(InMemoryExchange.get("/page").browserHeaders().loggedIn(old));
    assertThat(late).isInstanceOf(Outcome.Proceed.class);
    assertThat(f.provider.refreshRequests.get()).isEqualTo(1);
    assertThat(count(Counter.REFRESHES_OK)).isEqualTo(2);
    assertThat(count(Counter.REFRESH_WAITERS)).isEqualTo(1);
    assertThat(metrics().calls(Endpoint.TOKEN)).isEqualTo(2);
  }

  @Test
  void handleWhenRefreshTokenRevokedThenRefreshRejectedWithItsReason() {
    f.start();
    f.login("/page");
    f.provider.revokeRefreshTokens();
    f.clock.advance(Duration.ofSeconds(301));

    f.get("/page");

    assertThat(count(Counter.REFRESHES_REJECTED)).isEqualTo(1);
    assertThat(metrics().rejections(Reason.REFRESH_ERROR)).isEqualTo(1);
    assertThat(metrics().failures(Endpoint.TOKEN)).as("a protocol answer").isZero();
  }

  @Test
  void handleWhenProviderDownAndTokenExpiredThenRefreshUnavailableAnd503Counted() {
    f.start();
    f.login("/page");
    f.provider.answer(503, "{}");
    f.clock.advance(Duration.ofSeconds(301));

    assertThat(f.get("/page")).isInstanceOf(Outcome.Unavailable.class);
    assertThat(f.get("/page")).as("in the back-off").isInstanceOf(Outcome.Unavailable.class);

    assertThat(count(Counter.REFRESHES_UNAVAILABLE)).isEqualTo(2);
    assertThat(metrics().rejections(Reason.LOGIN_UNAVAILABLE)).isEqualTo(2);
    assertThat(metrics().failures(Endpoint.TOKEN)).isEqualTo(1);
  }

  @Test
  void loginWhenSigningKeyRotatedThenJwksFetchedForTheRotation() {
    f.start();
    f.login("/page");
    f.provider.rotateSigningKey("k2");
    f.session = new InMemoryExchange.Session();

    assertThat(f.login("/page")).isInstanceOf(Outcome.Redirect.class);

    assertThat(count(Counter.JWKS_FETCHES_LOAD)).isEqualTo(1);
    assertThat(count(Counter.JWKS_FETCHES_ROTATION)).isEqualTo(1);
    assertThat(count(Counter.JWKS_FETCHES_UNKNOWN_KEY)).isZero();
    assertThat(metrics().calls(Endpoint.JWKS)).isEqualTo(2);
  }

  @Test
  void bearerWhenInvalidOrOfAnUnknownKeyThenReasonAndJwksFetchCounted() {
    f.start("bearer-tokens", "own-clients", "rules", "/api/** read:data\n/** authenticated");
    assertThat(bearer("garbage")).isInstanceOf(Outcome.InvalidToken.class);
    assertThat(metrics().rejections(Reason.BEARER_MALFORMED)).isEqualTo(1);
    assertThat(count(Counter.API_401)).isEqualTo(1);

    String token = f.provider.accessToken("app", "app", Map.of("scope", "read:data"), 300);
    assertThat(bearer(token)).isInstanceOf(Outcome.Proceed.class);
    assertThat(count(Counter.JWKS_FETCHES_LOAD)).isEqualTo(1);
    f.provider.rotateSigningKey("k2");
    token = f.provider.accessToken("app", "app", Map.of("scope", "read:data"), 300);
    assertThat(bearer(token)).isInstanceOf(Outcome.Proceed.class);
    assertThat(count(Counter.JWKS_FETCHES_UNKNOWN_KEY)).isEqualTo(1);
    assertThat(rejectionsInAll()).isEqualTo(1);
  }

  private Outcome bearer(String token) {
    return f.send(InMemoryExchange.get("/api/items").header("Authorization", "Bearer " + token));
  }

  @Test
  void clientCredentialsWhenAskedTwiceThenOneFetchedAndOneFromTheCache() {
    f.start();
    String first = f.engine.clientCredentials().token(Set.of("read:data"));
    assertThat(count(Counter.CLIENT_CREDENTIALS_FETCHED)).isEqualTo(1);
    assertThat(count(Counter.CLIENT_CREDENTIALS_CACHED)).isZero();

    assertThat(f.engine.clientCredentials().token(Set.of("read:data"))).isEqualTo(first);
    assertThat(count(Counter.CLIENT_CREDENTIALS_FETCHED)).isEqualTo(1);
    assertThat(count(Counter.CLIENT_CREDENTIALS_CACHED)).isEqualTo(1);
    assertThat(metrics().calls(Endpoint.TOKEN)).isEqualTo(1);
  }
}
