package io.portcullis.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testsupport.Browser;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The application starts while the provider is down: public paths work, protected ones answer 503
 * with {@code Retry-After}; once the provider is up, logins work without a restart.
 */
class ProviderOutageTest {

  @Test
  void providerWhenDownAtStartThen503UntilItComesBack() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String issuer = "http://localhost:" + port + "/default";
    TestProvider placeholder = new TestProvider();
    try (TestApp app = new TestApp(placeholder, Map.of("issuer", issuer, "http-timeout", "1"))) {
      Browser browser = new Browser();
      assertThat(browser.get(app.url("/health")).statusCode()).isEqualTo(200);
      HttpResponse<String> page = browser.get(app.url("/profile"));
      assertThat(page.statusCode()).isEqualTo(503);
      assertThat(page.headers().firstValue("Retry-After")).isPresent();
      assertThat(page.body()).contains("cannot be reached");
      HttpResponse<String> api =
          browser.get(app.url("/api/data"), Map.of("Accept", "application/json"));
      assertThat(api.statusCode())
          .as("an API request needs no provider to be told 401")
          .isEqualTo(401);

      try (TestProvider provider = new TestProvider(port)) {
        assertThat(provider.issuer()).isEqualTo(issuer);
        app.clock.advance(Duration.ofMinutes(2)); // past the back-off
        HttpResponse<String> r = null;
        for (int i = 0; i < 50; i++) {
          r = browser.get(app.url("/profile"));
          if (r.statusCode() == 302) {
            break;
          }
          Thread.sleep(100);
        }
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(browser.follow(r).statusCode()).isEqualTo(200);
      }
    } finally {
      placeholder.close();
    }
  }
}
