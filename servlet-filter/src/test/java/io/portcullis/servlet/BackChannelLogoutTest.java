package io.portcullis.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testsupport.Browser;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 AC4: the back-channel logout endpoint through the filter in a real container (Jetty and
 * Tomcat), one node with the in-memory registry: the provider's form POST is parsed by the
 * container, answered before the rules without a session, and ends the login; the token is never
 * logged.
 */
class BackChannelLogoutTest extends IntegrationTest {

  @Test
  void postWhenValidThen200WithoutSessionAndTheLoginEndsReplayAndGetRefused() throws Exception {
    int from = LeakCheck.LINES.size();
    provider.subject("bcl-servlet-user");
    try (TestApp node =
        new TestApp(provider, Map.of("backchannel-logout-path", "/backchannel-logout"))) {
      Browser browser = browser();
      assertThat(browser.follow(browser.get(node.url("/profile"))).statusCode()).isEqualTo(200);
      assertThat(apiStatus(browser, node)).isEqualTo(200);

      String token =
          PostgresClusterTest.logoutToken(
              provider, "bcl-servlet-user", TestProvider.Signing.PROVIDER_KEY);
      String form = "logout_token=" + token;
      HttpResponse<String> ok =
          new Browser().post(URI.create(node.url("/backchannel-logout")), form);
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.headers().firstValue("Cache-Control")).hasValue("no-cache, no-store");
      assertThat(ok.headers().allValues("Set-Cookie")).isEmpty();
      assertThat(apiStatus(browser, node)).as("logged out").isEqualTo(401);

      HttpResponse<String> replay =
          new Browser().post(URI.create(node.url("/backchannel-logout")), form);
      assertThat(replay.statusCode()).isEqualTo(400);
      assertThat(replay.body()).isEqualTo("{\"error\":\"invalid_request\"}");
      String get = RawHttp.send(node.url(""), "GET", "/app/backchannel-logout");
      assertThat(RawHttp.status(get)).isEqualTo(400);

      List<String> lines = LeakCheck.LINES.subList(from, LeakCheck.LINES.size());
      assertThat(lines).noneMatch(l -> l.contains(token) || l.contains(token.split("\\.")[2]));
      assertThat(lines)
          .anyMatch(l -> l.contains("oidc.backchannel.rejected reason=backchannel.replay"));
    } finally {
      provider.subject("alice");
    }
  }

  private static int apiStatus(Browser browser, TestApp node) {
    return browser.get(node.url("/api/data"), Map.of("Accept", "application/json")).statusCode();
  }
}
