package io.portcullis.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.testsupport.Browser;
import java.lang.management.ManagementFactory;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Container-managed security (issue 12 AC3): a legacy WAR with no Portcullis rules, only its own
 * {@code web.xml} constraints and an {@code @ServletSecurity} servlet, and {@code
 * portcullis.container-auth=true}, through the container, Portcullis's Jakarta Authentication
 * module and a real provider. The roles are the granted scopes and the {@code roles-claim} values.
 */
class ContainerAuthTest {
  static TestProvider provider;
  static ContainerAuthApp app;
  static final List<Browser> BROWSERS = new CopyOnWriteArrayList<>();

  /** Where this class's application's log lines start in {@link LeakCheck#LINES}. */
  static int firstLine;

  @BeforeAll
  static void start() throws Exception {
    Assumptions.assumeTrue(
        ContainerAuthApp.available(),
        "Jetty 12.1 has Jakarta Authentication only in its ee11 environment, not in ee8");
    LeakCheck.install();
    provider = new TestProvider();
    firstLine = LeakCheck.LINES.size();
    app =
        new ContainerAuthApp(
            provider,
            Map.of(
                "portcullis.roles-claim", "groups",
                "portcullis.bearer-tokens", "own-clients",
                "portcullis.bearer-audience", "read:data",
                "portcullis.health-path", "/portcullis/health"),
            UnaryOperator.identity());
  }

  @AfterAll
  static void stop() throws Exception {
    if (app == null) {
      return;
    }
    try {
      LeakCheck.assertNoLeaks(provider.secretsIssued(), BROWSERS, app.url(""));
    } finally {
      BROWSERS.clear();
      app.close();
      provider.close();
    }
  }

  @AfterEach
  void plainUser() {
    provider.claims(Map.of());
  }

  static Browser browser() {
    Browser b = new Browser();
    BROWSERS.add(b);
    return b;
  }

  /** Logs in through {@code path}, which must start a login, and returns the final page. */
  static HttpResponse<String> login(Browser browser, String path) {
    HttpResponse<String> start = browser.get(app.url(path));
    assertThat(start.statusCode()).as("login start for " + path).isEqualTo(302);
    assertThat(Browser.location(start)).startsWith(provider.issuer() + "/authorize");
    return browser.follow(start);
  }

  @Test
  void jmxWhenLoggedInThenTheEnginesMBeanUnderTheContextPathCountsTheLogin() throws Exception {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName pattern = new ObjectName("io.portcullis:type=Portcullis,context=\"/app\",*");
    assertThat(server.queryNames(pattern, null)).as("README \"Metrics\"").isNotEmpty();
    long before = 0;
    for (ObjectName name : server.queryNames(pattern, null)) {
      before += (Long) server.getAttribute(name, "LoginsCompleted");
    }

    assertThat(login(browser(), "/secure/page").statusCode()).isEqualTo(200);

    long after = 0;
    for (ObjectName name : server.queryNames(pattern, null)) {
      after += (Long) server.getAttribute(name, "LoginsCompleted");
    }
    assertThat(after).isEqualTo(before + 1);
  }

