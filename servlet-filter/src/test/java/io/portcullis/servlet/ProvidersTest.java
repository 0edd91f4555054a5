package io.portcullis.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testsupport.Browser;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * More than one provider through the filter (README "More than one provider"): two real providers,
 * a path rule choosing the partner one, each provider's own callback path, the login bound to the
 * provider that issued it, and a response at the other provider's callback refused.
 */
class ProvidersTest {
  static TestProvider employees;
  static TestProvider partners;

  @BeforeAll
  static void startProviders() {
    employees = new TestProvider();
    partners = new TestProvider();
    partners.subject("carol");
  }

  @AfterAll
  static void stopProviders() {
    employees.close();
    partners.close();
  }

  private static String encode(String value) {
    return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
  }

  private static TestApp app(String contextPath) throws Exception {
    return app(contextPath, "/partner/**=partners, /**=employees");
  }

  private static TestApp app(String contextPath, String providerRules) throws Exception {
    return app(contextPath, providerRules, partners.issuer());
  }

  private static TestApp app(String contextPath, String providerRules, String partnersIssuer)
      throws Exception {
    Map<String, String> config = new LinkedHashMap<>();
    config.put("issuer", "");
    config.put("providers", "employees,partners");
    config.put("provider.employees.issuer", employees.issuer());
    config.put("provider.partners.issuer", partnersIssuer);
    config.put("health-path", "/portcullis/health");
    config.put("provider.partners.client-id", "partner-client");
    config.put("provider-rules", providerRules);
    config.put("provider.partners.display-name", "Partners & suppliers");
    return new TestApp(contextPath, employees, config);
  }

