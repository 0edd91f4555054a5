package io.portcullis.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.servlet.PortcullisFilter;
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
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Issue 4 acceptance 2 over HTTP: with {@code portcullis.enabled=false} the app is not protected.
 */
@SpringBootTest(
    classes = PortcullisDisabledTest.App.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "portcullis.enabled=false",
      "portcullis.issuer=http://127.0.0.1:9/never",
      "portcullis.client-id=app"
    })
class PortcullisDisabledTest {
  @Autowired ApplicationContext context;
  @Autowired Environment environment;

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
  void protectedPageWhenDisabledThenServedWithoutLogin() throws Exception {
    String port = environment.getProperty("local.server.port");
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/profile")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("user=null");
    assertThat(r.headers().allValues("Set-Cookie")).isEmpty();
    assertThat(context.getBeansOfType(PortcullisFilter.class)).isEmpty();
  }
}
