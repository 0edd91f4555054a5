package io.portcullis.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: the opt-in {@code health-path} answered by the filter in a real container (Jetty and
 * Tomcat), before rules that deny everything; and the start-up checks logged once each.
 */
class HealthPathTest extends IntegrationTest {

  private static String body(String raw) {
    return raw.substring(raw.indexOf("\r\n\r\n") + 4);
  }

  @Test
  void healthWhenProviderUpThen200JsonWithoutLoginWhateverTheRules() throws Exception {
    int from = LeakCheck.LINES.size();
    try (TestApp health =
        new TestApp(
            provider,
            Map.of(
                "health-path", "/portcullis/health",
                "rules", "/** deny\n/public/** permit"))) {
      assertThat(health.filter.engine().awaitProvider(Duration.ofSeconds(10))).isTrue();

      String raw = RawHttp.send(health.url(""), "GET", "/app/portcullis/health");

      assertThat(RawHttp.status(raw)).isEqualTo(200);
      assertThat(raw)
          .containsIgnoringCase("Content-Type: application/json")
          .containsIgnoringCase("Cache-Control: no-store")
          .doesNotContainIgnoringCase("Set-Cookie");
      assertThat(body(raw))
          .startsWith("{\"status\":\"UP\",\"provider\":\"loaded\",\"checks\":[")
          .contains(
              "{\"code\":\"provider\",\"level\":\"INFO\"}",
              "{\"code\":\"rules\",\"level\":\"WARNING\"}")
          .doesNotContain(TestApp.CLIENT_SECRET, provider.issuer());
      assertThat(RawHttp.status(RawHttp.send(health.url(""), "HEAD", "/app/portcullis/health")))
          .isEqualTo(200);
      String post =
          RawHttp.send(health.url(""), "POST", "/app/portcullis/health", "Content-Length: 0");
      assertThat(RawHttp.status(post)).isEqualTo(405);
      assertThat(post).containsIgnoringCase("Allow: GET, HEAD");
      assertThat(body(post)).contains("\"reason\":\"health.method\"");
      assertThat(RawHttp.status(RawHttp.send(health.url(""), "GET", "/app/portcullis/other")))
          .isEqualTo(403);
    }
    List<String> lines = LeakCheck.LINES.subList(from, LeakCheck.LINES.size());
    for (String code : List.of("issuer", "redirect-uri", "response-mode", "provider", "clock")) {
      assertThat(lines.stream().filter(l -> l.contains("portcullis.check " + code + ": ")))
          .as(code)
          .hasSize(1);
    }
    assertThat(lines)
        .filteredOn(l -> l.contains("portcullis.check rules: "))
        .singleElement()
        .asString()
        .startsWith("WARNING ")
        .contains("rule 2 \"/public/** permit\" never applies", "rule 1 \"/** deny\"");
  }

  @Test
  void healthWhenProviderUnreachableThen503Down() throws Exception {
    try (TestApp down =
        new TestApp(
            provider,
            Map.of("issuer", "http://127.0.0.1:1/realms/none", "health-path", "/health"))) {
      assertThat(down.filter.engine().awaitProvider(Duration.ofSeconds(10))).isFalse();

      String raw = RawHttp.send(down.url(""), "GET", "/app/health");

      assertThat(RawHttp.status(raw)).isEqualTo(503);
      assertThat(body(raw))
          .startsWith("{\"status\":\"DOWN\",\"provider\":\"not loaded\",")
          .contains("{\"code\":\"provider\",\"level\":\"WARNING\"}");
    }
  }

  @Test
  void healthWhenNotConfiguredThenThePathNeedsALoginLikeAnyOther() {
    String raw =
        RawHttp.send(app.url(""), "GET", "/app/portcullis/health", "Accept: application/json");
    assertThat(RawHttp.status(raw)).isEqualTo(401);
  }
}
