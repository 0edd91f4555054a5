package io.portcullis.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testsupport.Browser;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * One real provider and one Jetty with the filter per test class; every browser a test opens is
 * checked for leaked tokens, codes and secrets at the end.
 */
abstract class IntegrationTest {
  static TestProvider provider;
  static TestApp app;
  static final List<Browser> BROWSERS = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startServers() throws Exception {
    LeakCheck.install();
    provider = new TestProvider();
    app = new TestApp(provider);
  }

  @AfterAll
  static void stopServers() throws Exception {
    try {
      LeakCheck.assertNoLeaks(provider.secretsIssued(), BROWSERS, app.url(""));
    } finally {
      BROWSERS.clear();
      app.close();
      provider.close();
    }
  }

  /** How far the running test moved the provider's clock; moved back after it. */
  private Duration moved = Duration.ZERO;

  /** Moves the provider's clock, which the apps share, by {@code d} for the running test. */
  void advance(Duration d) {
    provider.clock.advance(d);
    moved = moved.plus(d);
  }

  @AfterEach
  void moveClockBack() {
    provider.clock.advance(moved.negated());
    moved = Duration.ZERO;
  }

  static Browser browser() {
    Browser b = new Browser();
    BROWSERS.add(b);
    return b;
  }

  /** Opens {@code path}, which must redirect to the provider; returns the authorization URL. */
  static String startLogin(Browser browser, String path) {
    HttpResponse<String> r = browser.get(app.url(path));
    assertThat(r.statusCode()).as("login start for " + path).isEqualTo(302);
    String location = Browser.location(r);
    assertThat(location).startsWith(provider.issuer() + "/authorize");
    return location;
  }

  /** Sends the browser to the provider and returns the callback URL it redirects back to. */
  static String callbackFor(Browser browser, String authorizeUrl) {
    HttpResponse<String> r = browser.get(authorizeUrl);
    assertThat(r.statusCode()).as("provider authorize").isEqualTo(302);
    String callback = Browser.location(r);
    assertThat(callback).startsWith(app.url("/oauth2/callback"));
    return callback;
  }

  /**
   * Starts a login at {@code /profile} and returns the provider's callback with {@code error} in
   * place of the code: the provider refused the sign-in.
   */
  static String callbackWithError(Browser browser, String error) {
    String callback = callbackFor(browser, startLogin(browser, "/profile"));
    return Browser.withParam(Browser.withParam(callback, "code", null), "error", error);
  }

  /** Logs in through {@code path} and returns the final page. */
  static HttpResponse<String> login(Browser browser, String path) {
    return browser.follow(browser.get(app.url(path)));
  }

  static void assertNotLoggedIn(Browser browser) {
    HttpResponse<String> r =
        browser.get(app.url("/api/data"), Map.of("Accept", "application/json"));
    assertThat(r.statusCode()).as("not logged in").isEqualTo(401);
  }

  static void assertLoggedInAs(Browser browser, String user) {
    HttpResponse<String> r = browser.get(app.url("/whoami"), Map.of("Accept", "application/json"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"remoteUser\":\"" + user + "\"");
  }
}
