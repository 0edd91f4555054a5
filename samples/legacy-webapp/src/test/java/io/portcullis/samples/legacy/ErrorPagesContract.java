package io.portcullis.samples.legacy;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testsupport.Browser;
import java.net.URI;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * The sample WAR's own error pages (issue 12 AC8): its {@code web.xml} maps {@code 400}, {@code
 * 403} and {@code 503} to {@link ErrorPageServlet} and lists them in {@code container-error-pages},
 * so Portcullis's browser refusals with those statuses reach that page with the reason code, while
 * API answers stay JSON. Each container's test deploys the WAR from {@code src/main/webapp}, with
 * the demo provider up, and a second copy whose issuer nobody answers.
 */
abstract class ErrorPagesContract {
  /** The WAR's own page, framed by the sample's pages (never Portcullis's). */
  static final String APP_PAGE = "<div id=\"sample-error-page\">";

  /** The application's URL (ending in {@code /}), its provider up. */
  abstract URI app();

  /** The application's URL (ending in {@code /}) in a deployment whose issuer cannot be reached. */
  abstract URI appWithProviderDown();

  @Test
  void adminWhenLoggedInUserLacksTheScopeThenAppsOwn403PageWithTheReason() throws Exception {
    Browser browser = new Browser();
    assertThat(browser.navigate(app().resolve("profile"), "alice").statusCode()).isEqualTo(200);

    HttpResponse<String> admin = browser.navigate(app().resolve("admin"), "alice");

    assertThat(admin.statusCode()).isEqualTo(403);
    assertThat(admin.uri()).isEqualTo(app().resolve("admin"));
    assertAppPage(admin, 403, "scope.missing");
    assertThat(admin.body())
        .contains("This page needs a scope your sign-in was not granted.")
        .doesNotContain("Welcome, administrator");
    assertThat(browser.logins).isEqualTo(2); // the login, then one step-up the provider refused
  }

  @Test
  void adminWhenApiRequestOfUserLackingTheScopeThen403JsonNotThePage() throws Exception {
    Browser browser = new Browser();
    browser.navigate(app().resolve("profile"), "alice");

    HttpResponse<String> admin = browser.get(app().resolve("admin"), "Accept", "application/json");

    assertThat(admin.statusCode()).isEqualTo(403);
    assertJson(admin);
  }

  @Test
  void apiWhenBearerTokenIsBadThen401JsonNotThePage() throws Exception {
    HttpResponse<String> data =
        new Browser()
            .get(
                app().resolve("api/data"),
                "Accept",
                "application/json",
                "Authorization",
                "Bearer not-a-token");

    assertThat(data.statusCode()).isEqualTo(401);
    assertThat(data.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer").contains("invalid_token"));
    assertJson(data);
  }

  @Test
  void callbackWhenStateIsForgedThenAppsOwn400PageAndNoLogin() throws Exception {
    Browser browser = new Browser();
    assertThat(browser.get(app().resolve("profile")).statusCode()).isEqualTo(302);

    HttpResponse<String> callback =
        browser.get(app().resolve("oauth2/callback?code=stolen-code&state=forged-state"));

    assertThat(callback.statusCode()).isEqualTo(400);
    assertAppPage(callback, 400, "state.");
    assertThat(callback.body())
        .contains("Sign in again")
        .doesNotContain("stolen-code")
        .doesNotContain("forged-state");
    assertThat(browser.get(app().resolve("me"), "Accept", "application/json").statusCode())
        .isEqualTo(401);
  }

  @Test
  void profileWhenProviderDownThenAppsOwn503PageWithLoginUnavailable() throws Exception {
    HttpResponse<String> profile = new Browser().get(appWithProviderDown().resolve("profile"));

    assertThat(profile.statusCode()).isEqualTo(503);
    assertThat(profile.headers().firstValue("Retry-After")).isPresent();
    assertAppPage(profile, 503, "login.unavailable");
    assertThat(profile.body()).contains("The identity provider cannot be reached right now.");
  }

  @Test
  void apiWhenProviderDownThenJsonNotThePage() throws Exception {
    HttpResponse<String> data =
        new Browser()
            .get(
                appWithProviderDown().resolve("api/data"),
                "Accept",
                "application/json",
                "Authorization",
                "Bearer not-a-token");

    assertThat(data.statusCode()).isBetween(401, 503);
    assertJson(data);
  }

  @Test
  void errorPageWhenOpenedDirectlyThen404AndNoError() throws Exception {
    HttpResponse<String> error = new Browser().get(app().resolve("error"));

    assertThat(error.statusCode()).isEqualTo(404);
    assertThat(error.body()).doesNotContain(APP_PAGE);
  }

  /**
   * {@code response} is the WAR's page for {@code status}, naming a reason that starts with {@code
   * reason}, as HTML with no stack trace, and not Portcullis's own page.
   */
  static void assertAppPage(HttpResponse<String> response, int status, String reason) {
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(response.body())
        .as("the application's error page")
        .contains(APP_PAGE)
        .contains(" · Portcullis sample</title>")
        .contains("Status <b id=\"status\">" + status + "</b>")
        .containsPattern(
            "Reason: <code id=\"reason\">"
                + java.util.regex.Pattern.quote(reason)
                + "[a-z_.]*</code>")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
  }

  /** {@code response} is Portcullis's JSON answer, not a page. */
  static void assertJson(HttpResponse<String> response) {
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    assertThat(response.body()).startsWith("{").contains("\"error\"").doesNotContain(APP_PAGE);
  }
}
