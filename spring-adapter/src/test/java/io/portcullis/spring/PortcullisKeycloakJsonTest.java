package io.portcullis.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.core.PortcullisConfig;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code portcullis.keycloak-config-file} alone switches Portcullis on: the quickstarts'
 * bearer-only keycloak.json makes a page answer 401, never a login redirect.
 */
@SpringBootTest(
    classes = PortcullisKeycloakJsonTest.App.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "portcullis.keycloak-config-file=classpath:keycloak-bearer-only.json")
class PortcullisKeycloakJsonTest {
  @Autowired Environment environment;
  @Autowired PortcullisConfig config;

  @SpringBootConfiguration
  @EnableAutoConfiguration
  @Import(App.Page.class)
  static class App {
    @RestController
    static class Page {
      @GetMapping("/profile")
      String profile(HttpServletRequest request) {
        return "user=" + request.getRemoteUser();
      }
    }
  }

  @Test
  void pageWhenBearerOnlyKeycloakJsonThen401AndNoRedirect() throws Exception {
    assertThat(config.clientId()).isEqualTo("service-jaxrs");
    assertThat(config.issuer().orElseThrow().toString())
        .isEqualTo("http://127.0.0.1:9/auth/realms/quickstart");
    String port = environment.getProperty("local.server.port");
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/profile"))
                    .header("Accept", "text/html")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("WWW-Authenticate")).contains("Bearer");
    assertThat(r.headers().firstValue("Location")).isEmpty();
  }
}
