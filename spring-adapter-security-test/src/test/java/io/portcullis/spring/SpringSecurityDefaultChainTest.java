package io.portcullis.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testsupport.Browser;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * Why the README says to declare a {@code SecurityFilterChain}: without one, Spring Boot's default
 * chain asks for its own login after Portcullis's.
 */
@SpringBootTest(
    classes = TestWebApp.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SpringSecurityDefaultChainTest extends EndToEndTestBase {

  @Test
  void profileWhenNoChainDeclaredThenSpringBootsOwnLoginAfterPortcullis() throws Exception {
    Browser browser = new Browser();

    HttpResponse<String> end = browser.navigate(at("/profile"), "alice");

    assertThat(browser.logins).as("Portcullis's login at the provider happened").isEqualTo(1);
    assertThat(end.uri().getPath()).as(end.body()).isEqualTo("/login");
    assertThat(end.body()).doesNotContain("user=alice");
  }
}
