package io.portcullis.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testsupport.Browser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue acceptance 3 through the real path (socket → Jetty → filter): path tricks that point at
 * {@code /admin} are either caught by the {@code /admin/** admin} rule (403 insufficient_scope for
 * a logged-in user without {@code admin}) or refused with 400 — never served.
 */
class PathBypassTest extends IntegrationTest {
  static String cookie;

  @BeforeAll
  static void logIn() {
    Browser browser = browser();
    login(browser, "/profile");
    cookie = "Cookie: " + browser.cookieHeader(TestApp.HOST);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "/app/admin",
        "/app/admin/",
        "/app/admin/x",
        "/app/admin/../admin",
        "/app//admin",
        "/app/admin;x=1",
        "/app/%61dmin",
        "/app/ADMIN",
        "/app/Admin/users",
        "/app/admin%2Fx",
        "/app/admin%2fx",
        "/app/admin//x",
        "/app/admin/./x",
        "/app/x/../admin",
        "/app/%2e%2e/app/admin",
        "/app/admin%00",
        "/app/admin%5cx",
        "/app/.;/admin",
        "/app/public/..;/admin",
        "/app/%2fadmin",
        "/app/adm%69n/users",
        "/app/admin;jsessionid=1/x",
        "/app/./admin",
        "/app/admin%3b/x"
      })
  void adminPathTrickWhenRequestedThenGuardedOrRefused(String target) {
    for (String method : new String[] {"GET", "HEAD", "POST", "PUT", "DELETE", "get"}) {
      String response =
          RawHttp.send(
              app.url(""), method, target, cookie, "Accept: application/json", "Content-Length: 0");
      int status = RawHttp.status(response);
      assertThat(status).as(method + " " + target + "\n" + response).isIn(400, 403, 404, 405);
      if (status == 403) {
        assertThat(response).as(method + " " + target).contains("insufficient_scope");
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "/app/reports/x",
        "/app/reports/",
        "/app/REPORTS/x",
        "/app/reports;a=b/x",
        "/app/reports/../reports/y"
      })
  void headWhenGetRuleThenSameScopeRequired(String target) {
    for (String method : new String[] {"GET", "HEAD"}) {
      int status =
          RawHttp.status(
              RawHttp.send(app.url(""), method, target, cookie, "Accept: application/json"));
      assertThat(status).as(method + " " + target).isIn(400, 403);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/app/HEALTH", "/app/Health"})
  void permitRuleWhenCaseDiffersThenNotPublic(String target) {
    String response = RawHttp.send(app.url(""), "GET", target, "Accept: application/json");
    assertThat(RawHttp.status(response)).isEqualTo(401);
  }
}
