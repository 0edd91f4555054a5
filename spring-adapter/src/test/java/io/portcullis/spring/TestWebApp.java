package io.portcullis.spring;

import io.portcullis.testsupport.FakeProvider;
import io.portcullis.testsupport.MutableClock;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.Set;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientResponseException;

/**
 * A small Spring Boot web application behind the starter, for the end-to-end tests. Spring Session
 * and Redis are on the test class path (for {@link RedisClusterTest}); this application keeps its
 * sessions in memory and needs no Redis.
 */
@SpringBootConfiguration
@EnableAutoConfiguration(
    excludeName = {
      // Spring Boot 3.5
      "org.springframework.boot.autoconfigure.session.SessionAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.data.redis.RedisHealthContributorAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.data.redis.RedisReactiveHealthContributorAutoConfiguration",
      // Spring Boot 4.0
      "org.springframework.boot.session.autoconfigure.SessionAutoConfiguration",
      "org.springframework.boot.session.data.redis.autoconfigure.SessionDataRedisAutoConfiguration",
      "org.springframework.boot.data.redis.autoconfigure.health.DataRedisHealthContributorAutoConfiguration",
      "org.springframework.boot.data.redis.autoconfigure.health.DataRedisReactiveHealthContributorAutoConfiguration"
    })
@Import(TestWebApp.Pages.class)
class TestWebApp {

  /**
   * The provider of the end-to-end tests, dating its tokens by {@code clock}: the shared fake
   * provider with the samples' policy (a login page where any user name logs in, {@code admin}
   * granted only to the user {@code admin}) and hour-long access tokens; refresh tokens rotate.
   */
  static FakeProvider provider(MutableClock clock) {
    FakeProvider provider = new FakeProvider(clock);
    provider.loginPage(true);
    provider.grantOnlyTo("admin", "admin");
    provider.expiresIn(Duration.ofHours(1));
    return provider;
  }

  /**
   * The {@code portcullis.*} properties of the end-to-end tests, against {@code provider}: the
   * rules as a YAML-style list, bearer tokens of the application's own clients accepted.
   */
  static void portcullisProperties(DynamicPropertyRegistry registry, FakeProvider provider) {
    registry.add("portcullis.issuer", provider::issuer);
    registry.add("portcullis.client-id", () -> "spring-app");
    registry.add(
        "portcullis.client-secret", () -> "spring-app-secret-that-is-long-enough-for-hs256");
    registry.add("portcullis.scopes", () -> "openid profile read:data");
    registry.add("portcullis.bearer-tokens", () -> "own-clients");
    // CI machines are small and shared: a cold provider's first token response may take seconds.
    registry.add("portcullis.http-timeout", () -> "20");
    registry.add("portcullis.rules[0]", () -> "/                    permit");
    registry.add("portcullis.rules[1]", () -> "GET,HEAD /actuator/health/** permit");
    registry.add("portcullis.rules[2]", () -> "/admin/**            admin");
    registry.add("portcullis.rules[3]", () -> "/api/**              read:data");
    registry.add("portcullis.rules[4]", () -> "/**                  authenticated");
    registry.add("management.endpoint.health.show-details", () -> "always");
  }

  /** Pages that echo what the application sees; never a token (only whether there is one). */
  @RestController
  static class Pages {
    private final PortcullisAccessTokens tokens;
    private final PortcullisClientCredentialsInterceptor interceptor;

    Pages(PortcullisAccessTokens tokens, PortcullisClientCredentialsInterceptor interceptor) {
      this.tokens = tokens;
      this.interceptor = interceptor;
    }

    @GetMapping(path = "/", produces = MediaType.TEXT_PLAIN_VALUE)
    String home(HttpServletRequest request) {
      return "home user=" + request.getRemoteUser();
    }

    @GetMapping(
        path = {"/profile", "/admin"},
        produces = MediaType.TEXT_PLAIN_VALUE)
    String profile(HttpServletRequest request) {
      return "user="
          + request.getRemoteUser()
          + " readData="
          + request.isUserInRole("read:data")
          + " token="
          + tokens.current().map(t -> t.startsWith("eyJ")).orElse(false)
          + " scopes="
          + tokens.currentIdentity().map(i -> new java.util.TreeSet<>(i.scopes())).orElse(null);
    }

    @GetMapping(path = "/api/data", produces = MediaType.APPLICATION_JSON_VALUE)
    String data(HttpServletRequest request) {
      return "{\"user\":\"" + request.getRemoteUser() + "\"}";
    }

    /**
     * Calls this application's own API with a client-credentials token, through the interceptor.
     */
    @GetMapping(path = "/m2m", produces = MediaType.TEXT_PLAIN_VALUE)
    String m2m(HttpServletRequest request) {
      RestClient client =
          RestClient.builder()
              .baseUrl("http://127.0.0.1:" + request.getLocalPort())
              .requestInterceptor(interceptor.withScopes(Set.of("read:data")))
              .build();
      try {
        return "200 "
            + client
                .get()
                .uri("/api/data")
                .accept(MediaType.APPLICATION_JSON)
                .retrieve()
                .body(String.class);
      } catch (RestClientResponseException e) {
        return e.getStatusCode().value() + " " + e.getResponseBodyAsString();
      } catch (RuntimeException e) {
        return e.getClass().getSimpleName() + " " + e.getMessage();
      }
    }
  }
}
