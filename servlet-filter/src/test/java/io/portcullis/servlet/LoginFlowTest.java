package io.portcullis.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testsupport.Browser;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The whole login through Jetty, the filter and a real provider, as a browser drives it. */
class LoginFlowTest extends IntegrationTest {

  @Test
  void firstLoginWhenProtectedPageThenReturnsToOriginalUrlAuthenticated() {
    Browser browser = browser();
    String authorize = startLogin(browser, "/profile?tab=2");
    assertThat(Browser.param(authorize, "code_challenge_method")).isEqualTo("S256");
    assertThat(Browser.param(authorize, "code_challenge")).hasSize(43);
    assertThat(Browser.param(authorize, "response_type")).isEqualTo("code");
    assertThat(Browser.param(authorize, "client_id")).isEqualTo("test-client");
    assertThat(Browser.param(authorize, "scope"))
        .isEqualTo("openid profile offline_access read:data");
    assertThat(Browser.param(authorize, "redirect_uri")).isEqualTo(app.url("/oauth2/callback"));
    assertThat(Browser.param(authorize, "state")).hasSizeGreaterThanOrEqualTo(43);
    assertThat(Browser.param(authorize, "nonce")).hasSizeGreaterThanOrEqualTo(43);

    HttpResponse<String> callback = browser.get(callbackFor(browser, authorize));
    assertThat(callback.statusCode()).isEqualTo(302);
    assertThat(Browser.location(callback)).isEqualTo("/app/profile?tab=2");
    assertThat(callback.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
    assertThat(callback.headers().firstValue("Cache-Control")).hasValue("no-store");

    HttpResponse<String> page = browser.follow(callback);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.uri().toString()).isEqualTo(app.url("/profile?tab=2"));
    assertThat(page.body())
        .contains(
            "\"remoteUser\":\"alice\"",
            "\"principal\":\"alice\"",
            "\"readData\":true",
            "\"admin\":false",
            "\"scopes\":\"offline_access openid profile read:data\"");
    assertThat(browser.cookiesStartingWith(TestApp.HOST, "PORTCULLIS_TX_")).isEmpty();
  }

  @Test
  void authorizationRequestsWhenManyThenStateNonceAndVerifierAreFresh() {
    java.util.Set<String> states = new java.util.HashSet<>();
    java.util.Set<String> nonces = new java.util.HashSet<>();
    java.util.Set<String> challenges = new java.util.HashSet<>();
    for (int i = 0; i < 50; i++) {
      String authorize = startLogin(new Browser(), "/profile");
      states.add(Browser.param(authorize, "state"));
      nonces.add(Browser.param(authorize, "nonce"));
      challenges.add(Browser.param(authorize, "code_challenge"));
    }
    assertThat(states).hasSize(50);
    assertThat(nonces).hasSize(50);
    assertThat(challenges).hasSize(50);
  }

  @Test
  void preLoginCookieWhenSetThenHttpOnlyLaxScopedAndShortLived() {
    Browser browser = browser();
    HttpResponse<String> r = browser.get(app.url("/profile"));
    String setCookie =
        r.headers().allValues("Set-Cookie").stream()
            .filter(c -> c.startsWith("PORTCULLIS_TX_"))
            .findFirst()
            .orElseThrow();
    assertThat(setCookie).contains("HttpOnly", "SameSite=Lax", "Max-Age=600", "Path=/app");
    assertThat(r.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith("JSESSIONID"));
  }

  @Test
  void apiRequestWhenNotLoggedInThenJson401AndNoCookie() {
    Browser browser = browser();
    browser.navigation = false;
    HttpResponse<String> r =
        browser.get(app.url("/api/data"), Map.of("Accept", "application/json"));
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
    assertThat(r.body()).contains("\"login_url\":\"/app/oauth2/callback?return_to=%2Fapi%2Fdata\"");
    assertThat(r.headers().allValues("Set-Cookie")).isEmpty();
  }

