package io.portcullis.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testsupport.Browser;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * THREATS group E and logout: fixation, identity switch, cookie hygiene, logout that really ends.
 */
class SessionSecurityTest extends IntegrationTest {

  private static String sessionIdOf(Browser browser) {
    return browser.cookies(TestApp.HOST).get("JSESSIONID");
  }

  @Test
  void loginWhenSessionExistedThenSessionIdChanges() {
    Browser browser = browser();
    String authorize = startLogin(browser, "/profile");
    // An anonymous session planted before login (here: created by the app on a public page).
    browser.get(app.url("/health?session=1"));
    HttpResponse<String> created = browser.get(app.url("/oauth2/callback?return_to=%2Fx"));
    assertThat(created.statusCode()).isEqualTo(302);
    String before = sessionIdOf(browser);
    String callback = callbackFor(browser, authorize);
    browser.follow(browser.get(callback));
    String after = sessionIdOf(browser);
    assertThat(after).isNotNull();
    assertThat(after).isNotEqualTo(before);
    if (before != null) {
      Browser attacker = browser();
      attacker.cookies(TestApp.HOST).put("JSESSIONID", before);
      assertNotLoggedIn(attacker);
    }
    assertLoggedInAs(browser, "alice");
  }

  @Test
  void plantedSessionCookieWhenLoginThenNotAdopted() {
    Browser browser = browser();
    browser.cookies(TestApp.HOST).put("JSESSIONID", "attacker-chosen-id");
    login(browser, "/profile");
    assertThat(sessionIdOf(browser)).isNotEqualTo("attacker-chosen-id");
    Browser attacker = browser();
    attacker.cookies(TestApp.HOST).put("JSESSIONID", "attacker-chosen-id");
    assertNotLoggedIn(attacker);
  }

  @Test
  void urlSessionIdWhenGivenThenNeverBindsSession() {
    Browser victim = browser();
    login(victim, "/profile");
    String id = sessionIdOf(victim);
    String raw =
        RawHttp.send(
            app.url(""), "GET", "/app/api/data;jsessionid=" + id, "Accept: application/json");
    assertThat(RawHttp.status(raw)).isEqualTo(401);
  }

  @Test
  void newLoginWhenAnotherUserThenPreviousSessionDiscarded() {
    Browser browser = browser();
    login(browser, "/profile");
    String first = sessionIdOf(browser);
    provider.subject("bob");
    try {
      HttpResponse<String> relogin = browser.open(app.url("/oauth2/callback?return_to=%2Fwhoami"));
      assertThat(relogin.body()).contains("\"remoteUser\":\"bob\"");
    } finally {
      provider.subject("alice");
    }
    assertThat(sessionIdOf(browser)).isNotEqualTo(first);
    Browser old = browser();
    old.cookies(TestApp.HOST).put("JSESSIONID", first);
    assertNotLoggedIn(old);
  }

  @Test
  void logoutWhenConfirmedThenSessionEndsAndProviderLogoutStarts() {
    Browser browser = browser();
    login(browser, "/profile");
    String sessionId = sessionIdOf(browser);
    HttpResponse<String> form = browser.get(app.url("/logout"));
    assertThat(form.statusCode()).isEqualTo(200);
    assertThat(form.body()).contains("<form method=\"post\"", "name=\"csrf\"");
    assertThat(form.headers().firstValue("X-Frame-Options")).hasValue("DENY");
    String csrf = form.body().replaceAll("(?s).*name=\"csrf\" value=\"([^\"]+)\".*", "$1");
    HttpResponse<String> out = browser.post(app.url("/logout"), Map.of("csrf", csrf));
    assertThat(out.statusCode()).isEqualTo(302);
    String location = Browser.location(out);
    assertThat(location).startsWith(provider.issuer() + "/endsession?");
    assertThat(Browser.param(location, "id_token_hint")).startsWith("eyJ");
    assertThat(Browser.param(location, "client_id")).isEqualTo("test-client");
    assertThat(Browser.param(location, "state")).isNotBlank();
    assertThat(Browser.param(location, "post_logout_redirect_uri")).isEqualTo(app.url("/"));
    HttpResponse<String> back = browser.follow(out);
    assertThat(back.uri().toString()).startsWith(app.url("/"));
    assertNotLoggedIn(browser);
    HttpResponse<String> again = browser.get(app.url("/profile"));
    assertThat(again.statusCode()).isEqualTo(302);
    assertThat(Browser.location(again)).startsWith(provider.issuer());

    Browser replay = browser();
    replay.cookies(TestApp.HOST).put("JSESSIONID", sessionId);
    assertNotLoggedIn(replay);
  }

  @Test
  void logoutWhenNoValidFormTokenThenRefusedAndStillLoggedIn() {
    Browser browser = browser();
    login(browser, "/profile");
    HttpResponse<String> forged = browser.post(app.url("/logout"), Map.of("csrf", "guess"));
    assertThat(forged.statusCode()).isEqualTo(403);
    HttpResponse<String> none = browser.send("POST", app.url("/logout"), Map.of(), "");
    assertThat(none.statusCode()).isEqualTo(403);
    assertLoggedInAs(browser, "alice");
  }

  @Test
  void logoutWhenNotLoggedInThenRedirectsHome() {
    Browser browser = browser();
    HttpResponse<String> r = browser.get(app.url("/logout"));
    assertThat(r.statusCode()).isEqualTo(302);
    assertThat(Browser.location(r)).isEqualTo("/app/");
  }

  @Test
  void sessionWhenLoggedInThenNoTokenInAnyCookie() {
    Browser browser = browser();
    login(browser, "/profile");
    for (String value : browser.cookies(TestApp.HOST).values()) {
      assertThat(value).doesNotContain("eyJ");
    }
    assertThat(browser.cookies(TestApp.HOST).keySet()).containsExactly("JSESSIONID");
  }

  @Test
  void sessionCookieWhenIssuedThenHttpOnlyAndSameSiteLax() {
    Browser browser = browser();
    String authorize = startLogin(browser, "/profile");
    HttpResponse<String> landed = browser.get(callbackFor(browser, authorize));
    java.util.List<String> sessionCookies =
        landed.headers().allValues("Set-Cookie").stream()
            .filter(c -> c.startsWith("JSESSIONID="))
            .toList();
    assertThat(sessionCookies)
        .isNotEmpty()
        .allSatisfy(
            c ->
                assertThat(c.toLowerCase(java.util.Locale.ROOT))
                    .contains("httponly", "samesite=lax", "path=/app"));
  }

  @Test
  void expiredAccessTokenWhenRefreshRefusedThenLoginAgain() {
    Browser browser = browser();
    login(browser, "/profile");
    provider.revokeRefreshTokens();
    app.clock.advance(java.time.Duration.ofHours(2));
    try {
      assertNotLoggedIn(browser);
      HttpResponse<String> page = browser.get(app.url("/profile"));
      assertThat(page.statusCode()).isEqualTo(302);
      assertThat(Browser.location(page)).startsWith(provider.issuer());
    } finally {
      app.clock.advance(java.time.Duration.ofHours(-2));
    }
  }
}
