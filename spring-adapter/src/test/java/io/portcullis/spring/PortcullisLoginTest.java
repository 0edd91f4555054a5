package io.portcullis.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testsupport.Browser;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The starter end to end: a Spring Boot application on a random port, configured only by {@code
 * portcullis.*} properties (rules as a YAML-style list), against the fake OpenID provider
 * in-process, driven by a scripted browser.
 */
@SpringBootTest(
    classes = TestWebApp.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PortcullisLoginTest extends EndToEndTestBase {

  @Test
  void profileWhenNotLoggedInThenFullLoginAndTheAppSeesTheUser() throws Exception {
    Browser browser = new Browser();

    HttpResponse<String> profile = browser.navigate(at("/profile"), "alice");

    assertThat(profile.statusCode()).as(profile.body()).isEqualTo(200);
    assertThat(profile.uri()).isEqualTo(at("/profile"));
    assertThat(browser.logins).isEqualTo(1);
    assertThat(profile.body())
        .isEqualTo("user=alice readData=true token=true scopes=[openid, profile, read:data]");
    assertThat(browser.get(at("/")).body()).isEqualTo("home user=alice");
    HttpResponse<String> data = browser.get(at("/api/data"), "Accept", "application/json");
    assertThat(data.statusCode()).isEqualTo(200);
    assertThat(data.body()).isEqualTo("{\"user\":\"alice\"}");
  }

  @Test
  void homeWhenNotLoggedInThenPublic() throws Exception {
    HttpResponse<String> home = new Browser().get(at("/"));

    assertThat(home.statusCode()).isEqualTo(200);
    assertThat(home.body()).isEqualTo("home user=null");
  }

  @Test
  void adminWhenScopeMissingThen403NamingTheScope() throws Exception {
    Browser browser = new Browser();
    browser.navigate(at("/profile"), "alice");

    HttpResponse<String> admin = browser.navigate(at("/admin"), "alice");

    assertThat(admin.statusCode()).isEqualTo(403);
    assertThat(admin.body()).contains("admin");
    assertThat(browser.navigate(at("/admin"), "admin").statusCode())
        .isEqualTo(403); // still alice's session
  }

  @Test
  void adminWhenUserHasTheScopeThenPage() throws Exception {
    HttpResponse<String> admin = new Browser().navigate(at("/admin"), "admin");

    assertThat(admin.statusCode()).isEqualTo(200);
    assertThat(admin.body()).startsWith("user=admin");
  }

  @Test
  void apiWhenNotLoggedInThen401JsonAndNoCookie() throws Exception {
    Browser browser = new Browser();

    HttpResponse<String> data = browser.get(at("/api/data"), "Accept", "application/json");

    assertThat(data.statusCode()).isEqualTo(401);
    assertThat(data.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    assertThat(data.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    assertThat(data.body()).contains("\"login_url\"");
    assertThat(browser.cookies("localhost")).isEmpty();
  }

  @Test
  void logoutWhenConfirmedThenSessionEnds() throws Exception {
    Browser browser = new Browser();
    browser.navigate(at("/profile"), "alice");
    HttpResponse<String> form = browser.get(at("/logout"));
    assertThat(form.statusCode()).isEqualTo(200);
    String csrf = form.body().replaceAll("(?s).*name=\"csrf\" value=\"([^\"]+)\".*", "$1");

    HttpResponse<String> out =
        browser.post(at("/logout"), "csrf=" + URLEncoder.encode(csrf, StandardCharsets.UTF_8));

    assertThat(out.statusCode()).isEqualTo(302);
    assertThat(out.headers().firstValue("Location"))
        .hasValueSatisfying(l -> assertThat(l).startsWith(PROVIDER.issuer()));
    assertThat(browser.get(at("/api/data"), "Accept", "application/json").statusCode())
        .isEqualTo(401);
  }

  @Test
  void m2mWhenInterceptorAddsClientCredentialsTokenThenOwnApiAcceptsIt() throws Exception {
    Browser browser = new Browser();

    HttpResponse<String> m2m = browser.navigate(at("/m2m"), "alice");

    assertThat(m2m.statusCode()).as(m2m.body()).isEqualTo(200);
    assertThat(m2m.body()).isEqualTo("200 {\"user\":\"spring-app\"}");
  }

  @Test
  void healthWhenProviderMetadataLoadedThenUp() throws Exception {
    HttpResponse<String> health =
        new Browser().get(at("/actuator/health/portcullis"), "Accept", "application/json");

    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"status\":\"UP\"").contains("provider metadata loaded");
  }
}
