package io.portcullis.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testsupport.Browser;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue acceptance 4 and THREATS group C: no crafted original URL or return target makes the
 * post-login (or post-logout) redirect leave the application; absolute URLs come from
 * configuration, forwarded headers only from trusted proxies.
 */
class RedirectSafetyTest extends IntegrationTest {

  /** The post-login redirect must be a path of this application: one '/', then /app. */
  private static void assertStaysInApp(String location) {
    assertThat(location).startsWith("/app/").doesNotStartWith("//").doesNotContain("\\");
    URI resolved = URI.create(app.url("/")).resolve(location);
    assertThat(resolved.getHost()).isEqualTo("localhost");
    assertThat(resolved.getPort()).isEqualTo(URI.create(app.url("/")).getPort());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "//evil.example",
        "https://evil.example",
        "http://evil.example/x",
        "/\\evil.example",
        "\\/evil.example",
        "/\t/evil.example",
        "/%09/evil.example",
        "/%2F%2Fevil.example",
        "%2F%2Fevil.example",
        "/%5Cevil.example",
        "https:evil.example",
        "javascript:alert(1)",
        "data:text/html,x",
        "/%0d%0aLocation:%20https://evil.example",
        "https://localhost@evil.example",
        "//evil.example/%2e%2e",
        "///evil.example",
        "/\\/evil.example",
        "%68ttps://evil.example",
        "/.//evil.example",
        "/..//evil.example"
      })
  void returnToWhenCraftedThenPostLoginRedirectStaysInApp(String target) {
    Browser browser = browser();
    HttpResponse<String> start =
        browser.get(app.url("/oauth2/callback?return_to=" + Browser.enc(target)));
    if (start.statusCode() != 302) {
      assertThat(start.statusCode()).isEqualTo(400);
      return;
    }
    HttpResponse<String> callback = browser.get(callbackFor(browser, Browser.location(start)));
    assertThat(callback.statusCode()).isEqualTo(302);
    assertStaysInApp(Browser.location(callback));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "//evil.example",
        "//evil.example/x",
        "/%2F%2Fevil.example",
        "/%5Cevil.example",
        "/.//evil.example",
        "/x/..//evil.example",
        "/\\evil.example"
      })
  void originalUrlWhenCraftedThenPostLoginRedirectStaysInApp(String path) {
    Browser browser = browser();
    String raw = RawHttp.send(app.url(""), "GET", "/app" + path);
    int status = RawHttp.status(raw);
    assertThat(status).as(raw).isIn(302, 400);
    if (status == 400) {
      return;
    }
    String authorize =
        raw.lines()
            .filter(l -> l.regionMatches(true, 0, "Location:", 0, 9))
            .findFirst()
            .orElseThrow()
            .substring(9)
            .trim();
    for (String line : raw.lines().toList()) {
      if (line.regionMatches(true, 0, "Set-Cookie:", 0, 11)) {
        browser.store(TestApp.HOST, line.substring(11).trim());
      }
    }
    HttpResponse<String> callback = browser.get(callbackFor(browser, authorize));
    assertThat(callback.statusCode()).isEqualTo(302);
    assertStaysInApp(Browser.location(callback));
  }

  @Test
  void hostHeaderWhenForgedAndBaseUrlConfiguredThenRedirectUriFromConfiguration() throws Exception {
    try (TestApp configured = new TestApp(provider, Map.of("base-url", "http://localhost:1/app"))) {
      String raw =
          RawHttp.send(
              configured.url(""),
              "GET",
              "/app/profile",
              "Host: evil.example",
              "X-Forwarded-Host: evil.example",
              "Forwarded: host=evil.example;proto=https");
      assertThat(raw)
          .contains("redirect_uri=http%3A%2F%2Flocalhost%3A1%2Fapp%2Foauth2%2Fcallback")
          .doesNotContain("evil.example");
    }
  }

  @Test
  void forwardedHeadersWhenPeerNotTrustedThenIgnored() {
    Browser browser = browser();
    HttpResponse<String> r =
        browser.get(
            app.url("/profile"),
            Map.of(
                "X-Forwarded-Host",
                "evil.example",
                "X-Forwarded-Proto",
                "https",
                "Forwarded",
                "host=evil.example;proto=https"));
    assertThat(Browser.param(Browser.location(r), "redirect_uri"))
        .isEqualTo(app.url("/oauth2/callback"));
  }

  @Test
  void forwardedHeadersWhenPeerTrustedThenUsed() throws Exception {
    try (TestApp proxied = new TestApp(provider, Map.of("trusted-proxies", "127.0.0.1, ::1"))) {
      Browser browser = browser();
      HttpResponse<String> r =
          browser.get(
              proxied.url("/profile"),
              Map.of("X-Forwarded-Host", "app.example", "X-Forwarded-Proto", "https"));
      assertThat(Browser.param(Browser.location(r), "redirect_uri"))
          .isEqualTo("https://app.example/app/oauth2/callback");
      assertThat(r.headers().allValues("Set-Cookie"))
          .anyMatch(c -> c.startsWith("PORTCULLIS_TX_") && c.contains("Secure"));
    }
  }

  @Test
  void logoutWhenRedirectParametersGivenThenIgnored() {
    Browser browser = browser();
    login(browser, "/profile");
    HttpResponse<String> form = browser.get(app.url("/logout"));
    String csrf = form.body().replaceAll("(?s).*name=\"csrf\" value=\"([^\"]+)\".*", "$1");
    HttpResponse<String> out =
        browser.post(
            app.url(
                "/logout?post_logout_redirect_uri=https%3A%2F%2Fevil.example&redirect=https%3A%2F%2Fevil.example"),
            Map.of("csrf", csrf, "post_logout_redirect_uri", "\\\\evil.example"));
    assertThat(out.statusCode()).isEqualTo(302);
    String location = Browser.location(out);
    assertThat(location).startsWith(provider.issuer() + "/endsession?");
    assertThat(Browser.param(location, "post_logout_redirect_uri")).isEqualTo(app.url("/"));
    assertThat(location).doesNotContain("evil");
  }
}
