package io.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Issue 10 finding 11: without base-url, one start-up warning that the Host header decides. */
class UrlsTest {
  private final List<String> warnings = new CopyOnWriteArrayList<>();
  private final Logger logger = Logger.getLogger("io.portcullis");
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          if (record.getLevel().intValue() >= Level.WARNING.intValue()
              && record.getMessage().contains("base-url")) {
            warnings.add(record.getMessage());
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void capture() {
    logger.addHandler(capture);
  }

  @AfterEach
  void release() {
    logger.removeHandler(capture);
  }

  private static PortcullisConfig config(String... keyValues) {
    Map<String, String> map = new java.util.HashMap<>(Map.of("client-id", "app"));
    for (int i = 0; i < keyValues.length; i += 2) {
      map.put(keyValues[i], keyValues[i + 1]);
    }
    return PortcullisConfig.of(map);
  }

  @Test
  void startWhenNoBaseUrlAndProviderElsewhereThenOneWarningAtOnce() {
    new Urls(config("issuer", "https://idp.example.com/realms/app"));
    assertThat(warnings)
        .singleElement()
        .satisfies(
            w ->
                assertThat(w)
                    .contains(
                        "base-url is not set",
                        "idp.example.com",
                        "Host header",
                        "redirect_uri",
                        "post-logout redirect",
                        "trusted-proxies"));
  }

  @Test
  void startWhenBaseUrlSetOrProviderOnLoopbackThenNoWarningAtStart() {
    new Urls(
        config(
            "issuer",
            "https://idp.example.com/realms/app",
            "base-url",
            "https://app.example.com/shop"));
    new Urls(config("issuer", "http://localhost:8080/realms/app"));
    new Urls(
        config(
            "issuer",
            "https://idp.example.com",
            "authorization-endpoint",
            "http://127.0.0.1:9/auth",
            "token-endpoint",
            "http://127.0.0.1:9/token",
            "jwks-uri",
            "http://127.0.0.1:9/jwks"));
    new Urls(config("issuer", "http://[::1]:8080/realms/app"));
    assertThat(warnings).isEmpty();
  }
}
