package io.portcullis.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testsupport.Browser;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 AC5: with {@code client-key-file} the filter answers the public JWK Set at {@code
 * client-jwks-path} in a real container (Jetty and Tomcat), before rules that deny everything and
 * without login, and logs in with {@code private_key_jwt} (the signature itself is verified by the
 * in-process provider in core and by Keycloak).
 */
class ClientJwksPathTest extends IntegrationTest {
  @TempDir static Path dir;
  static Path keyFile;
  static String privateBase64;

  @BeforeAll
  static void key() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    privateBase64 =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(generator.generateKeyPair().getPrivate().getEncoded());
    keyFile = dir.resolve("client-key.pem");
    Files.writeString(
        keyFile, "-----BEGIN PRIVATE KEY-----\n" + privateBase64 + "\n-----END PRIVATE KEY-----\n");
  }

  private static String body(String raw) {
    return raw.substring(raw.indexOf("\r\n\r\n") + 4);
  }

  @Test
  void jwksPathWhenAskedThenPublicKeyOnlyWithoutLoginWhateverTheRules() throws Exception {
    int from = LeakCheck.LINES.size();
    try (TestApp jwks =
        new TestApp(
            provider,
            Map.of(
                "client-secret", "",
                "client-key-file", keyFile.toString(),
                "client-jwks-path", "/.well-known/jwks.json",
                "rules", "/** deny"))) {
      String raw = RawHttp.send(jwks.url(""), "GET", "/app/.well-known/jwks.json");

      assertThat(RawHttp.status(raw)).isEqualTo(200);
      assertThat(raw)
          .containsIgnoringCase("Content-Type: application/jwk-set+json")
          .doesNotContainIgnoringCase("Set-Cookie");
      assertThat(body(raw))
          .startsWith("{\"keys\":[{")
          .contains("\"kty\":\"RSA\"", "\"use\":\"sig\"", "\"alg\":\"RS256\"", "\"kid\":")
          .doesNotContain("\"d\"", "\"p\"", "\"q\"", "\"dp\"", "\"dq\"", "\"qi\"");
      assertThat(RawHttp.status(RawHttp.send(jwks.url(""), "HEAD", "/app/.well-known/jwks.json")))
          .isEqualTo(200);
      assertThat(
              RawHttp.status(
                  RawHttp.send(
                      jwks.url(""), "POST", "/app/.well-known/jwks.json", "Content-Length: 0")))
          .as("other methods go to the rules")
          .isEqualTo(403);
    }
    String firstKeyLine = privateBase64.lines().findFirst().orElseThrow();
    assertThat(LeakCheck.LINES.subList(from, LeakCheck.LINES.size()))
        .as("no log line holds key material")
        .noneMatch(l -> l.contains(firstKeyLine));
  }

  @Test
  void loginWhenPrivateKeyJwtThenServed() throws Exception {
    try (TestApp signed =
        new TestApp(provider, Map.of("client-secret", "", "client-key-file", keyFile.toString()))) {
      assertThat(signed.filter.engine().awaitProvider(Duration.ofSeconds(10))).isTrue();
      Browser browser = browser();

      HttpResponse<String> page = browser.follow(browser.get(signed.url("/profile")));

      assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
      assertThat(page.uri().toString()).isEqualTo(signed.url("/profile"));
    }
  }
}
