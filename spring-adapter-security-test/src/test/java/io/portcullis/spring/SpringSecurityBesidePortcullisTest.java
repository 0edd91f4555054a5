package io.portcullis.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testsupport.Browser;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * README "Filter order and Spring Security", as advised: Spring Security on the class path with
 * {@code permitAll()} and {@code servletApi(disable)}; Portcullis logs the user in, the application
 * sees Portcullis's user, Spring Security's filters still run (its response headers), and
 * Portcullis's own endpoints answer before Spring Security's CSRF filter sees them.
 */
@SpringBootTest(
    classes = {TestWebApp.class, SpringSecurityConfigs.PermitAllWithoutServletApi.class},
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SpringSecurityBesidePortcullisTest extends EndToEndTestBase {

  @Test
  void profileWhenNotLoggedInThenPortcullisLoginAndTheAppSeesTheUser() throws Exception {
    Browser browser = new Browser();

    HttpResponse<String> profile = browser.navigate(at("/profile"), "alice");

    assertThat(profile.statusCode()).as(profile.body()).isEqualTo(200);
    assertThat(profile.uri()).isEqualTo(at("/profile"));
    assertThat(browser.logins).isEqualTo(1);
    assertThat(profile.body())
        .isEqualTo("user=alice readData=true token=true scopes=[openid, profile, read:data]");
    assertThat(profile.headers().firstValue("X-Content-Type-Options"))
        .as("Spring Security's header writer ran on the same request")
        .hasValue("nosniff");
  }

  @Test
  void apiWhenNotLoggedInThenPortcullis401NotSpringSecurity() throws Exception {
    HttpResponse<String> data = new Browser().get(at("/api/data"), "Accept", "application/json");

    assertThat(data.statusCode()).isEqualTo(401);
    assertThat(data.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    assertThat(data.body()).contains("\"login_url\"");
  }

  @Test
  void logoutWhenConfirmedThenPortcullisEndsTheSessionDespiteSpringCsrf() throws Exception {
    Browser browser = new Browser();
    browser.navigate(at("/profile"), "alice");
    HttpResponse<String> form = browser.get(at("/logout"));
    assertThat(form.statusCode()).isEqualTo(200);
    String csrf = form.body().replaceAll("(?s).*name=\"csrf\" value=\"([^\"]+)\".*", "$1");

    HttpResponse<String> out =
        browser.post(at("/logout"), "csrf=" + URLEncoder.encode(csrf, StandardCharsets.UTF_8));

    assertThat(out.statusCode()).as(out.body()).isEqualTo(302);
    assertThat(out.headers().firstValue("Location"))
        .hasValueSatisfying(l -> assertThat(l).startsWith(PROVIDER.issuer()));
    assertThat(browser.get(at("/api/data"), "Accept", "application/json").statusCode())
        .isEqualTo(401);
  }
}
