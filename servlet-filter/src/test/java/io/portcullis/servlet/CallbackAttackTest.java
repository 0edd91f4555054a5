package io.portcullis.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testsupport.Browser;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import no.nav.security.mock.oauth2.http.OAuth2HttpResponse;
import okhttp3.Headers;
import org.junit.jupiter.api.Test;

/**
 * THREATS group B: forged, missing, replayed, expired, cross-browser and duplicated callbacks,
 * provider errors and bad codes. Each must answer a clear 4xx (or 502), make no token request when
 * the state is bad, and leave the browser logged out.
 */
class CallbackAttackTest extends IntegrationTest {

  static void assertRejected(HttpResponse<String> r, int status, String reason) {
    assertThat(r.statusCode()).as("status for " + reason).isEqualTo(status);
    assertThat(r.body()).contains("Reason: " + reason);
    assertThat(r.headers().firstValue("Location")).as("no automatic retry").isEmpty();
    assertThat(r.headers().firstValue("Content-Type").orElse("").toLowerCase().replace(" ", ""))
        .isEqualTo("text/html;charset=utf-8");
    assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(r.body())
        .contains("Start again")
        .doesNotContain("Exception")
        .doesNotContain("at io.");
  }

  @Test
  void rejectedCallbackWhenLoggedThenOneWarnLineWithFingerprintOnly() {
    Browser browser = browser();
    String callback = callbackFor(browser, startLogin(browser, "/profile"));
    String state = Browser.param(callback, "state");
    int before = LeakCheck.LINES.size();
    browser.get(Browser.withParam(callback, "iss", "https://evil.example"));
    java.util.List<String> lines = LeakCheck.LINES.subList(before, LeakCheck.LINES.size());
    assertThat(lines)
        .anyMatch(
            l -> l.matches("WARNING oidc\\.login\\.rejected reason=iss\\.mismatch tx=[0-9a-f]{8}"));
    assertThat(lines)
        .noneMatch(l -> l.contains(state) || l.contains(Browser.param(callback, "code")));
  }

  @Test
  void callbackWhenStateMissingThenRejectedWithoutTokenRequest() {
    Browser browser = browser();
    String callback = callbackFor(browser, startLogin(browser, "/profile"));
    int before = provider.tokenRequests.get();
    assertRejected(browser.get(Browser.withParam(callback, "state", null)), 400, "state.missing");
    assertThat(provider.tokenRequests.get()).isEqualTo(before);
    assertNotLoggedIn(browser);
  }

  @Test
  void callbackWhenStateForgedThenRejectedWithoutTokenRequest() {
    Browser browser = browser();
    String callback = callbackFor(browser, startLogin(browser, "/profile"));
    int before = provider.tokenRequests.get();
    assertRejected(
        browser.get(Browser.withParam(callback, "state", "forged-" + "x".repeat(40))),
        400,
        "state.unknown");
    assertThat(provider.tokenRequests.get()).isEqualTo(before);
    assertNotLoggedIn(browser);
  }

  @Test
  void callbackWhenPreLoginCookieTamperedThenRejected() {
    Browser browser = browser();
    String callback = callbackFor(browser, startLogin(browser, "/profile"));
    String name = browser.cookiesStartingWith(TestApp.HOST, "PORTCULLIS_TX_");
    String value = browser.cookies(TestApp.HOST).get(name);
    char flipped = value.charAt(20) == 'A' ? 'B' : 'A';
    browser.cookies(TestApp.HOST).put(name, value.substring(0, 20) + flipped + value.substring(21));
    int before = provider.tokenRequests.get();
    assertRejected(browser.get(callback), 400, "state.unknown");
    assertThat(provider.tokenRequests.get()).isEqualTo(before);
    assertNotLoggedIn(browser);
  }

  @Test
  void callbackWhenReplayedThenRejectedAndNoSecondTokenRequest() {
    Browser browser = browser();
    String callback = callbackFor(browser, startLogin(browser, "/profile"));
    assertThat(browser.follow(browser.get(callback)).statusCode()).isEqualTo(200);
    int before = provider.tokenRequests.get();
    HttpResponse<String> replay = browser.get(callback);
    assertRejected(replay, 400, "state.used");
    assertThat(provider.tokenRequests.get()).isEqualTo(before);

    Browser attacker = browser();
    assertRejected(attacker.get(callback), 400, "state.used");
    assertNotLoggedIn(attacker);
  }

  @Test
  void callbackWhenLoadedInVictimBrowserThenRejected() {
    Browser attacker = browser();
    String attackersCallback = callbackFor(attacker, startLogin(attacker, "/profile"));
    Browser victim = browser();
    int before = provider.tokenRequests.get();
    assertRejected(victim.get(attackersCallback), 400, "state.unknown");
    assertThat(provider.tokenRequests.get()).isEqualTo(before);
    assertNotLoggedIn(victim);
  }

