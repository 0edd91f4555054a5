package io.portcullis.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testsupport.Browser;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Issue 10 finding 4 (AC4): pre-login state never locks a browser out. Whatever URLs started them,
 * all pending logins of one browser together stay within {@link #BUDGET} bytes of cookie header, so
 * requests stay far below the containers' default header limits (8 KB on Jetty and on Tomcat;
 * neither is raised here), and the newest login still completes on a page of the app.
 */
class PreLoginCookieBudgetTest extends IntegrationTest {
  /** SPEC.md "Login state": all Portcullis cookies of one request at most ~4 KB. */
  static final int BUDGET = 4096;

  private static final String[] WORDS = {
    "reports",
    "quarter",
    "ünïcödé",
    "日本語",
    "€uro",
    "😀",
    "a-b.c",
    "x_y~z",
    "Ωμέγα",
    "segment",
    "0123456789"
  };

  /**
   * The bytes the browser sends for its Portcullis cookies: {@code name=value} joined by {@code ";
   * "}.
   */
  static int portcullisCookieBytes(Browser browser) {
    int bytes = 0;
    for (Map.Entry<String, String> c : browser.cookies(TestApp.HOST).entrySet()) {
      if (c.getKey().startsWith("PORTCULLIS_TX_")) {
        bytes +=
            (bytes == 0 ? 0 : 2)
                + c.getKey().length()
                + 1
                + c.getValue().getBytes(StandardCharsets.UTF_8).length;
      }
    }
    return bytes;
  }

