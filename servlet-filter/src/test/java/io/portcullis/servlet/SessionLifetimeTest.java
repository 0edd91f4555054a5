package io.portcullis.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.core.Reason;
import io.portcullis.testsupport.Browser;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 14 AC2: session lifetimes set by policy through the filter in a real container (Jetty and
 * Tomcat, root and non-root context path), on the provider's moved clock: an ended login is a clean
 * logout; a browser logs in again and returns to its page, an API request gets {@code 401} with the
 * reason.
 */
class SessionLifetimeTest extends IntegrationTest {
  private static HttpResponse<String> api(Browser browser, TestApp node, String path) {
    return browser.get(node.url(path), Map.of("Accept", "application/json"));
  }

  @ParameterizedTest(name = "context path \"{0}\"")
  @ValueSource(strings = {"", "/app"})
  void idleTimeoutWhenUnusedThenBrowserLogsInAgainAndReturnsToItsPage(String contextPath)
      throws Exception {
    try (TestApp node =
        new TestApp(contextPath, provider, Map.of("session-idle-timeout", "1800"))) {
      Browser browser = browser();
      assertThat(browser.follow(browser.get(node.url("/profile"))).statusCode()).isEqualTo(200);
      for (int i = 0; i < 4; i++) {
        advance(Duration.ofSeconds(1700)); // used in time: the login lives on
        assertThat(api(browser, node, "/whoami").statusCode()).isEqualTo(200);
      }

      advance(Duration.ofSeconds(1800));
      HttpResponse<String> r = browser.get(node.url("/profile?tab=2"));

      assertThat(r.statusCode()).isEqualTo(302);
      assertThat(Browser.location(r)).startsWith(provider.issuer() + "/authorize");
      HttpResponse<String> page = browser.follow(r);
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.uri().toString()).isEqualTo(node.url("/profile?tab=2"));
      assertThat(api(browser, node, "/whoami").statusCode()).isEqualTo(200);
      assertThat(node.filter.engine().metrics().rejections(Reason.SESSION_IDLE)).isEqualTo(1);
    }
  }

  @ParameterizedTest(name = "context path \"{0}\"")
  @ValueSource(strings = {"", "/app"})
  void maxLifetimeWhenActiveAndRefreshedThenApiGets401SessionExpired(String contextPath)
      throws Exception {
    try (TestApp node =
        new TestApp(contextPath, provider, Map.of("session-max-lifetime", "28800"))) {
      Browser browser = browser();
      assertThat(browser.follow(browser.get(node.url("/profile"))).statusCode()).isEqualTo(200);
      int refreshes = provider.refreshRequests.get();
      for (int i = 0; i < 7; i++) {
        advance(Duration.ofSeconds(3600 + 60)); // the access token expired: refreshed each time
        assertThat(api(browser, node, "/api/data").statusCode()).isEqualTo(200);
      }
      assertThat(provider.refreshRequests.get() - refreshes).isEqualTo(7);

      advance(Duration.ofSeconds(28800 - 7 * 3660));
      HttpResponse<String> r = api(browser, node, "/api/data");

      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
      assertThat(r.body())
          .contains("\"reason\":\"session.expired\"")
          .contains("\"login_url\":\"" + contextPath + "/oauth2/callback?return_to=");
      assertThat(provider.refreshRequests.get() - refreshes).as("no refresh").isEqualTo(7);
      HttpResponse<String> again = api(browser, node, "/api/data");
      assertThat(again.statusCode()).isEqualTo(401);
      assertThat(again.body()).doesNotContain("reason");
    }
  }
}