  @ParameterizedTest(name = "context path \"{0}\"")
  @ValueSource(strings = {"", "/app"})
  void loginWhenPathRuleNamesPartnersThenAtPartnersWithItsCallbackAndBoundToIt(String contextPath)
      throws Exception {
    try (TestApp app = app(contextPath)) {
      int employeeTokens = employees.tokenRequests.get();
      Browser browser = new Browser();
      HttpResponse<String> start = browser.get(app.url("/partner/orders"));
      assertThat(start.statusCode()).isEqualTo(302);
      String authorize = Browser.location(start);
      assertThat(authorize).startsWith(partners.issuer() + "/authorize");
      assertThat(authorize)
          .contains("client_id=partner-client")
          .contains(encode(app.url("/oauth2/callback/partners")));

      HttpResponse<String> page = browser.follow(start);
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).contains("\"path\":\"" + contextPath + "/partner/orders\"");
      assertThat(page.body()).contains("\"remoteUser\":\"carol\"");

      // a path no rule gives to partners: the partner login serves it, no login at employees
      HttpResponse<String> other =
          browser.get(app.url("/profile"), Map.of("Accept", "application/json"));
      assertThat(other.statusCode()).isEqualTo(200);
      assertThat(other.body()).contains("\"remoteUser\":\"carol\"");
      assertThat(employees.tokenRequests.get()).isEqualTo(employeeTokens);

      // anyone else starts at employees, with its own callback
      HttpResponse<String> fresh = new Browser().get(app.url("/profile"));
      assertThat(Browser.location(fresh))
          .startsWith(employees.issuer() + "/authorize")
          .contains(encode(app.url("/oauth2/callback/employees")));
    }
  }

  @ParameterizedTest(name = "context path \"{0}\"")
  @ValueSource(strings = {"", "/app"})
  void callbackWhenResponseOfOneProviderAtTheOthersCallbackThenRefusedWithoutTokenRequest(
      String contextPath) throws Exception {
    try (TestApp app = app(contextPath)) {
      int tokens = employees.tokenRequests.get() + partners.tokenRequests.get();
      Browser browser = new Browser();
      HttpResponse<String> start = browser.get(app.url("/profile"));
      HttpResponse<String> atProvider = browser.get(Browser.location(start));
      String callback = Browser.location(atProvider);
      assertThat(callback).startsWith(app.url("/oauth2/callback/employees"));
      String moved =
          callback.replace(
              app.url("/oauth2/callback/employees"), app.url("/oauth2/callback/partners"));
      HttpResponse<String> refused = browser.get(moved);
      assertThat(refused.statusCode()).isEqualTo(400);
      assertThat(employees.tokenRequests.get() + partners.tokenRequests.get()).isEqualTo(tokens);
      HttpResponse<String> api =
          browser.get(app.url("/profile"), Map.of("Accept", "application/json"));
      assertThat(api.statusCode()).as("not logged in").isEqualTo(401);
    }
  }

  @ParameterizedTest(name = "context path \"{0}\"")
  @ValueSource(strings = {"", "/app"})
  void loginWhenNoRuleMatchesThenSelectionPageAndTheChosenProvidersLoginReturnsToThePage(
      String contextPath) throws Exception {
    try (TestApp app = app(contextPath, "/partner/**=partners")) {
      Browser browser = new Browser();
      HttpResponse<String> page = browser.get(app.url("/profile?tab=2"));
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.headers().firstValue("Content-Type")).get().asString().contains("text/html");
      assertThat(page.headers().firstValue("Cache-Control")).contains("no-store");
      String link = contextPath + "/oauth2/callback/partners?return_to=%2Fprofile%3Ftab%3D2";
      assertThat(page.body())
          .contains("<a href=\"" + link + "\">Partners &amp; suppliers</a>")
          .contains(contextPath + "/oauth2/callback/employees?return_to=")
          .doesNotContain("<script");
      HttpResponse<String> done =
          browser.follow(browser.get(app.url("") + link.substring(contextPath.length())));
      assertThat(done.statusCode()).isEqualTo(200);
      assertThat(done.body())
          .contains("\"path\":\"" + contextPath + "/profile\"")
          .contains("\"remoteUser\":\"carol\"");
    }
  }

  @ParameterizedTest(name = "context path \"{0}\"")
  @ValueSource(strings = {"", "/app"})
  void healthWhenBothProvidersLoadedThenUpWithEachProviderEvenForAPartnerLogin(String contextPath)
      throws Exception {
    try (TestApp app = app(contextPath)) {
      assertThat(app.filter.engine().awaitProvider(Duration.ofSeconds(10))).isTrue();
      Browser browser = new Browser();
      browser.follow(browser.get(app.url("/partner/orders"))); // logged in at partners

      HttpResponse<String> health = browser.get(app.url("/portcullis/health"));

      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body())
          .startsWith(
              "{\"status\":\"UP\",\"provider\":\"loaded\","
                  + "\"providers\":{\"employees\":\"loaded\",\"partners\":\"loaded\"},")
          .contains(
              "{\"code\":\"provider\",\"provider\":\"employees\",\"level\":\"INFO\"}",
              "{\"code\":\"provider\",\"provider\":\"partners\",\"level\":\"INFO\"}")
          .doesNotContain(partners.issuer(), TestApp.CLIENT_SECRET);
    }
  }

  @ParameterizedTest(name = "context path \"{0}\"")
  @ValueSource(strings = {"", "/app"})
  void healthWhenPartnerProviderUnreachableThen503DownNamingIt(String contextPath)
      throws Exception {
    try (TestApp app =
        app(contextPath, "/partner/**=partners, /**=employees", "http://127.0.0.1:1/none")) {
      assertThat(app.filter.engine().awaitProvider(Duration.ofSeconds(10))).isFalse();

      HttpResponse<String> health = new Browser().get(app.url("/portcullis/health"));

      assertThat(health.statusCode()).isEqualTo(503);
      assertThat(health.body())
          .startsWith(
              "{\"status\":\"DOWN\",\"provider\":\"not loaded\","
                  + "\"providers\":{\"employees\":\"loaded\",\"partners\":\"not loaded\"},")
          .contains("{\"code\":\"provider\",\"provider\":\"partners\",\"level\":\"WARNING\"}");
    }
  }
}
