package io.portcullis.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testsupport.Browser;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 5 "Hostile input", limits, each bounded:
 *
 * <ul>
 *   <li>pending logins per browser: at most 8
 *       (CallbackAttackTest#pendingLoginsWhenMoreThanEightThenOldestDropped), together at most 4 KB
 *       of cookies whatever URLs started them (PreLoginCookieBudgetTest);
 *   <li>size of accepted callback parameters: {@code state} 512, {@code code} 4096, {@code iss}
 *       2048, {@code error}/{@code error_description} 1024 characters, else 400 {@code
 *       param.too_long} before any other work and without a token request;
 *   <li>{@code PORTCULLIS_TX_*} cookies: a login start opens at most 16 of them and deletes the
 *       unreadable ones, and deletes at most 16 more unread, so 100 garbage cookies or one 8 KB
 *       cookie still give a normal login redirect with at most 33 {@code Set-Cookie} headers.
 * </ul>
 *
 * Jetty's own request header limit (8 KB, answered 431) is raised to 64 KB for this class so the
 * oversized cookies reach the filter. The limits live in core, so the Jetty pass covers them; on
 * Tomcat its own header limit answers first.
 */
class InputLimitsTest extends IntegrationTest {

  @BeforeAll
  static void raiseHeaderLimit() {
    org.junit.jupiter.api.Assumptions.assumeFalse(
        TestApp.onTomcat(), "Jetty pass only: Tomcat's own header limit answers first");
    app.raiseJettyRequestHeaderLimit(64 * 1024);
  }

  static Stream<Arguments> overLong() {
    return Stream.of(
        Arguments.of("state", 512),
        Arguments.of("code", 4096),
        Arguments.of("iss", 2048),
        Arguments.of("error", 1024),
        Arguments.of("error_description", 1024));
  }

  @ParameterizedTest(name = "{0} longer than {1}")
  @MethodSource("overLong")
  void callbackWhenParameterTooLongThen400BeforeAnyWork(String name, int max) {
    Browser browser = browser();
    String callback = callbackFor(browser, startLogin(browser, "/profile"));
    int before = provider.tokenRequests.get();
    HttpResponse<String> r = browser.get(Browser.withParam(callback, name, "a".repeat(max + 1)));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("Reason: param.too_long").doesNotContain("aaaaaaaa");
    assertThat(r.headers().firstValue("Location")).isEmpty();
    assertThat(r.headers().allValues("Set-Cookie"))
        .as("the pending login is not even looked at")
        .isEmpty();
    assertThat(provider.tokenRequests.get()).isEqualTo(before);
    assertNotLoggedIn(browser);
    // Nothing was consumed: the genuine response still completes the login.
    assertThat(Browser.location(browser.get(callback))).isEqualTo("/app/profile");
    assertLoggedInAs(browser, "alice");
  }

  @Test
  void callbackWhenParametersAtTheLimitThenHandledAsUsual() {
    Browser browser = browser();
    String callback = callbackFor(browser, startLogin(browser, "/profile"));
    int before = provider.tokenRequests.get();
    HttpResponse<String> r = browser.get(Browser.withParam(callback, "code", "c".repeat(4096)));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("Reason: token.invalid_grant");
    assertThat(provider.tokenRequests.get()).isEqualTo(before + 1);

    Browser other = browser();
    HttpResponse<String> s = other.get(app.url("/oauth2/callback?code=x&state=" + "s".repeat(512)));
    assertThat(s.body()).contains("Reason: state.unknown");
  }

  @Test
  void formPostCallbackWhenCodeTooLongThen400WithoutTokenRequest() throws Exception {
    try (TestApp formPost = new TestApp(provider, Map.of("response-mode", "form_post"))) {
      Browser browser = browser();
      int before = provider.tokenRequests.get();
      HttpResponse<String> r =
          browser.post(
              formPost.url("/oauth2/callback"),
              Map.of("state", "s".repeat(43), "code", "c".repeat(100_000)));
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.body()).contains("Reason: param.too_long");
      assertThat(provider.tokenRequests.get()).isEqualTo(before);
    }
  }

  @Test
  void callbackWhenTooLongAndApiThenJson() {
    Browser browser = browser();
    HttpResponse<String> r =
        browser.get(
            app.url("/oauth2/callback?state=x&code=" + "c".repeat(5000)),
            Map.of("Accept", "application/json"));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).startsWith("{\"error\":\"login_failed\",\"reason\":\"param.too_long\"");
  }

  @Test
  void callbackWhenRepeatedTooLongValueThenTooLong() {
    Browser browser = browser();
    HttpResponse<String> r =
        browser.get(app.url("/oauth2/callback?state=x&state=" + "s".repeat(600)));
    assertThat(r.body()).contains("Reason: param.too_long");
  }

  private static String garbageCookies(int count, long seed) {
    Random random = new Random(seed);
    StringBuilder sb = new StringBuilder();
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (int i = 0; i < count; i++) {
      StringBuilder value = new StringBuilder();
      for (int j = 0, n = 40 + random.nextInt(120); j < n; j++) {
        value.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      sb.append(sb.length() == 0 ? "" : "; ")
          .append("PORTCULLIS_TX_g")
          .append(i)
          .append('=')
          .append(value);
    }
    return sb.toString();
  }

  private static long deletions(HttpResponse<String> r) {
    return r.headers().allValues("Set-Cookie").stream()
        .filter(c -> c.contains("Max-Age=0"))
        .count();
  }

  @Test
  void loginStartWhenHundredGarbageStateCookiesThenNormalRedirectAndBoundedSetCookies() {
    Browser browser = browser();
    HttpResponse<String> r =
        browser.get(app.url("/profile"), Map.of("Cookie", garbageCookies(100, 42)));
    assertThat(r.statusCode()).isEqualTo(302);
    assertThat(Browser.location(r)).startsWith(provider.issuer() + "/authorize");
    List<String> setCookies = r.headers().allValues("Set-Cookie");
    // The first 16 are read (and, unreadable, deleted); of the other 84, 16 are deleted unread.
    assertThat(deletions(r)).isEqualTo(32);
    // A browser that keeps sending them converges: 100 → 68 → 36 → 4 garbage cookies.
    assertThat(setCookies).hasSize(33);
    assertThat(setCookies.stream().filter(c -> !c.contains("Max-Age=0"))).hasSize(1);
  }

  @Test
  void loginStartWhenOneHugeStateCookieThenNormalRedirectAndCookieDeleted() {
    Browser browser = browser();
    String huge = "PORTCULLIS_TX_big=" + "A".repeat(8 * 1024);
    HttpResponse<String> r = browser.get(app.url("/profile"), Map.of("Cookie", huge));
    assertThat(r.statusCode()).isEqualTo(302);
    assertThat(Browser.location(r)).startsWith(provider.issuer() + "/authorize");
    assertThat(r.headers().allValues("Set-Cookie"))
        .hasSize(2)
        .anyMatch(c -> c.startsWith("PORTCULLIS_TX_big=;") && c.contains("Max-Age=0"));
  }

  @Test
  void callbackWhenHundredGarbageStateCookiesBesideTheRealOneThenLoginWorks() {
    Browser browser = browser();
    String callback = callbackFor(browser, startLogin(browser, "/profile"));
    String cookies = garbageCookies(100, 7) + "; " + browser.cookieHeader(TestApp.HOST);
    HttpResponse<String> r = browser.get(callback, Map.of("Cookie", cookies));
    assertThat(Browser.location(r)).isEqualTo("/app/profile");
    assertThat(r.headers().allValues("Set-Cookie").size()).isLessThanOrEqualTo(2);
    assertLoggedInAs(browser, "alice");
  }

  @Test
  void loginStartWhenManyGenuinePendingLoginsThenAtMostEightKept() {
    // Twenty genuine pending logins (from twenty browsers) merged into one request.
    StringBuilder cookies = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      Browser b = browser();
      startLogin(b, "/tab-" + i);
      app.clock.advance(java.time.Duration.ofMillis(5));
      cookies.append(cookies.length() == 0 ? "" : "; ").append(b.cookieHeader(TestApp.HOST));
    }
    Browser browser = browser();
    HttpResponse<String> r = browser.get(app.url("/profile"), Map.of("Cookie", cookies.toString()));
    assertThat(r.statusCode()).isEqualTo(302);
    // Of the first 16 read, all valid, the 9 oldest go; the 4 beyond those are deleted unread:
    // 7 stay beside the new one.
    assertThat(deletions(r)).isEqualTo(13);
    assertThat(r.headers().allValues("Set-Cookie")).hasSize(14);
    browser.cookies(TestApp.HOST).clear();
    for (String part : cookies.toString().split("; ")) {
      String[] nv = part.split("=", 2);
      browser.cookies(TestApp.HOST).put(nv[0], nv[1]);
    }
    r.headers().allValues("Set-Cookie").forEach(c -> browser.store(TestApp.HOST, c));
    assertThat(browser.cookiesStartingWith(TestApp.HOST, "PORTCULLIS_TX_").split(" ")).hasSize(8);
  }

  /** Found by HostileInputTest: a long first URL made a state cookie larger than browsers keep. */
  @Test
  void loginStartWhenTargetVeryLongThenStateCookieFitsBrowsersAndLandsOnRoot() {
    Browser browser = browser();
    String longPath = "/deep/" + "segment/".repeat(800); // 6,406 characters
    HttpResponse<String> r = browser.get(app.url(longPath));
    assertThat(r.statusCode()).isEqualTo(302);
    String setCookie =
        r.headers().allValues("Set-Cookie").stream()
            .filter(c -> c.startsWith("PORTCULLIS_TX_"))
            .findFirst()
            .orElseThrow();
    assertThat(setCookie.substring(0, setCookie.indexOf(';')).length()).isLessThanOrEqualTo(4096);
    String callback = callbackFor(browser, Browser.location(r));
    assertThat(Browser.location(browser.get(callback))).isEqualTo("/app/");
  }

  @Test
  void loginStartWhenPathAndQueryLongThenQueryDropped() {
    Browser browser = browser();
    String path = "/reports/" + "y".repeat(100);
    HttpResponse<String> r = browser.get(app.url(path + "?q=" + "x".repeat(2000)));
    assertThat(r.statusCode()).isEqualTo(302);
    String callback = callbackFor(browser, Browser.location(r));
    assertThat(Browser.location(browser.get(callback))).isEqualTo("/app" + path);
  }
}