  @Test
  void constrainedPageWhenAnonymousBrowserThenLoginAndBackWithContainerPrincipal() {
    Browser browser = browser();
    HttpResponse<String> page = login(browser, "/secure/page?tab=2");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.uri().toString()).isEqualTo(app.url("/secure/page?tab=2"));
    assertThat(page.body())
        .contains(
            "\"remoteUser\":\"alice\"",
            "\"principal\":\"alice\"",
            "\"principalClass\":\"PortcullisPrincipal\"",
            "\"read:data\":true",
            "\"admin\":false",
            "\"staff\":false",
            "\"identity\":\"alice\"");
    assertThat(browser.cookiesStartingWith(TestApp.HOST, "PORTCULLIS_TX_")).isEmpty();
    HttpResponse<String> again = browser.get(app.url("/secure/page"));
    assertThat(again.body()).contains("\"principal\":\"alice\"", "\"read:data\":true");
    assertThat(again.headers().allValues("Set-Cookie"))
        .as("the container keeps the session id while the login stays the same")
        .isEmpty();
  }

  @Test
  void unconstrainedPageWhenAnonymousThenServedWithoutLoginOrCookieAndAfterLoginWithPrincipal() {
    Browser browser = browser();
    HttpResponse<String> anonymous = browser.get(app.url("/public"));
    assertThat(anonymous.statusCode()).isEqualTo(200);
    assertThat(anonymous.body()).contains("\"remoteUser\":null", "\"read:data\":false");
    assertThat(anonymous.headers().allValues("Set-Cookie")).isEmpty();
    login(browser, "/secure/x");
    assertThat(browser.get(app.url("/public")).body())
        .as("an unprotected page sees the login the session has")
        .contains("\"remoteUser\":\"alice\"", "\"read:data\":true");
  }

  @Test
  void constraintWhenRoleLackingThen403FromTheContainer() {
    assertThat(browser().get(app.url("/reports/q1")).statusCode())
        .as("@ServletSecurity: an anonymous browser is sent to the login")
        .isEqualTo(302);
    Browser browser = browser();
    login(browser, "/secure/x");
    assertThat(browser.get(app.url("/admin/users")).statusCode()).isEqualTo(403);
    assertThat(browser.get(app.url("/staff/list")).statusCode()).isEqualTo(403);
    assertThat(browser.get(app.url("/reports/q1")).statusCode())
        .as("@ServletSecurity(rolesAllowed = staff)")
        .isEqualTo(403);
    assertThat(browser.get(app.url("/secure/x")).statusCode()).isEqualTo(200);
  }

  @Test
  void rolesClaimWhenItNamesTheRoleThenConstraintAndAnnotationAdmit() {
    provider.claims(Map.of("groups", List.of("staff")));
    Browser browser = browser();
    HttpResponse<String> staff = login(browser, "/staff/list");
    assertThat(staff.statusCode()).isEqualTo(200);
    assertThat(staff.body()).contains("\"staff\":true", "\"admin\":false");
    HttpResponse<String> reports = browser.get(app.url("/reports/q1"));
    assertThat(reports.statusCode()).isEqualTo(200);
    assertThat(reports.body()).contains("\"remoteUser\":\"alice\"");
    assertThat(browser.get(app.url("/admin/users")).statusCode()).isEqualTo(403);
  }

  @Test
  void healthPathWhenSetThenAnsweredByTheModuleWithoutLogin() {
    Browser probe = browser();
    probe.navigation = false;
    HttpResponse<String> r = probe.get(app.url("/portcullis/health"));
    assertThat(r.statusCode()).isIn(200, 503);
    assertThat(r.body())
        .startsWith("{\"status\":")
        .contains("{\"code\":\"rules\",", "{\"code\":\"session-cookie\",\"level\":\"INFO\"}");
    assertThat(r.headers().allValues("Set-Cookie")).isEmpty();
    // The module's listener told the engine what the container's session cookie carries.
    assertThat(LeakCheck.LINES.subList(firstLine, LeakCheck.LINES.size()))
        .filteredOn(l -> l.contains("portcullis.check session-cookie: "))
        .isNotEmpty()
        .allMatch(l -> l.startsWith("INFO ") && l.contains("not set"))
        .allMatch(l -> !TestApp.onTomcat() || l.contains("sameSiteCookies=unset"));
  }

  @Test
  void apiRequestWhenNotLoggedInThen401JsonAndNoCookie() {
    Browser caller = browser();
    caller.navigation = false;
    HttpResponse<String> r =
        caller.get(app.url("/secure/data"), Map.of("Accept", "application/json"));
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    assertThat(r.body()).contains("\"login_url\":\"/app/oauth2/callback?return_to=");
    assertThat(r.headers().allValues("Set-Cookie")).isEmpty();
  }

  @Test
  void bearerTokenWhenValidThenRolesFromItsScopesElse401() {
    String token = app.clientCredentialsToken("read:data");
    Browser caller = browser();
    caller.navigation = false;
    Map<String, String> headers =
        Map.of("Authorization", "Bearer " + token, "Accept", "application/json");
    HttpResponse<String> ok = caller.get(app.url("/secure/data"), headers);
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    assertThat(ok.body()).contains("\"remoteUser\":\"test-client\"", "\"read:data\":true");
    assertThat(ok.headers().allValues("Set-Cookie")).isEmpty();
    assertThat(caller.get(app.url("/admin/users"), headers).statusCode()).isEqualTo(403);
    HttpResponse<String> forged =
        caller.get(
            app.url("/secure/data"),
            Map.of("Authorization", "Bearer " + token + "x", "Accept", "application/json"));
    assertThat(forged.statusCode()).isEqualTo(401);
    assertThat(forged.headers().firstValue("WWW-Authenticate").orElse(""))
        .contains("invalid_token");
  }

  @Test
  void authenticateWhenAnonymousBrowserThenStartsTheLoginAndReturns() {
    Browser browser = browser();
    HttpResponse<String> page = login(browser, "/public?authenticate=1");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.uri().toString()).isEqualTo(app.url("/public?authenticate=1"));
    assertThat(page.body()).contains("\"remoteUser\":\"alice\"");
  }

  @Test
  void logoutWhenCalledByTheApplicationThenThePortcullisLoginEndsToo() {
    Browser browser = browser();
    login(browser, "/secure/x");
    HttpResponse<String> out = browser.get(app.url("/public?logout=1"));
    assertThat(out.statusCode()).isEqualTo(200);
    assertThat(out.body()).contains("\"remoteUser\":null", "\"identity\":null");
    assertThat(browser.get(app.url("/public")).body()).contains("\"remoteUser\":null");
    assertThat(browser.get(app.url("/secure/x")).statusCode())
        .as("a new login is needed")
        .isEqualTo(302);
  }

  @Test
  void logoutPathWhenLoggedInThenSignOutFormEndsTheLogin() {
    Browser browser = browser();
    login(browser, "/secure/x");
    HttpResponse<String> form = browser.get(app.url("/logout"));
    assertThat(form.statusCode()).isEqualTo(200);
    String csrf = form.body().replaceAll("(?s).*name=\"csrf\" value=\"([^\"]+)\".*", "$1");
    HttpResponse<String> done = browser.post(app.url("/logout"), Map.of("csrf", csrf));
    assertThat(done.statusCode()).isEqualTo(302);
    assertThat(browser.get(app.url("/secure/x")).statusCode()).isEqualTo(302);
  }

  @Test
  void callbackWhenStateForgedOrMissingThenRejectedWithoutTokenRequest() {
    Browser browser = browser();
    HttpResponse<String> start = browser.get(app.url("/secure/x"));
    HttpResponse<String> atProvider = browser.get(Browser.location(start));
    String callback = Browser.location(atProvider);
    assertThat(callback).startsWith(app.url("/oauth2/callback"));
    int before = provider.tokenRequests.get();
    CallbackAttackTest.assertRejected(
        browser.get(Browser.withParam(callback, "state", "forged-" + "x".repeat(40))),
        400,
        "state.unknown");
    CallbackAttackTest.assertRejected(
        browser.get(Browser.withParam(callback, "state", null)), 400, "state.missing");
    assertThat(provider.tokenRequests.get()).isEqualTo(before);
    assertThat(browser.get(app.url("/public")).body()).contains("\"remoteUser\":null");
  }

  @Test
  void preLoginCookiesWhenManyLoginsStartedThenWithinTheBudgetAndTheNewestCompletes() {
    Browser browser = browser();
    String newest = null;
    for (int i = 0; i < 20; i++) {
      HttpResponse<String> start =
          browser.get(app.url("/secure/" + "segment-".repeat(40) + i + "?q=" + "x".repeat(300)));
      assertThat(start.statusCode()).isEqualTo(302);
      newest = Browser.location(start);
    }
    assertThat(browser.cookiesStartingWith(TestApp.HOST, "PORTCULLIS_TX_").split(" ").length)
        .isLessThanOrEqualTo(8);
    assertThat(PreLoginCookieBudgetTest.portcullisCookieBytes(browser))
        .isLessThanOrEqualTo(PreLoginCookieBudgetTest.BUDGET);
    HttpResponse<String> page = browser.follow(browser.get(newest));
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("\"remoteUser\":\"alice\"", "segment-19\"");
  }

  @Test
  void identityHeadersWhenSentThenHiddenFromTheApplication() {
    Browser browser = browser();
    HttpResponse<String> r = browser.get(app.url("/public"), Map.of("Remote-User", "admin"));
    assertThat(r.body()).contains("\"remoteUserHeader\":null", "\"remoteUser\":null");
  }

  @Test
  void contextPartSpelledOtherwiseThen400() {
    Browser browser = browser();
    String root = app.base.substring(0, app.base.length() - "/app".length());
    HttpResponse<String> r = browser.get(root + "/%61pp/secure/x");
    assertThat(r.statusCode()).isEqualTo(400);
  }

  @Test
  void loginConfigWhenFormOrNoneThenUnchangedAndPortcullisLogsIn() throws Exception {
    for (UnaryOperator<String> edit :
        List.<UnaryOperator<String>>of(
            xml ->
                xml.replace(
                    "<auth-method>BASIC</auth-method>",
                    "<auth-method>FORM</auth-method>"
                        + "<form-login-config><form-login-page>/login.jsp</form-login-page>"
                        + "<form-error-page>/error.jsp</form-error-page></form-login-config>"),
            xml -> xml.replaceAll("(?s)<login-config>.*</login-config>", ""))) {
      try (ContainerAuthApp other = new ContainerAuthApp("/other", provider, Map.of(), edit)) {
        Browser browser = browser();
        HttpResponse<String> start = browser.get(other.url("/secure/x"));
        assertThat(start.statusCode()).isEqualTo(302);
        assertThat(Browser.location(start)).startsWith(provider.issuer() + "/authorize");
        HttpResponse<String> page = browser.follow(start);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("\"remoteUser\":\"alice\"");
      }
    }
  }

  @Test
  void loginConfigWhenKeycloakThenTheWarDoesNotStartOnTomcatAndRunsUnchangedOnJetty()
      throws Exception {
    UnaryOperator<String> keycloak =
        xml ->
            xml.replace("<auth-method>BASIC</auth-method>", "<auth-method>KEYCLOAK</auth-method>");
    if (!TestApp.onTomcat()) {
      // Jetty's Jakarta Authentication takes over whatever method the descriptor names.
      try (ContainerAuthApp other =
          new ContainerAuthApp("/keycloak", provider, Map.of(), keycloak)) {
        Browser browser = browser();
        HttpResponse<String> page = browser.follow(browser.get(other.url("/secure/x")));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("\"remoteUser\":\"alice\"");
      }
      return;
    }
    assertThatThrownBy(
            () ->
                new ContainerAuthApp(
                        "/keycloak",
                        provider,
                        Map.of(),
                        xml ->
                            xml.replace(
                                "<auth-method>BASIC</auth-method>",
                                "<auth-method>KEYCLOAK</auth-method>"))
                    .close())
        .hasMessageContaining("did not start");
  }

  @Test
  void rulesWhenSetBesideContainerAuthThenTheWarDoesNotStart() {
    int before = LeakCheck.LINES.size();
    assertThatThrownBy(
            () ->
                new ContainerAuthApp(
                        "/ruled",
                        provider,
                        Map.of("portcullis.rules", "/** authenticated"),
                        UnaryOperator.identity())
                    .close())
        .hasMessageContaining("did not start");
    assertThat(LeakCheck.LINES.subList(before, LeakCheck.LINES.size()))
        .anyMatch(l -> l.contains("rules: not used with container-auth=true"));
  }

  @Test
  void switchWhenAbsentThenTheContainerKeepsItsOwnLogin() throws Exception {
    try (ContainerAuthApp plain =
        new ContainerAuthApp(
            "/plain",
            provider,
            Map.of(),
            xml ->
                xml.replace(
                    "<param-value>true</param-value>", "<param-value>false</param-value>"))) {
      HttpResponse<String> r = browser().get(plain.url("/secure/x"));
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(r.headers().firstValue("WWW-Authenticate").orElse("")).startsWith("Basic");
    }
  }
}
