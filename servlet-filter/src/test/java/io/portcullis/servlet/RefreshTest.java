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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Transparent refresh (THREATS group F) against a real provider that rotates refresh tokens and
 * refuses a used one: single-flight under concurrency, and each failure outcome.
 */
class RefreshTest extends IntegrationTest {
  /** Tokens live an hour; 59:30 later the access token is due (refresh-before 60 s) but valid. */
  static final Duration DUE = Duration.ofSeconds(3600 - 30);

  static final Duration EXPIRED = Duration.ofSeconds(3600 + 120);

  @AfterEach
  void resetProvider() {
    provider.overrideTokenEndpoint(null);
    provider.rotateRefreshTokens(true);
    provider.delayRefresh(0);
  }

  private static String tokenHash(Browser browser) {
    HttpResponse<String> r = browser.get(app.url("/whoami"), Map.of("Accept", "application/json"));
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body().replaceAll(".*\"tokenHash\":\"([0-9a-f]+)\".*", "$1");
  }

  @Test
  void concurrentRequestsWhenTokenDueThenOneRefreshAndAllServed() throws Exception {
    Browser browser = browser();
    login(browser, "/profile");
    String before = tokenHash(browser);
    advance(DUE);
    int refreshesBefore = provider.refreshRequests.get();
    ExecutorService pool = Executors.newFixedThreadPool(200);
    List<Future<HttpResponse<String>>> results = new ArrayList<>();
    try {
      Callable<HttpResponse<String>> call =
          () -> browser.get(app.url("/api/data"), Map.of("Accept", "application/json"));
      for (int i = 0; i < 200; i++) {
        results.add(pool.submit(call));
      }
      for (Future<HttpResponse<String>> f : results) {
        assertThat(f.get().statusCode()).isEqualTo(200);
      }
    } finally {
      pool.shutdown();
    }
    assertThat(provider.refreshRequests.get() - refreshesBefore).isEqualTo(1);
    String after = tokenHash(browser);
    assertThat(after).isNotEqualTo(before);
    for (HttpResponse<String> r :
        results.stream()
            .map(
                f -> {
                  try {
                    return f.get();
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                })
            .toList()) {
      assertThat(r.body()).contains("\"tokenHash\":\"" + after + "\"");
    }
    // The session holds the rotated refresh token: the next refresh presents it, and works.
    String rotated =
        provider.refreshTokensPresented.get(provider.refreshTokensPresented.size() - 1);
    advance(DUE);
    assertThat(tokenHash(browser)).isNotEqualTo(after);
    String presented =
        provider.refreshTokensPresented.get(provider.refreshTokensPresented.size() - 1);
    assertThat(presented).isNotEqualTo(rotated);
  }

  @Test
  void refreshWhenProviderReturnsNoRefreshTokenThenOldOneKept() {
    provider.rotateRefreshTokens(false);
    Browser browser = browser();
    login(browser, "/profile");
    advance(DUE);
    tokenHash(browser);
    String first = provider.refreshTokensPresented.get(provider.refreshTokensPresented.size() - 1);
    advance(DUE);
    tokenHash(browser);
    String second = provider.refreshTokensPresented.get(provider.refreshTokensPresented.size() - 1);
    assertThat(second).isEqualTo(first);
  }

  @Test
  void refreshWhenInvalidGrantThenBrowserLogsInAgainAndApiGets401() {
    Browser browser = browser();
    login(browser, "/profile");
    provider.revokeRefreshTokens();
    advance(DUE);
    HttpResponse<String> page = browser.get(app.url("/profile"));
    assertThat(page.statusCode()).isEqualTo(302);
    assertThat(Browser.location(page)).startsWith(provider.issuer() + "/authorize");
    assertNotLoggedIn(browser);

    Browser api = browser();
    login(api, "/profile");
    provider.revokeRefreshTokens();
    advance(DUE);
    HttpResponse<String> r = api.get(app.url("/api/data"), Map.of("Accept", "application/json"));
    assertThat(r.statusCode()).isEqualTo(401);
    int refreshes = provider.refreshRequests.get();
    assertThat(api.get(app.url("/api/data"), Map.of("Accept", "application/json")).statusCode())
        .isEqualTo(401);
    assertThat(provider.refreshRequests.get())
        .as("no loop after invalid_grant")
        .isEqualTo(refreshes);
  }

  @Test
  void refreshWhenProviderFailsAndTokenStillValidThenServedAndRetriedLater() {
    Browser browser = browser();
    login(browser, "/profile");
    String before = tokenHash(browser);
    provider.overrideTokenEndpoint(
        req -> new OAuth2HttpResponse(Headers.of("Content-Type", "text/plain"), 503, "down", null));
    advance(DUE);
    assertThat(tokenHash(browser)).isEqualTo(before);
    int calls = provider.tokenRequests.get();
    assertThat(tokenHash(browser)).isEqualTo(before);
    assertThat(provider.tokenRequests.get()).as("backing off").isEqualTo(calls);
    provider.overrideTokenEndpoint(null);
    advance(Duration.ofSeconds(31));
    assertThat(tokenHash(browser)).as("retried after the back-off").isNotEqualTo(before);
  }

  @Test
  void refreshWhenProviderFailsAndTokenExpiredThen503WithRetryAfter() {
    Browser browser = browser();
    login(browser, "/profile");
    provider.overrideTokenEndpoint(
        req -> new OAuth2HttpResponse(Headers.of("Content-Type", "text/plain"), 503, "down", null));
    advance(EXPIRED);
    HttpResponse<String> page = browser.get(app.url("/profile"));
    assertThat(page.statusCode()).isEqualTo(503);
    assertThat(page.headers().firstValue("Retry-After")).isPresent();
    HttpResponse<String> api =
        browser.get(app.url("/api/data"), Map.of("Accept", "application/json"));
    assertThat(api.statusCode()).isEqualTo(503);
    assertThat(api.body()).contains("temporarily_unavailable");
    assertThat(browser.get(app.url("/health")).statusCode())
        .as("public paths unaffected")
        .isEqualTo(200);
  }

  @Test
  void refreshWhenProviderSlowerThanTimeoutThen503() throws Exception {
    try (TestApp fast = new TestApp(provider, Map.of("http-timeout", "1"))) {
      Browser browser = browser();
      browser.open(fast.url("/profile"));
      provider.delayRefresh(3000);
      advance(EXPIRED);
      long start = System.nanoTime();
      HttpResponse<String> r =
          browser.get(fast.url("/api/data"), Map.of("Accept", "application/json"));
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(millis).isLessThan(2900);
    }
  }

  @Test
  void refreshWhenProviderPortClosedThen503() throws Exception {
    TestProvider doomed = new TestProvider();
    try (TestApp other = new TestApp(doomed, Map.of("http-timeout", "1"))) {
      Browser browser = browser();
      assertThat(browser.open(other.url("/profile")).statusCode()).isEqualTo(200);
      doomed.close();
      other.clock.advance(EXPIRED);
      assertThat(
              browser
                  .get(other.url("/api/data"), Map.of("Accept", "application/json"))
                  .statusCode())
          .isEqualTo(503);
      assertThat(browser.get(other.url("/health")).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void expiryWhenNoRefreshTokenThenBrowserThroughAuthorizationAndApi401() {
    provider.tamperNextTokenResponse(
        json -> {
          json.remove("refresh_token");
          return json;
        });
    Browser browser = browser();
    login(browser, "/profile");
    int refreshes = provider.refreshRequests.get();
    advance(EXPIRED);
    assertThat(browser.get(app.url("/api/data"), Map.of("Accept", "application/json")).statusCode())
        .isEqualTo(401);
    HttpResponse<String> page = browser.get(app.url("/profile"));
    assertThat(page.statusCode()).isEqualTo(302);
    assertThat(Browser.location(page)).startsWith(provider.issuer() + "/authorize");
    assertThat(provider.refreshRequests.get()).isEqualTo(refreshes);
    assertThat(browser.follow(page).statusCode())
        .as("back at once while the provider session lives")
        .isEqualTo(200);
  }

  @Test
  void refreshWhenNewIdTokenNamesAnotherSubjectThenSessionEnded() {
    Browser browser = browser();
    login(browser, "/profile");
    provider.tamperNextIdToken(b -> b.subject("mallory"), TestProvider.Signing.PROVIDER_KEY);
    advance(DUE);
    assertNotLoggedIn(browser);
  }

  @Test
  void refreshWhenNewIdTokenBadlySignedThenSessionEnded() {
    Browser browser = browser();
    login(browser, "/profile");
    provider.tamperNextIdToken(b -> b, TestProvider.Signing.NONE);
    advance(DUE);
    assertNotLoggedIn(browser);
  }

  /** THREATS F-06: auth_time stays the time of the original authentication (OIDC Core §12.2). */
  @Test
  void refreshWhenNewIdTokenChangesAuthTimeThenSessionEnded() {
    provider.tamperNextIdToken(
        b -> b.claim("auth_time", 1_700_000_000L), TestProvider.Signing.PROVIDER_KEY);
    Browser browser = browser();
    login(browser, "/profile");
    provider.tamperNextIdToken(
        b -> b.claim("auth_time", 1_700_000_999L), TestProvider.Signing.PROVIDER_KEY);
    advance(DUE);
    assertNotLoggedIn(browser);
  }

  /**
   * The same tampering path with auth_time kept: served, so the test above fails for the right
   * reason.
   */
  @Test
  void refreshWhenNewIdTokenKeepsAuthTimeThenServed() {
    provider.tamperNextIdToken(
        b -> b.claim("auth_time", 1_700_000_000L), TestProvider.Signing.PROVIDER_KEY);
    Browser browser = browser();
    login(browser, "/profile");
    String before = tokenHash(browser);
    provider.tamperNextIdToken(
        b -> b.claim("auth_time", 1_700_000_000L), TestProvider.Signing.PROVIDER_KEY);
    advance(DUE);
    assertThat(tokenHash(browser)).isNotEqualTo(before);
  }

  /** THREATS F-06: a nonce on refresh is optional, but when present it must be the original one. */
  @Test
  void refreshWhenNewIdTokenCarriesAnotherNonceThenSessionEnded() {
    Browser browser = browser();
    login(browser, "/profile");
    provider.tamperNextIdToken(
        b -> b.claim("nonce", "a-nonce-this-client-never-sent"), TestProvider.Signing.PROVIDER_KEY);
    advance(DUE);
    assertNotLoggedIn(browser);
  }

  @Test
  void refreshWhenNewIdTokenHasNoNonceThenServed() {
    Browser browser = browser();
    login(browser, "/profile");
    String before = tokenHash(browser);
    provider.tamperNextIdToken(b -> b.claim("nonce", null), TestProvider.Signing.PROVIDER_KEY);
    advance(DUE);
    assertThat(tokenHash(browser)).isNotEqualTo(before);
  }

  @Test
  void expiresInWhenMissingThenConservativeFiveMinutes() {
    provider.tamperNextTokenResponse(
        json -> {
          json.remove("expires_in");
          return json;
        });
    Browser browser = browser();
    login(browser, "/profile");
    String before = tokenHash(browser);
    advance(Duration.ofSeconds(200));
    assertThat(tokenHash(browser)).as("not due yet").isEqualTo(before);
    advance(Duration.ofSeconds(50)); // 250 s: within refresh-before of the 300 s default
    assertThat(tokenHash(browser)).isNotEqualTo(before);
  }

  @Test
  void expiresInWhenNegativeOrNotNumericThenTreatedAsExpired() {
    for (Object bad : new Object[] {-5, "soon"}) {
      provider.tamperNextTokenResponse(
          json -> {
            json.put("expires_in", bad);
            return json;
          });
      Browser browser = browser();
      int refreshes = provider.refreshRequests.get();
      assertThat(login(browser, "/profile").statusCode()).isEqualTo(200);
      tokenHash(browser);
      assertThat(provider.refreshRequests.get() - refreshes)
          .as("refreshed at once for " + bad)
          .isEqualTo(1);
    }
  }

  @Test
  void expiresInWhenHugeThenCappedAtOneDay() {
    provider.tamperNextTokenResponse(
        json -> {
          json.put("expires_in", 10L * 365 * 24 * 3600);
          return json;
        });
    Browser browser = browser();
    login(browser, "/profile");
    String before = tokenHash(browser);
    advance(Duration.ofHours(24).minusSeconds(30));
    assertThat(tokenHash(browser)).isNotEqualTo(before);
  }

  @Test
  void refreshWhenLogoutHappensMeanwhileThenNoResurrection() throws Exception {
    Browser browser = browser();
    login(browser, "/profile");
    String csrf =
        browser
            .get(app.url("/logout"))
            .body()
            .replaceAll("(?s).*name=\"csrf\" value=\"([^\"]+)\".*", "$1");
    advance(DUE);
    provider.delayRefresh(800);
    java.util.concurrent.CompletableFuture<HttpResponse<String>> inFlight =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> browser.get(app.url("/api/data"), Map.of("Accept", "application/json")));
    Thread.sleep(300);
    HttpResponse<String> out = browser.post(app.url("/logout"), Map.of("csrf", csrf));
    assertThat(out.statusCode()).isEqualTo(302);
    inFlight.get();
    assertNotLoggedIn(browser);
    assertThat(browser.get(app.url("/profile")).statusCode()).isEqualTo(302);
  }

  @Test
  void refreshWhenDoneThenSessionIdUnchanged() {
    Browser browser = browser();
    login(browser, "/profile");
    String id = browser.cookies(TestApp.HOST).get("JSESSIONID");
    String before = tokenHash(browser);
    advance(DUE);
    assertThat(tokenHash(browser)).isNotEqualTo(before);
    assertThat(browser.cookies(TestApp.HOST).get("JSESSIONID")).isEqualTo(id);
  }
}
