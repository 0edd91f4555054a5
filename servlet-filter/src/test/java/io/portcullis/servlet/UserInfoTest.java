package io.portcullis.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testsupport.Browser;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 14 AC4 through the filter in a real container (Jetty and Tomcat, root and non-root context
 * path) against the real provider's UserInfo endpoint (mock-oauth2-server answers the claims of the
 * access token): an ID token without the {@code principal-claim} and {@code roles-claim} gets them
 * from UserInfo, read once at login.
 */
class UserInfoTest extends IntegrationTest {

  @ParameterizedTest(name = "context path \"{0}\"")
  @ValueSource(strings = {"", "/app"})
  void loginWhenIdTokenLacksPrincipalAndRolesClaimThenUserInfoGivesThemOnce(String contextPath)
      throws Exception {
    provider.claims(Map.of("email", "alice@example.org", "groups", List.of("admin")));
    try (TestApp node =
        new TestApp(
            contextPath, provider, Map.of("principal-claim", "email", "roles-claim", "groups"))) {
      // the ID token without them; the access token (and so UserInfo) keeps them
      provider.tamperNextIdToken(
          b -> b.claim("email", null).claim("groups", null), TestProvider.Signing.PROVIDER_KEY);
      int before = provider.userInfoRequests.get();
      Browser browser = browser();

      HttpResponse<String> page = browser.follow(browser.get(node.url("/profile")));

      assertThat(page.statusCode()).isEqualTo(200);
      for (int i = 0; i < 3; i++) {
        HttpResponse<String> r =
            browser.get(node.url("/whoami"), Map.of("Accept", "application/json"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body())
            .contains("\"remoteUser\":\"alice@example.org\"")
            .contains("\"admin\":true");
      }
      assertThat(provider.userInfoRequests.get() - before).as("read once").isEqualTo(1);
      assertThat(
              node.filter
                  .engine()
                  .metrics()
                  .failures(io.portcullis.core.PortcullisMetrics.Endpoint.USERINFO))
          .isZero();
    } finally {
      provider.claims(Map.of());
    }
  }
}
