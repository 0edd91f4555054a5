package io.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.System.Logger.Level;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 10 finding 11: without base-url, one start-up warning that the Host header decides (the
 * {@link Diagnostics#REDIRECT_URI} finding, which the engine logs at start-up: DiagnosticsTest).
 */
class UrlsTest {

  private static PortcullisConfig config(String... keyValues) {
    Map<String, String> map = new java.util.HashMap<>(Map.of("client-id", "app"));
    for (int i = 0; i < keyValues.length; i += 2) {
      map.put(keyValues[i], keyValues[i + 1]);
    }
    return PortcullisConfig.of(map);
  }

  @Test
  void startWhenNoBaseUrlAndProviderElsewhereThenWarningAtOnce() {
    Diagnostics.Finding finding =
        new Urls(config("issuer", "https://idp.example.com/realms/app")).redirectUriFinding();
    assertThat(finding.level()).isEqualTo(Level.WARNING);
    assertThat(finding.message())
        .contains(
            "base-url is not set",
            "idp.example.com",
            "Host header",
            "redirect_uri",
            "post-logout redirect",
            "trusted-proxies");
  }

  @Test
  void startWhenBaseUrlSetOrProviderOnLoopbackThenNoWarningAtStart() {
    for (PortcullisConfig config :
        new PortcullisConfig[] {
          config(
              "issuer",
              "https://idp.example.com/realms/app",
              "base-url",
              "https://app.example.com/shop"),
          config("issuer", "http://localhost:8080/realms/app"),
          config(
              "issuer",
              "https://idp.example.com",
              "authorization-endpoint",
              "http://127.0.0.1:9/auth",
              "token-endpoint",
              "http://127.0.0.1:9/token",
              "jwks-uri",
              "http://127.0.0.1:9/jwks"),
          config("issuer", "http://[::1]:8080/realms/app")
        }) {
      assertThat(new Urls(config).redirectUriFinding().level())
          .as(config.toString())
          .isEqualTo(Level.INFO);
    }
  }
}