  @Test
  void callbackWhenExpiredThenRejected() {
    Browser browser = browser();
    String callback = callbackFor(browser, startLogin(browser, "/profile"));
    app.clock.advance(Duration.ofMinutes(11));
    int before = provider.tokenRequests.get();
    try {
      assertRejected(browser.get(callback), 400, "state.expired");
    } finally {
      app.clock.advance(Duration.ofMinutes(-11));
    }
    assertThat(provider.tokenRequests.get()).isEqualTo(before);
    assertNotLoggedIn(browser);
  }

  @Test
  void callbackWhenIssMismatchThenRejectedWithoutTokenRequest() {
    Browser browser = browser();
    String callback = callbackFor(browser, startLogin(browser, "/profile"));
    int before = provider.tokenRequests.get();
    assertRejected(
        browser.get(Browser.withParam(callback, "iss", "https://evil.example")),
        400,
        "iss.mismatch");
    assertThat(provider.tokenRequests.get()).isEqualTo(before);
    assertNotLoggedIn(browser);
  }

  @Test
  void callbackWhenIssMatchesThenAccepted() {
    Browser browser = browser();
    String callback = callbackFor(browser, startLogin(browser, "/profile"));
    assertThat(
            browser
                .follow(browser.get(Browser.withParam(callback, "iss", provider.issuer())))
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void callbackWhenParameterRepeatedThenRejectedWithoutTokenRequest() {
    Browser browser = browser();
    String callback = callbackFor(browser, startLogin(browser, "/profile"));
    int before = provider.tokenRequests.get();
    assertRejected(browser.get(callback + "&code=second"), 400, "duplicate_param");
    String state = Browser.param(callback, "state");
    assertRejected(browser.get(callback + "&state=" + Browser.enc(state)), 400, "duplicate_param");
    assertThat(provider.tokenRequests.get()).isEqualTo(before);
    assertNotLoggedIn(browser);
  }

  @Test
  void callbackWhenNeitherCodeNorErrorThenRejected() {
    Browser browser = browser();
    String callback = callbackFor(browser, startLogin(browser, "/profile"));
    assertRejected(browser.get(Browser.withParam(callback, "code", null)), 400, "code.missing");
    assertNotLoggedIn(browser);
  }

  /**
   * Found by HostileInputTest (seed -2837262246394049767, request #9646): a genuine state with
   * {@code code=+%20+} (only blanks) reached the token client, whose library refuses a blank code
   * with an exception: a 500 naming it.
   */
  @Test
  void callbackWhenCodeOnlyBlanksThenCodeMissingWithoutTokenRequest() {
    for (String blank : new String[] {"+%20+", "%20", "%09", "+"}) {
      Browser browser = browser();
      String callback = callbackFor(browser, startLogin(browser, "/profile"));
      int before = provider.tokenRequests.get();
      String url = Browser.withParam(callback, "code", null) + "&code=" + blank;
      assertRejected(browser.get(url), 400, "code.missing");
      assertThat(provider.tokenRequests.get()).as(blank).isEqualTo(before);
      assertNotLoggedIn(browser);
    }
  }

  @Test
  void callbackWhenBothCodeAndErrorThenRejected() {
    Browser browser = browser();
    String callback = callbackFor(browser, startLogin(browser, "/profile"));
    int before = provider.tokenRequests.get();
    assertRejected(
        browser.get(Browser.withParam(callback, "error", "access_denied")),
        400,
        "ambiguous_response");
    assertThat(provider.tokenRequests.get()).isEqualTo(before);
  }

  @Test
  void callbackWhenAccessDeniedThen403PageWithEscapedText() {
    Browser browser = browser();
    String denied =
        Browser.withParam(
            callbackWithError(browser, "access_denied"),
            "error_description",
            "<script>alert(1)</script>");
    int before = provider.tokenRequests.get();
    HttpResponse<String> r = browser.get(denied);
    assertRejected(r, 403, "provider.access_denied");
    assertThat(r.body()).contains("cancelled or refused").doesNotContain("<script>");
    assertThat(provider.tokenRequests.get()).isEqualTo(before);
    assertNotLoggedIn(browser);
  }

  @Test
  void callbackWhenErrorWithForgedStateThenStateRejected() {
    Browser browser = browser();
    assertRejected(
        browser.get(app.url("/oauth2/callback?error=access_denied&state=nope")),
        400,
        "state.unknown");
  }

  @Test
  void callbackWhenCodeIsBadThenRejectedByTokenEndpoint() {
    Browser browser = browser();
    String callback = callbackFor(browser, startLogin(browser, "/profile"));
    assertRejected(
        browser.get(Browser.withParam(callback, "code", "not-a-code")), 400, "token.invalid_grant");
    assertNotLoggedIn(browser);
  }

  @Test
  void callbackWhenCodeInjectedIntoOwnFlowThenPkceRefusesIt() {
    Browser victim = browser();
    String victimsCallback = callbackFor(victim, startLogin(victim, "/profile"));
    Browser attacker = browser();
    String attackersCallback = callbackFor(attacker, startLogin(attacker, "/profile"));
    String injected =
        Browser.withParam(attackersCallback, "code", Browser.param(victimsCallback, "code"));
    assertRejected(attacker.get(injected), 400, "token.invalid_grant");
    assertNotLoggedIn(attacker);
  }

  @Test
  void callbackWhenNoStateAndNothingElseThenNoLoop() {
    Browser browser = browser();
    assertRejected(browser.get(app.url("/oauth2/callback")), 400, "state.missing");
    assertThat(browser.cookies(TestApp.HOST)).isEmpty();
  }

  @Test
  void callbackWhenTokenEndpointFailsThen502AndNotLoggedIn() {
    Browser browser = browser();
    String callback = callbackFor(browser, startLogin(browser, "/profile"));
    provider.overrideTokenEndpoint(
        req -> new OAuth2HttpResponse(Headers.of("Content-Type", "text/plain"), 503, "down", null));
    try {
      assertRejected(browser.get(callback), 502, "token.unavailable");
    } finally {
      provider.overrideTokenEndpoint(null);
    }
    assertNotLoggedIn(browser);
    HttpResponse<String> retry = browser.get(callback);
    assertThat(retry.statusCode()).as("no retry with the same code").isEqualTo(400);
  }

  @Test
  void callbackWhenTokenResponseIsNotJsonThenRejected() {
    Browser browser = browser();
    String callback = callbackFor(browser, startLogin(browser, "/profile"));
    provider.overrideTokenEndpoint(
        req ->
            new OAuth2HttpResponse(Headers.of("Content-Type", "text/html"), 200, "<html>", null));
    try {
      assertRejected(browser.get(callback), 400, "token.invalid_response");
    } finally {
      provider.overrideTokenEndpoint(null);
    }
    assertNotLoggedIn(browser);
  }

  @Test
  void callbackWhenTokenTypeIsNotBearerThenRejected() {
    Browser browser = browser();
    String callback = callbackFor(browser, startLogin(browser, "/profile"));
    provider.tamperNextTokenResponse(
        json -> {
          json.put("token_type", "mac");
          return json;
        });
    assertRejected(browser.get(callback), 400, "token.invalid_response");
    assertNotLoggedIn(browser);
  }

  @Test
  void callbackWhenTokenTypeLowerCaseBearerThenAccepted() {
    Browser browser = browser();
    String callback = callbackFor(browser, startLogin(browser, "/profile"));
    provider.tamperNextTokenResponse(
        json -> {
          json.put("token_type", "bEaReR");
          return json;
        });
    assertThat(browser.follow(browser.get(callback)).statusCode()).isEqualTo(200);
  }

  @Test
  void twoTabsWhenLoggingInAtOnceThenBothSucceed() {
    Browser browser = browser();
    String callbackA = callbackFor(browser, startLogin(browser, "/tab-a"));
    String callbackB = callbackFor(browser, startLogin(browser, "/tab-b"));
    assertThat(browser.cookiesStartingWith(TestApp.HOST, "PORTCULLIS_TX_").split(" ")).hasSize(2);
    HttpResponse<String> b = browser.get(callbackB);
    assertThat(Browser.location(b)).isEqualTo("/app/tab-b");
    HttpResponse<String> a = browser.get(callbackA);
    assertThat(Browser.location(a)).isEqualTo("/app/tab-a");
    assertThat(browser.follow(a).statusCode()).isEqualTo(200);
    assertLoggedInAs(browser, "alice");
    assertThat(browser.cookiesStartingWith(TestApp.HOST, "PORTCULLIS_TX_")).isEmpty();
  }

  @Test
  void pendingLoginsWhenMoreThanEightThenOldestDropped() {
    Browser browser = browser();
    List<String> callbacks = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      callbacks.add(callbackFor(browser, startLogin(browser, "/tab-" + i)));
      app.clock.advance(Duration.ofMillis(5));
    }
    assertThat(browser.cookiesStartingWith(TestApp.HOST, "PORTCULLIS_TX_").split(" ")).hasSize(8);
    assertRejected(browser.get(callbacks.get(0)), 400, "state.unknown");
    assertThat(Browser.location(browser.get(callbacks.get(9)))).isEqualTo("/app/tab-9");
  }

  @Test
  void sameCallbackWhenDeliveredTwiceConcurrentlyThenOneTokenRequest() throws Exception {
    for (int round = 0; round < 5; round++) {
      Browser browser = browser();
      String callback = callbackFor(browser, startLogin(browser, "/profile"));
      int before = provider.tokenRequests.get();
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        Callable<HttpResponse<String>> deliver = () -> browser.get(callback);
        Future<HttpResponse<String>> one = pool.submit(deliver);
        Future<HttpResponse<String>> two = pool.submit(deliver);
        int s1 = one.get().statusCode();
        int s2 = two.get().statusCode();
        assertThat(provider.tokenRequests.get() - before).isEqualTo(1);
        assertThat(List.of(s1, s2)).contains(302);
      } finally {
        pool.shutdown();
      }
    }
  }

  @Test
  void callbackWhenApiClientThenJsonLoginFailed() {
    Browser browser = browser();
    String callback = callbackFor(browser, startLogin(browser, "/profile"));
    HttpResponse<String> r =
        browser.get(
            Browser.withParam(callback, "state", "nope"), Map.of("Accept", "application/json"));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).startsWith("{\"error\":\"login_failed\",\"reason\":\"state.unknown\"");
  }
}
