package io.portcullis.core;

import static io.portcullis.core.EngineFixture.queryParam;
import static io.portcullis.core.EngineLoginTest.reason;
import static io.portcullis.core.EngineLoginTest.status;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Logout (SPEC.md "Logout"; THREATS G-12), through {@link Portcullis#handle} only. */
class EngineLogoutTest {
  private final EngineFixture f = new EngineFixture();

  @AfterEach
  void stop() {
    f.close();
  }

  private void loggedIn(String... config) {
    f.start(config);
    f.login("/page");
    assertThat(f.login()).isNotNull();
  }

  @Test
  void getWhenLoggedInThenConfirmationPageWithTheSessionsCsrfTokenAndSessionKept() {
    loggedIn();
    Outcome outcome = f.get("/logout");
    assertThat(outcome).isInstanceOf(Outcome.Page.class);
    Outcome.Page page = (Outcome.Page) outcome;
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.htmlBody())
        .contains(
            "<form method=\"post\" action=\"/logout\">",
            "name=\"csrf\" value=\"" + f.login().logoutToken() + "\"",
            "alice");
    assertThat(f.login()).isNotNull();
  }

  @Test
  void postWithCsrfTokenThenSessionInvalidatedAndRedirectToEndSession() {
    loggedIn();
    LoginSession login = f.login();
    Outcome outcome = f.send(f.browser("POST", "/logout").param("csrf", login.logoutToken()));

    assertThat(f.session.invalidations()).isEqualTo(1);
    assertThat(f.login()).isNull();
    assertThat(outcome).isInstanceOf(Outcome.Redirect.class);
    String url = ((Outcome.Redirect) outcome).location();
    assertThat(url).startsWith(f.provider.endSessionEndpoint() + "?");
    assertThat(queryParam(url, "id_token_hint")).isEqualTo(login.idToken());
    assertThat(queryParam(url, "client_id")).isEqualTo(EngineFixture.CLIENT_ID);
    assertThat(queryParam(url, "post_logout_redirect_uri")).isEqualTo("https://app.example.com/");
    assertThat(queryParam(url, "state")).isNotEmpty();

    // logged out: the next navigation starts a login
    assertThat(((Outcome.Redirect) f.get("/page")).location())
        .startsWith(f.provider.authorizationEndpoint() + "?");
  }

  @Test
  void postWithConfiguredPostLogoutTargetThenItIsTheRedirectUri() {
    loggedIn("post-logout-redirect-uri", "/bye");
    Outcome outcome = f.send(f.browser("POST", "/logout").param("csrf", f.login().logoutToken()));
    assertThat(queryParam(((Outcome.Redirect) outcome).location(), "post_logout_redirect_uri"))
        .isEqualTo("https://app.example.com/bye");
  }

  @Test
  void postWithoutOrWithWrongCsrfTokenThenRejected403AndLoginKept() {
    loggedIn();
    String token = f.login().logoutToken();
    List<InMemoryExchange> forged =
        List.of(
            f.browser("POST", "/logout"),
            f.browser("POST", "/logout").param("csrf", ""),
            f.browser("POST", "/logout").param("csrf", token + "x"),
            f.browser("POST", "/logout").param("csrf", token.substring(1)),
            f.browser("POST", "/logout").param("csrf", token).param("csrf", token));
    for (InMemoryExchange request : forged) {
      Outcome outcome = f.send(request);
      assertThat(status(outcome)).isEqualTo(403);
      assertThat(reason(outcome)).isEqualTo("logout.csrf");
      assertThat(((Outcome.Rejected) outcome).retryUrl()).isEqualTo("/logout");
    }
    assertThat(f.login()).isNotNull();
    assertThat(f.session.invalidations()).isZero();
  }

  @Test
  void otherMethodThenRejected405() {
    loggedIn();
    for (String method : List.of("PUT", "DELETE", "PATCH")) {
      Outcome outcome = f.send(f.browser(method, "/logout").param("csrf", f.login().logoutToken()));
      assertThat(status(outcome)).as(method).isEqualTo(405);
      assertThat(reason(outcome)).isEqualTo("method");
    }
    assertThat(f.login()).isNotNull();
  }

  @Test
  void getOrPostWhenNotLoggedInThenLocalRedirectAndNoSessionCreated() {
    f.start();
    assertThat(f.get("/logout")).isEqualTo(new Outcome.Redirect("/", false));
    assertThat(f.send(f.browser("POST", "/logout"))).isEqualTo(new Outcome.Redirect("/", false));
    assertThat(f.session.id()).isNull();
  }
}
