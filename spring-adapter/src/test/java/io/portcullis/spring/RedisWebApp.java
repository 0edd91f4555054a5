package io.portcullis.spring;

import io.portcullis.core.PortcullisConfig;
import io.portcullis.servlet.PortcullisFilter;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A node of {@link RedisClusterTest}: the starter with Spring Session on Redis, all
 * auto-configured. Its own {@link PortcullisFilter} bean only to share the test provider's clock;
 * the starter still sets its Spring Session {@code SessionReloader} on it.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({TestWebApp.Pages.class, RedisWebApp.TokenPage.class})
class RedisWebApp {

  @Bean
  PortcullisFilter portcullisFilter(PortcullisConfig config) {
    return new PortcullisFilter(config, RedisClusterTest.CLOCK);
  }

  /** The current access token's SHA-256 (never the token), to compare nodes. */
  @RestController
  static class TokenPage {
    private final PortcullisAccessTokens tokens;

    TokenPage(PortcullisAccessTokens tokens) {
      this.tokens = tokens;
    }

    @GetMapping(path = "/token-hash", produces = MediaType.TEXT_PLAIN_VALUE)
    String tokenHash(HttpServletRequest request) {
      return request.getRemoteUser()
          + " "
          + tokens.current().map(RedisWebApp::sha256).orElse("none");
    }
  }

  static String sha256(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
