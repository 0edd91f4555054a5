package io.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Session lifetimes set by policy (issue 14 AC2; README "Session lifetimes"): {@code
 * session-idle-timeout} and {@code session-max-lifetime}, on a moved clock, through {@link
 * Portcullis#handle} only. Access tokens live 300 s and are refreshed from 240 s on.
 */
class EngineLifetimeTest {
  private final EngineFixture f = new EngineFixture();

  @AfterEach
  void stop() {
    f.close();
  }

  private void loggedIn(String... config) {
    f.start(config);
    assertThat(f.login("/page")).isInstanceOf(Outcome.Redirect.class);
    assertThat(f.login()).isNotNull();
  }

  private void advance(long seconds) {
    f.clock.advance(Duration.ofSeconds(seconds));
  }

  private static void assertProceeds(Outcome outcome) {
    assertThat(outcome).isInstanceOf(Outcome.Proceed.class);
    assertThat(((Outcome.Proceed) outcome).identity()).isNotNull();
  }

  /** The browser is sent to the provider, and after the login back to {@code target}. */
  private void assertLogsInAgainAndReturnsTo(Outcome outcome, String target) {
    assertThat(outcome).isInstanceOf(Outcome.Redirect.class);
    String location = ((Outcome.Redirect) outcome).location();
    assertThat(location).startsWith(f.provider.authorizationEndpoint() + "?");
    Outcome back = f.callback(location);
    assertThat(back).isInstanceOf(Outcome.Redirect.class);
    assertThat(((Outcome.Redirect) back).location()).isEqualTo(target);
    assertThat(f.login()).isNotNull();
    assertProceeds(f.get(target));
  }

  @Test
  void idleTimeoutWhenUnusedThatLongThenCleanLogoutAndBrowserLogsInAgainAndReturns() {
    loggedIn("session-idle-timeout", "600");
    int tokenRequests = f.provider.tokenRequests.get();
    advance(600);

    Outcome outcome = f.get("/page?tab=2");

    assertThat(f.session.invalidations()).as("the session ended like a logout").isEqualTo(1);
    assertThat(f.provider.refreshRequests.get()).as("no refresh of an ended login").isZero();
    assertThat(f.provider.endSessionRequests.get()).isZero();
    assertThat(f.provider.tokenRequests.get()).isEqualTo(tokenRequests);
    assertThat(f.engine.metrics().rejections(Reason.SESSION_IDLE)).isEqualTo(1);
    assertLogsInAgainAndReturnsTo(outcome, "/page?tab=2");
    assertThat(f.login().loginAtMillis()).isEqualTo(f.clock.millis());
  }

  @Test
  void idleTimeoutWhenUsedInTimeThenLoginLivesAcrossRefreshesAndEndsOnlyAfterAnIdleStretch() {
    loggedIn("session-idle-timeout", "600");
    for (int i = 0; i < 20; i++) {
      advance(599); // every request is just inside the timeout counted from the last mark
      assertProceeds(f.get("/page"));
    }
    assertThat(f.provider.refreshRequests.get()).as("refreshed meanwhile").isGreaterThan(5);
    assertThat(f.session.invalidations()).isZero();

    advance(600);
    assertThat(f.get("/page")).isInstanceOf(Outcome.Redirect.class);
    assertThat(f.login()).isNull();
  }

  @Test
  void idleTimeoutWhenRequestsComeOftenThenTheStoredRecordIsRewrittenOnlyWhenTheMarkMoved() {
    loggedIn("session-idle-timeout", "600");
    long loginAt = f.login().loginAtMillis();
    Object stored = f.session.attribute(SessionStore.ATTRIBUTE);
    for (int i = 0; i < 6; i++) {
      advance(10);
      assertProceeds(f.get("/page"));
    }
    assertThat(f.session.attribute(SessionStore.ATTRIBUTE))
        .as("60 s is not more than a tenth of the idle timeout: the record stays as it was")
        .isSameAs(stored);
    assertThat(f.login().seenAtMillis()).isEqualTo(loginAt);

    advance(1);
    assertProceeds(f.get("/page"));
    assertThat(f.session.attribute(SessionStore.ATTRIBUTE)).isNotSameAs(stored);
    assertThat(f.login().seenAtMillis()).isEqualTo(f.clock.millis());
    assertThat(f.login().loginAtMillis()).as("the login time stays").isEqualTo(loginAt);
  }

  @Test
  void maxLifetimeWhenActiveAndRefreshedThenEndsAnywayAndApiGets401WithTheReason() {
    loggedIn("session-max-lifetime", "3600", "session-idle-timeout", "600");
    long loginAt = f.login().loginAtMillis();
    for (int i = 0; i < 35; i++) {
      advance(100);
      assertProceeds(f.send(f.api("GET", "/page")));
    }
    assertThat(f.provider.refreshRequests.get()).as("refreshed meanwhile").isGreaterThan(10);
    assertThat(f.login().loginAtMillis()).as("kept across refreshes").isEqualTo(loginAt);
    advance(99);
    assertProceeds(f.send(f.api("GET", "/page")));
    advance(1);

    Outcome outcome = f.send(f.api("GET", "/page"));

    assertThat(outcome).isInstanceOf(Outcome.Challenge.class);
    Outcome.Challenge challenge = (Outcome.Challenge) outcome;
    assertThat(challenge.reason()).isEqualTo(Reason.SESSION_EXPIRED);
    assertThat(challenge.loginUrl()).isEqualTo("/oauth2/callback?return_to=%2Fpage");
    Responses.Response response = Responses.render(outcome);
    assertThat(response.status()).isEqualTo(401);
    assertThat(response.headers()).containsEntry("WWW-Authenticate", "Bearer");
    assertThat(response.body())
        .isEqualTo(
            "{\"error\":\"unauthorized\",\"error_description\":\"login required\","
                + "\"reason\":\"session.expired\",\"login_url\":\"/oauth2/callback?return_to=%2Fpage\"}");
    assertThat(f.login()).isNull();
    assertThat(f.session.invalidations()).isEqualTo(1);
    assertThat(f.engine.metrics().rejections(Reason.SESSION_EXPIRED)).isEqualTo(1);
    assertThat(f.engine.metrics().count(PortcullisMetrics.Counter.API_401)).isEqualTo(1);

    // the next API request is simply not logged in: no reason any more
    Outcome next = f.send(f.api("GET", "/page"));
    assertThat(((Outcome.Challenge) next).reason()).isNull();
  }

  @Test
  void idleTimeoutWhenApiRequestThen401SessionIdle() {
    loggedIn("session-idle-timeout", "600");
    advance(700);
    Outcome outcome = f.send(f.api("GET", "/page"));
    assertThat(outcome).isInstanceOf(Outcome.Challenge.class);
    assertThat(((Outcome.Challenge) outcome).reason()).isEqualTo(Reason.SESSION_IDLE);
    assertThat(Responses.render(outcome).body()).contains("\"reason\":\"session.idle\"");
  }

  @Test
  void maxLifetimeWhenBrowserThenLogsInAgainAndTheNewLoginCountsAfresh() {
    loggedIn("session-max-lifetime", "3600");
    advance(3600);
    assertLogsInAgainAndReturnsTo(f.get("/page"), "/page");
    advance(3599);
    assertProceeds(f.get("/page"));
  }

  @Test
  void maxLifetimeWhenStepUpThenCountedFromTheFirstLogin() {
    loggedIn("session-max-lifetime", "3600", "rules", "/admin/** read:reports\n/** authenticated");
    long loginAt = f.login().loginAtMillis();
    advance(1000);
    Outcome stepUp = f.get("/admin/x");
    assertThat(stepUp).isInstanceOf(Outcome.Redirect.class);
    f.callback(((Outcome.Redirect) stepUp).location());
    assertThat(f.login()).isNotNull();
    assertThat(f.login().loginAtMillis()).isEqualTo(loginAt);
    advance(2600);
    assertThat(f.get("/page")).isInstanceOf(Outcome.Redirect.class);
    assertThat(f.login()).isNull();
  }

  @Test
  void permitPathWhenLoginEndedThenAnonymousAndLoginGone() {
    loggedIn("session-idle-timeout", "600", "rules", "/public/** permit\n/** authenticated");
    advance(600);
    Outcome outcome = f.get("/public/x");
    assertThat(outcome).isSameAs(Outcome.Proceed.ANONYMOUS);
    assertThat(f.login()).isNull();
  }

  @Test
  void lifetimesWhenOffThenNothingEndsAndNothingIsRewritten() {
    loggedIn();
    assertThat(f.login().loginAtMillis()).as("always known").isEqualTo(f.clock.millis());
    assertThat(f.login().seenAtMillis()).as("not tracked without an idle timeout").isZero();
    Object stored = f.session.attribute(SessionStore.ATTRIBUTE);
    advance(200);
    assertProceeds(f.get("/page"));
    assertThat(f.session.attribute(SessionStore.ATTRIBUTE)).isSameAs(stored);
    for (int i = 0; i < 50; i++) {
      advance(1000);
      assertProceeds(f.get("/page"));
    }
  }

  @Test
  void loginStoredBeforeLifetimesWhenReadThenCountedFromTheFirstReadAndStamped() {
    loggedIn("session-max-lifetime", "3600", "session-idle-timeout", "600");
    // a login as a record of format 1 holds it: no login time, no last-activity mark
    LoginSession old = f.login().withTimes(0, 0);
    f.session = new InMemoryExchange.Session();
    InMemoryExchange first = f.browser("GET", "/page").session(f.session).loggedIn(old);
    advance(100);

    assertProceeds(f.send(first));

    assertThat(f.login().loginAtMillis()).isEqualTo(f.clock.millis());
    assertThat(f.login().seenAtMillis()).isEqualTo(f.clock.millis());
    for (int i = 0; i < 6; i++) {
      advance(590);
      assertProceeds(f.get("/page"));
    }
    advance(60);
    assertThat(f.get("/page")).isInstanceOf(Outcome.Redirect.class);
    assertThat(f.engine.metrics().rejections(Reason.SESSION_EXPIRED)).isEqualTo(1);
  }
}
