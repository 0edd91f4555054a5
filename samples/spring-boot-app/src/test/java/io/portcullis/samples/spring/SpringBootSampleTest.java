package io.portcullis.samples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testsupport.Browser;
import java.net.URI;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The sample end to end, started as {@code java -jar} starts it (on a free port, with the demo
 * provider in-process), and a scripted browser that logs in through the provider's login page.
 */
class SpringBootSampleTest {
  private static ConfigurableApplicationContext app;
  private static URI base;

  @BeforeAll
  static void start() {
    // CI machines are small and shared: a cold provider's first token response may take seconds.
    app = SampleApplication.start("--server.port=0", "--portcullis.http-timeout=20");
    base =
        URI.create(
            "http://localhost:" + app.getEnvironment().getProperty("local.server.port") + "/");
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
  }

  private static URI at(String path) {
    return base.resolve(path);
  }

  @Test
  void homeWhenNotLoggedInThenPublicPageAndHealthUp() throws Exception {
    Browser browser = new Browser();
    HttpResponse<String> home = browser.get(at("/"));

    assertThat(home.statusCode()).isEqualTo(200);
    assertThat(home.body()).contains("not logged in").contains("href=\"/profile\">Log in</a>");
    HttpResponse<String> health =
        browser.get(at("/actuator/health/portcullis"), "Accept", "application/json");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"status\":\"UP\"");
  }

  @Test
  void profileWhenAliceLogsInThenShowsHerAndMeAndApiWork() throws Exception {
    Browser browser = new Browser();
    HttpResponse<String> profile = browser.navigate(at("/profile"), "alice");

    assertThat(profile.statusCode()).isEqualTo(200);
    assertThat(profile.uri()).isEqualTo(at("/profile"));
    assertThat(browser.logins).isEqualTo(1);
    assertThat(profile.body()).contains("Logged in as <b>alice</b>").contains("read:data");
    HttpResponse<String> me = browser.get(at("/me"), "Accept", "application/json");
    assertThat(me.statusCode()).isEqualTo(200);
    assertThat(me.body())
        .contains("\"user\":\"alice\"")
        .contains("\"read:data\"")
        .doesNotContain("\"admin\"");
    HttpResponse<String> data = browser.get(at("/api/data"), "Accept", "application/json");
    assertThat(data.statusCode()).isEqualTo(200);
    assertThat(data.body()).contains("\"user\":\"alice\"");
  }

  @Test
  void reportsWhenScopeNotAskedAtLoginThenStepUpGrantsIt() throws Exception {
    Browser browser = new Browser();
    browser.navigate(at("/profile"), "alice");

    HttpResponse<String> reports = browser.navigate(at("/reports"), "alice");

    assertThat(reports.statusCode()).isEqualTo(200);
    assertThat(reports.body()).contains("Quarterly reports for <b>alice</b>");
    assertThat(browser.logins).isEqualTo(2);
  }

  @Test
  void adminWhenUserIsNotAdminThen403NamingTheScope() throws Exception {
    Browser browser = new Browser();
    browser.navigate(at("/profile"), "alice");

    HttpResponse<String> admin = browser.navigate(at("/admin"), "alice");

    assertThat(admin.statusCode()).isEqualTo(403);
    assertThat(admin.body()).contains("<b>admin</b>");
  }

  @Test
  void adminWhenUserIsAdminThenAdminPage() throws Exception {
    HttpResponse<String> admin = new Browser().navigate(at("/admin"), "admin");

    assertThat(admin.statusCode()).isEqualTo(200);
    assertThat(admin.body())
        .contains("Welcome, administrator <b>admin</b>")
        .contains("isUserInRole(\"admin\")</code> is <b>true</b>");
  }

  @Test
  void m2mWhenLoggedInThenAppCallsItsOwnApiThroughTheInterceptor() throws Exception {
    HttpResponse<String> page = new Browser().navigate(at("/m2m"), "alice");

    assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
    assertThat(page.body())
        .contains("<b id=\"status\">200</b>")
        .contains("alpha")
        .contains("&quot;user&quot;:&quot;spring-boot-app&quot;");
  }

  @Test
  void apiWhenNoSessionThen401Json() throws Exception {
    Browser browser = new Browser();
    HttpResponse<String> data = browser.get(at("/api/data"), "Accept", "application/json");

    assertThat(data.statusCode()).isEqualTo(401);
    assertThat(data.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    assertThat(data.body()).contains("\"login_url\"");
    assertThat(browser.cookies(base.getHost())).isEmpty();
  }
}