  @Test
  void xhrWhenNotLoggedInThen401WithoutLoginStart() {
    Browser browser = browser();
    HttpResponse<String> r =
        browser.get(app.url("/profile"), Map.of("X-Requested-With", "XMLHttpRequest"));
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().allValues("Set-Cookie")).isEmpty();
    HttpResponse<String> post = browser.send("POST", app.url("/profile"), Map.of(), "a=b");
    assertThat(post.statusCode())
        .as("unauthenticated POST is never replayed after login (C-07)")
        .isEqualTo(401);
    assertThat(post.headers().allValues("Set-Cookie")).isEmpty();
  }

  @Test
  void loginUrlWhenFollowedThenLogsInAndReturns() {
    Browser browser = browser();
    HttpResponse<String> page =
        browser.open(app.url("/oauth2/callback?return_to=%2Fwhoami%3Fx%3D1"));
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.uri().toString()).isEqualTo(app.url("/whoami?x=1"));
  }

  @Test
  void permitPathWhenAnonymousThenServedWithoutSession() {
    Browser browser = browser();
    HttpResponse<String> r = browser.get(app.url("/health"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"remoteUser\":null");
    assertThat(r.headers().allValues("Set-Cookie")).isEmpty();
  }

  @Test
  void missingScopeWhenBrowserThenStepUpOnceThen403NamingScope() {
    provider.withhold("admin");
    try {
      Browser browser = browser();
      login(browser, "/profile");
      HttpResponse<String> stepUp = browser.get(app.url("/admin/users"));
      assertThat(stepUp.statusCode()).isEqualTo(302);
      String authorize = Browser.location(stepUp);
      assertThat(Browser.param(authorize, "scope")).contains("admin", "read:data", "openid");
      HttpResponse<String> end = browser.follow(stepUp);
      assertThat(end.uri().toString()).isEqualTo(app.url("/admin/users"));
      assertThat(end.statusCode()).isEqualTo(403);
      assertThat(end.body()).contains("<b>admin</b>");
      assertThat(end.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
      HttpResponse<String> again = browser.get(app.url("/admin/users"));
      assertThat(again.statusCode()).as("the same scope set is not asked for again").isEqualTo(403);
      assertLoggedInAs(browser, "alice");
    } finally {
      provider.withhold();
    }
  }

  @Test
  void missingScopeWhenGrantedOnStepUpThenBackToPage() {
    Browser browser = browser();
    login(browser, "/profile");
    HttpResponse<String> r = browser.get(app.url("/reports/q3"));
    assertThat(r.statusCode()).isEqualTo(302);
    assertThat(Browser.param(Browser.location(r), "scope")).contains("read:reports");
    HttpResponse<String> end = browser.follow(r);
    assertThat(end.statusCode()).isEqualTo(200);
    assertThat(end.uri().toString()).isEqualTo(app.url("/reports/q3"));
    assertThat(end.body()).contains("read:reports");
  }

  @Test
  void missingScopeWhenApiThen403InsufficientScopeAtOnce() {
    Browser browser = browser();
    login(browser, "/profile");
    HttpResponse<String> r = browser.get(app.url("/admin/x"), Map.of("Accept", "application/json"));
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.headers().firstValue("WWW-Authenticate"))
        .hasValue("Bearer error=\"insufficient_scope\", scope=\"admin\"");
    assertThat(r.body()).isEqualTo("{\"error\":\"insufficient_scope\",\"scope\":\"admin\"}");
  }

  @Test
  void scopeStepUpWhenDisabledThen403WithoutRedirect() throws Exception {
    try (TestApp noStepUp = new TestApp(provider, Map.of("scope-step-up", "false"))) {
      Browser browser = browser();
      browser.open(noStepUp.url("/profile"));
      HttpResponse<String> r = browser.get(noStepUp.url("/reports/x"));
      assertThat(r.statusCode()).isEqualTo(403);
      assertThat(r.body()).contains("read:reports");
    }
  }

  @Test
  void isUserInRoleWhenRolesClaimThenRolesAndScopesCount() throws Exception {
    provider.claims(Map.of("realm_access", Map.of("roles", java.util.List.of("auditor", "admin"))));
    try (TestApp withRoles = new TestApp(provider, Map.of("roles-claim", "realm_access.roles"))) {
      Browser browser = browser();
      HttpResponse<String> page = browser.open(withRoles.url("/whoami"));
      assertThat(page.body()).contains("\"admin\":true", "\"readData\":true");
    } finally {
      provider.claims(Map.of());
    }
  }

  @Test
  void spoofedIdentityHeadersWhenAnyPathThenHiddenFromApplication() {
    Browser browser = browser();
    HttpResponse<String> anonymous = browser.get(app.url("/health"), Map.of("Remote-User", "root"));
    assertThat(anonymous.body()).contains("\"remoteUserHeader\":null", "\"remoteUser\":null");
    login(browser, "/profile");
    HttpResponse<String> authed = browser.get(app.url("/whoami"), Map.of("Remote-User", "root"));
    assertThat(authed.body()).contains("\"remoteUserHeader\":null", "\"remoteUser\":\"alice\"");
  }

  @Test
  void spoofedIdentityHeadersInAnySpellingWhenLoggedInThenHiddenAndOthersKept() {
    Browser browser = browser();
    login(browser, "/profile");
    Map<String, String> forged = new java.util.LinkedHashMap<>();
    forged.put("X-Forwarded-User", "root");
    forged.put("x-forwarded-email", "root@example.com");
    forged.put("X-Auth-Request-Access-Token", "t");
    forged.put("OIDC_CLAIM_email", "root@example.com");
    forged.put("oidc-access-token", "t");
    forged.put("X-Portcullis-User", "root");
    forged.put("X-REMOTE-USER", "root");
    forged.put("X-Email", "root@example.com");
    forged.put("X-Benign-Header", "kept");
    forged.put("Xylophone", "kept");
    HttpResponse<String> authed = browser.get(app.url("/whoami"), forged);
    assertThat(authed.statusCode()).isEqualTo(200);
    String names = authed.body().replaceAll("(?s).*\"headerNames\":\"([^\"]*)\".*", "$1");
    assertThat(java.util.List.of(names.split(" ")))
        .contains("x-benign-header", "xylophone")
        .doesNotContain(
            "x-forwarded-user",
            "x-forwarded-email",
            "x-auth-request-access-token",
            "oidc_claim_email",
            "oidc-access-token",
            "x-portcullis-user",
            "x-remote-user",
            "x-email");
    assertThat(authed.body()).contains("\"identityAttribute\":true", "\"remoteUser\":\"alice\"");
  }

  /**
   * Issue 10 finding 10: the gateways' headers beyond the first short list, and a configured extra.
   */
  @Test
  void spoofedGatewayHeadersAndConfiguredExtraWhenAnyPathThenHiddenAndOthersKept()
      throws Exception {
    try (TestApp extra =
        new TestApp(provider, Map.of("identity-headers", "X-Corp-User, X_Corp_Claim_*"))) {
      Map<String, String> forged = new java.util.LinkedHashMap<>();
      for (String name :
          java.util.List.of(
              "X-WEBAUTH-USER",
              "X-Authenticated-User",
              "X-MS-CLIENT-PRINCIPAL-NAME",
              "X-MS-CLIENT-PRINCIPAL",
              "X-Amzn-Oidc-Identity",
              "X-Goog-Authenticated-User-Email",
              "OIDC_id_token",
              "X-Userinfo",
              "X-Id-Token",
              "X-Access-Token",
              "X-Remote-Groups",
              "Cf-Access-Authenticated-User-Email",
              "X-Corp-User",
              "X-Corp-Claim-Email")) {
        forged.put(name, "root");
      }
      forged.put("X-Benign-Header", "kept");
      forged.put("X-Forwarded-Client-Cert", "kept");
      Browser browser = browser();
      for (String path : java.util.List.of("/health", "/whoami")) {
        if (path.equals("/whoami")) {
          assertThat(browser.open(extra.url("/profile")).body())
              .contains("\"remoteUser\":\"alice\"");
        }
        HttpResponse<String> r = browser.get(extra.url(path), forged);
        assertThat(r.statusCode()).isEqualTo(200);
        String names = r.body().replaceAll("(?s).*\"headerNames\":\"([^\"]*)\".*", "$1");
        assertThat(java.util.List.of(names.split(" ")))
            .as(path)
            .contains("x-benign-header", "x-forwarded-client-cert")
            .doesNotContainAnyElementsOf(
                forged.keySet().stream()
                    .map(n -> n.toLowerCase(java.util.Locale.ROOT))
                    .filter(
                        n -> !n.equals("x-benign-header") && !n.equals("x-forwarded-client-cert"))
                    .toList());
      }
    }
  }

  @Test
  void identityAttributeWhenNobodyLoggedInThenAbsent() {
    HttpResponse<String> anonymous = browser().get(app.url("/health"));
    assertThat(anonymous.body()).contains("\"identityAttribute\":false", "\"remoteUser\":null");
  }

  @Test
  void denyRuleWhenLoggedInThen403() throws Exception {
    try (TestApp denying =
        new TestApp(provider, Map.of("rules", "/secret/** deny\n/** authenticated"))) {
      Browser browser = browser();
      browser.open(denying.url("/profile"));
      assertThat(browser.get(denying.url("/secret/x")).statusCode()).isEqualTo(403);
    }
  }
}
