package io.portcullis.samples.legacy;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testsupport.Browser;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sample end to end, as its launcher runs it: the web application from {@code src/main/webapp}
 * (its classes from the test class path) in embedded Jetty, the demo provider in-process, and a
 * scripted browser that logs in through the provider's login page.
 */
class LegacySampleTest {
  private static Main.Running app;
  private static URI base;

  @BeforeAll
  static void start() throws Exception {
    app = Main.start(0, 0, Path.of("src", "main", "webapp"), null);
    base = URI.create(app.url());
  }

  @AfterAll
  static void stop() throws Exception {
    if (app != null) {
      app.close();
    }
    System.clearProperty("portcullis.issuer");
  }

  private static URI at(String path) {
    return base.resolve(path);
  }

  @Test
  void homeWhenNotLoggedInThenPublicPage() throws Exception {
    Browser browser = new Browser();
    HttpResponse<String> home = browser.get(at("/"));

    assertThat(home.statusCode()).isEqualTo(200);
    assertThat(home.body()).contains("not logged in").contains("href=\"/profile\">Log in</a>");
    assertThat(browser.get(at("/health")).body()).isEqualTo("ok");
  }

  @Test
  void profileWhenAliceLogsInThenShowsHerAndMeReportsTheLogin() throws Exception {
    Browser browser = new Browser();
    HttpResponse<String> profile = browser.navigate(at("/profile"), "alice");

    assertThat(profile.statusCode()).isEqualTo(200);
    assertThat(profile.uri()).isEqualTo(at("/profile"));
    assertThat(browser.logins).isEqualTo(1);
    assertThat(profile.body())
        .contains("Logged in as <b>alice</b>")
        .contains("read:data")
        .contains("href=\"/logout\">Log out</a>");

    HttpResponse<String> me = browser.get(at("/me"), "Accept", "application/json");
    assertThat(me.statusCode()).isEqualTo(200);
    assertThat(me.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    assertThat(me.body())
        .contains("\"user\":\"alice\"")
        .contains("\"read:data\"")
        .doesNotContain("\"admin\"");
    Matcher hash = Pattern.compile("\"tokenHash\":\"([0-9a-f]+)\"").matcher(me.body());
    assertThat(hash.find()).isTrue();
    assertThat(hash.group(1)).hasSize(16);
    Matcher expires = Pattern.compile("\"expiresAt\":(\\d+)").matcher(me.body());
    assertThat(expires.find()).isTrue();
    assertThat(Long.parseLong(expires.group(1))).isGreaterThan(Instant.now().getEpochSecond());

    HttpResponse<String> home = browser.get(at("/"));
    assertThat(home.body()).contains("logged in as <b>alice</b>");
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
  void adminWhenUserIsNotAdminThenOneStepUpThen403OnTheAppsErrorPage() throws Exception {
    Browser browser = new Browser();
    browser.navigate(at("/profile"), "alice");

    HttpResponse<String> admin = browser.navigate(at("/admin"), "alice");

    assertThat(admin.statusCode()).isEqualTo(403);
    // web.xml maps 403 to the app's own page (container-error-pages): the reason, not the scope.
    assertThat(admin.body())
        .contains(ErrorPagesContract.APP_PAGE)
        .contains("<code id=\"reason\">scope.missing</code>");
    assertThat(browser.logins).isEqualTo(2); // the login, then one step-up the provider refused

    int visits = browser.visited.size();
    HttpResponse<String> again = browser.navigate(at("/admin"), "alice");
    assertThat(again.statusCode()).isEqualTo(403);
    assertThat(browser.visited.size() - visits).isEqualTo(1); // not sent to the provider again
  }

  @Test
  void m2mWhenLoggedInThenAppCallsItsOwnApiWithClientCredentialsToken() throws Exception {
    Browser browser = new Browser();
    HttpResponse<String> page = browser.navigate(at("/m2m"), "alice");

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body())
        .contains("<b id=\"status\">200</b>")
        .contains("alpha")
        .contains("&quot;user&quot;:&quot;legacy-webapp&quot;");
    HttpResponse<String> again = browser.get(at("/m2m"));
    String first = page.body().replaceAll("(?s).*SHA-256 prefix <code>([0-9a-f]+)</code>.*", "$1");
    assertThat(again.body()).contains("SHA-256 prefix <code>" + first + "</code>"); // cached
  }

  @Test
  void logoutWhenConfirmedThenLoggedOutHereAndAtTheProvider() throws Exception {
    Browser browser = new Browser();
    browser.navigate(at("/profile"), "alice");
    HttpResponse<String> form = browser.get(at("/logout"));
    assertThat(form.statusCode()).isEqualTo(200);
    String csrf = form.body().replaceAll("(?s).*name=\"csrf\" value=\"([^\"]+)\".*", "$1");
    HttpResponse<String> out = browser.post(at("/logout"), "csrf=" + csrf);
    assertThat(out.statusCode()).isEqualTo(302);
    assertThat(out.headers().firstValue("Location").orElseThrow()).contains("/endsession?");
    HttpResponse<String> home = browser.get(at("/"));
    assertThat(home.body()).contains("not logged in");
    HttpResponse<String> api = browser.get(at("/api/data"), "Accept", "application/json");
    assertThat(api.statusCode()).isEqualTo(401);
  }

  @Test
  void adminWhenUserIsAdminThenAdminPage() throws Exception {
    Browser browser = new Browser();

    HttpResponse<String> admin = browser.navigate(at("/admin"), "admin");

    assertThat(admin.statusCode()).isEqualTo(200);
    assertThat(admin.uri()).isEqualTo(at("/admin"));
    assertThat(admin.body())
        .contains("Welcome, administrator <b>admin</b>")
        .contains("isUserInRole(\"admin\")</code> is <b>true</b>");
    assertThat(browser.logins).isEqualTo(2); // login, then step-up for admin, granted to admin
    HttpResponse<String> me = browser.get(at("/me"), "Accept", "application/json");
    assertThat(me.body()).contains("\"user\":\"admin\"").contains("\"admin\"");
  }

  @Test
  void apiWhenNoSessionThen401Json() throws Exception {
    Browser browser = new Browser();
    HttpResponse<String> data = browser.get(at("/api/data"), "Accept", "application/json");

    assertThat(data.statusCode()).isEqualTo(401);
    assertThat(data.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    assertThat(data.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    assertThat(data.body()).contains("\"error\":\"unauthorized\"").contains("\"login_url\"");
    assertThat(browser.cookies(base.getHost())).isEmpty(); // an API request starts no login
  }

  @Test
  void callbackWhenStateIsForgedThen4xxPageAndNoLogin() throws Exception {
    Browser browser = new Browser();
    HttpResponse<String> toProvider = browser.get(at("/profile"));
    assertThat(toProvider.statusCode()).isEqualTo(302); // a login is pending in this browser

    HttpResponse<String> callback =
        browser.get(at("/oauth2/callback?code=stolen-code&state=forged-state"));

    assertThat(callback.statusCode()).isBetween(400, 499);
    assertThat(callback.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    assertThat(callback.body()).contains("state").doesNotContain("stolen-code");
    HttpResponse<String> me = browser.get(at("/me"), "Accept", "application/json");
    assertThat(me.statusCode()).isEqualTo(401);
  }
}
