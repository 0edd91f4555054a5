package io.portcullis.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 10 finding 11: without {@code base-url} the request's {@code Host} decides the {@code
 * redirect_uri}. With the provider on a loopback host (as here) an engine says so once, at the
 * first request naming a host that is not loopback; never with {@code base-url}, nor for loopback
 * hosts. (With the provider elsewhere it says so at start-up: core's UrlsTest.)
 */
class HostHeaderWarningTest extends IntegrationTest {
  static final String WARNING = "base-url is not set";

  private static List<String> warnings(int from) {
    List<String> lines = LeakCheck.LINES.subList(from, LeakCheck.LINES.size());
    return lines.stream().filter(l -> l.startsWith("WARNING ") && l.contains(WARNING)).toList();
  }

  @Test
  void requestWhenHostNotLoopbackAndNoBaseUrlThenOneWarningSayingWhatHostControls()
      throws Exception {
    int from = LeakCheck.LINES.size();
    try (TestApp fresh = new TestApp(provider)) {
      RawHttp.send(fresh.url(""), "GET", "/app/profile");
      RawHttp.send(fresh.url(""), "GET", "/app/profile", "Host: [::1]");
      RawHttp.send(fresh.url(""), "GET", "/app/profile", "Host: 127.0.0.2");
      assertThat(warnings(from)).as("loopback hosts").isEmpty();
      for (String host : List.of("app.example", "app.example:8443", "other.example", "10.1.2.3")) {
        String raw = RawHttp.send(fresh.url(""), "GET", "/app/profile", "Host: " + host);
        assertThat(RawHttp.status(raw)).isEqualTo(302);
      }
      RawHttp.send(fresh.url(""), "GET", "/app/logout", "Host: third.example");
    }
    assertThat(warnings(from))
        .singleElement()
        .satisfies(
            w ->
                assertThat(w)
                    .startsWith("WARNING ")
                    .contains(
                        "Host",
                        "redirect_uri",
                        "post-logout",
                        "base-url",
                        "trusted-proxies",
                        "app.example"));
  }

  @Test
  void requestWhenBaseUrlSetThenNoWarning() throws Exception {
    int from = LeakCheck.LINES.size();
    try (TestApp configured = new TestApp(provider, Map.of("base-url", "http://localhost:1/app"))) {
      RawHttp.send(configured.url(""), "GET", "/app/profile", "Host: app.example");
    }
    assertThat(warnings(from)).isEmpty();
  }
}
