package io.portcullis.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 AC2 through the filter in a real container (Jetty and Tomcat): the start-up checks log
 * one line each, and the ones a configuration gets wrong say so at WARNING, naming the key.
 */
class StartupChecksTest extends IntegrationTest {

  private static List<String> checks(int from, String code) {
    return LeakCheck.LINES.subList(from, LeakCheck.LINES.size()).stream()
        .filter(l -> l.contains("portcullis.check " + code + ": "))
        .toList();
  }

  @Test
  void startWhenFormPostOverPlainHttpAndAShadowedRuleThenWarningsNameTheKeys() throws Exception {
    int from = LeakCheck.LINES.size();
    try (TestApp wrong =
        new TestApp(
            provider,
            Map.of(
                "response-mode", "form_post",
                "base-url", "http://app.example/app",
                "rules", "/** authenticated\n/public/** permit"))) {
      assertThat(wrong.filter.engine().awaitProvider(Duration.ofSeconds(10))).isTrue();
      assertThat(wrong.filter.engine().diagnostics().hasWarnings()).isTrue();
    }
    assertThat(checks(from, "response-mode"))
        .singleElement()
        .asString()
        .startsWith("WARNING ")
        .contains("form_post", "http://app.example/app", "base-url", "response-mode=query");
    assertThat(checks(from, "rules"))
        .singleElement()
        .asString()
        .startsWith("WARNING ")
        .contains("rule 2 \"/public/** permit\" never applies");
    assertThat(checks(from, "redirect-uri"))
        .singleElement()
        .asString()
        .startsWith("INFO ")
        .contains("redirect_uri is http://app.example/app/oauth2/callback");
    for (String code : List.of("provider", "clock", "issuer")) {
      assertThat(checks(from, code)).as(code).singleElement().asString().startsWith("INFO ");
    }
    assertThat(LeakCheck.LINES.subList(from, LeakCheck.LINES.size()))
        .noneMatch(l -> l.contains(TestApp.CLIENT_SECRET));
  }
}