  /** A percent-encoded path segment or query word, from ASCII and multibyte words. */
  private static String word(Random random) {
    String w = WORDS[random.nextInt(WORDS.length)] + random.nextInt(1000);
    StringBuilder out = new StringBuilder();
    for (byte b : w.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '.'
          || c == '_'
          || c == '~') {
        out.append((char) c);
      } else {
        out.append('%').append(String.format("%02X", c));
      }
    }
    return out.toString();
  }

  /**
   * A request target (path and query, as sent) of exactly {@code length} characters: a long path, a
   * long query, or both, with percent-encoded multibyte characters.
   */
  static String longTarget(Random random, int length) {
    StringBuilder t =
        new StringBuilder("/")
            .append(List.of("docs", "search", "deep", "items").get(random.nextInt(4)));
    int kind = random.nextInt(3); // 0: long path, 1: long query, 2: both
    int pathLength = kind == 0 ? length : kind == 1 ? 20 + random.nextInt(60) : length / 2;
    appendWords(t, random, "/", pathLength);
    if (kind != 0) {
      t.append("?q=").append(word(random));
      appendWords(t, random, "&", length);
    }
    // Whole words only (no escape or UTF-8 sequence is cut), then ASCII up to the exact length.
    while (t.length() < length) {
      t.append('z');
    }
    return t.toString();
  }

  private static void appendWords(StringBuilder t, Random random, String separator, int length) {
    while (true) {
      String w = separator.equals("&") ? word(random) + "=" + word(random) : word(random);
      if (t.length() + separator.length() + w.length() > length) {
        return;
      }
      t.append(separator).append(w);
    }
  }

  @Test
  void navigationsWhenManyLongUrlsThenCookiesStayInBudgetAndAppStaysReachable() {
    Random random = new Random(10_4);
    Browser browser = browser();
    String lastAuthorize = null;
    String lastTarget = null;
    for (int i = 0; i < 20; i++) {
      String target = longTarget(random, 2000 - app.url("").length());
      String url = app.url(target);
      assertThat(url).hasSize(2000);
      HttpResponse<String> r = browser.get(url);
      assertThat(r.statusCode()).as("navigation %d to %s", i, url).isEqualTo(302);
      lastAuthorize = Browser.location(r);
      lastTarget = target;
      assertThat(lastAuthorize).startsWith(provider.issuer() + "/authorize");
      assertThat(portcullisCookieBytes(browser))
          .as("Portcullis cookie bytes after navigation %d", i)
          .isLessThanOrEqualTo(BUDGET);
      app.clock.advance(java.time.Duration.ofMillis(3));
    }
    assertThat(browser.get(app.url("/")).statusCode()).as("public page").isEqualTo(200);
    assertThat(browser.get(app.url("/health")).statusCode()).as("/health").isEqualTo(200);

    // A fresh login completes ...
    HttpResponse<String> fresh = browser.open(app.url("/profile?tab=1"));
    assertThat(fresh.statusCode()).isEqualTo(200);
    assertThat(fresh.uri().toString()).isEqualTo(app.url("/profile?tab=1"));
    assertLoggedInAs(browser, "alice");
    assertThat(portcullisCookieBytes(browser)).isLessThanOrEqualTo(BUDGET);

    // ... and so does the most recent of the twenty, landing on a page of the app.
    HttpResponse<String> callback = browser.get(callbackFor(browser, lastAuthorize));
    assertThat(callback.statusCode()).as(callback.body()).isEqualTo(302);
    assertSafeLanding(Browser.location(callback), lastTarget);
    assertThat(browser.follow(callback).statusCode()).isEqualTo(200);
    assertLoggedInAs(browser, "alice");
  }

  /**
   * The landing page after a login started at {@code target}: the target itself when short, else
   * the target without its query, else the application root; always a path of the app.
   */
  static void assertSafeLanding(String landing, String target) {
    assertThat(landing).startsWith("/app/").doesNotStartWith("/app//").doesNotContain("\\");
    String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
    List<String> allowed = new ArrayList<>(List.of("/app" + target, "/app" + path, "/app/"));
    assertThat(allowed)
        .as("landing %s for %s", landing, target)
        .anyMatch(a -> URI.create(a).equals(URI.create(landing)));
  }

  @Test
  void navigationsWhenGeneratedUrlsThenEachLoginLandsInAppWithinBudget() {
    Random random = new Random(4_431);
    for (int i = 0; i < 12; i++) {
      Browser browser = browser();
      String target = longTarget(random, 40 + random.nextInt(2000 - app.url("").length() - 40));
      HttpResponse<String> r = browser.get(app.url(target));
      assertThat(r.statusCode()).isEqualTo(302);
      assertThat(portcullisCookieBytes(browser)).isLessThanOrEqualTo(BUDGET / 2);
      HttpResponse<String> callback = browser.get(callbackFor(browser, Browser.location(r)));
      assertSafeLanding(Browser.location(callback), target);
      if (target.length() <= 512) {
        assertThat(Browser.location(callback))
            .as("a short target is kept whole")
            .isEqualTo("/app" + target);
      }
    }
  }

  @Test
  void loginStartWhenEarlierPendingLoginExpiredThenItsCookieDeleted() {
    Browser browser = browser();
    startLogin(browser, "/first");
    String first = browser.cookiesStartingWith(TestApp.HOST, "PORTCULLIS_TX_");
    app.clock.advance(java.time.Duration.ofMinutes(11)); // this browser did not drop it itself
    HttpResponse<String> r = browser.get(app.url("/second"));
    assertThat(r.statusCode()).isEqualTo(302);
    assertThat(r.headers().allValues("Set-Cookie"))
        .anyMatch(c -> c.startsWith(first + "=;") && c.contains("Max-Age=0"));
    assertThat(browser.cookiesStartingWith(TestApp.HOST, "PORTCULLIS_TX_"))
        .doesNotContain(first)
        .isNotEmpty();
  }

  @Test
  void loginStartWhenEightShortPendingLoginsThenOldestEvictedFirst() {
    Browser browser = browser();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      startLogin(browser, "/tab-" + i);
      app.clock.advance(java.time.Duration.ofMillis(5));
      names.add(browser.cookiesStartingWith(TestApp.HOST, "PORTCULLIS_TX_").replaceAll(".* ", ""));
      assertThat(portcullisCookieBytes(browser)).isLessThanOrEqualTo(BUDGET);
    }
    List<String> held =
        List.of(browser.cookiesStartingWith(TestApp.HOST, "PORTCULLIS_TX_").split(" "));
    assertThat(held)
        .hasSizeBetween(7, 8)
        .contains(names.get(9), names.get(8), names.get(7))
        .doesNotContain(names.get(0), names.get(1));
  }
}
