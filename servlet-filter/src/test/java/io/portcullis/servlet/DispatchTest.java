package io.portcullis.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testsupport.Browser;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 10 AC8, every dispatch is checked: a public page ({@code /health}, rule {@code permit})
 * whose servlet forwards, includes or async-dispatches to a path the caller chooses, and error
 * pages, on Jetty and Tomcat. What the user may not see is 403 (no login started); what they may
 * see is served, and the application sees the dispatch it made.
 */
class DispatchTest extends IntegrationTest {
  static Browser alice;

  /** Hides IntegrationTest's: the same servers, with error pages. */
  @BeforeAll
  static void startServers() throws Exception {
    LeakCheck.install();
    provider = new TestProvider();
    app = TestApp.withErrorPages(provider);
    alice = browser();
    login(alice, "/profile");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"forward", "async"})
  void dispatchWhenTargetNeedsScopeUserLacksThenForbidden(String how) {
    for (String target :
        new String[] {"/admin", "/admin/users", "/admin/../admin/x", "/./admin/"}) {
      HttpResponse<String> r = alice.get(app.url("/health?" + how + "=" + Browser.enc(target)));
      assertThat(r.statusCode()).as(how + " " + target + ": " + r.body()).isEqualTo(403);
      assertThat(r.body()).as(how + " " + target).doesNotContain("servletPath");
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"forward", "async"})
  void dispatchWhenAnonymousAndTargetNeedsLoginThenForbiddenWithoutLogin(String how) {
    Browser anonymous = browser();
    for (String target : new String[] {"/profile", "/api/data", "/admin"}) {
      HttpResponse<String> r = anonymous.get(app.url("/health?" + how + "=" + Browser.enc(target)));
      assertThat(r.statusCode()).as(how + " " + target).isEqualTo(403);
      assertThat(r.headers().firstValue("Location")).as("no login started").isEmpty();
      assertThat(anonymous.cookiesStartingWith(TestApp.HOST, "PORTCULLIS_TX_"))
          .as("no pending login")
          .isEmpty();
      assertThat(r.body()).doesNotContain("servletPath");
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"forward", "async"})
  void dispatchWhenAllowedThenServedWithTheIdentity(String how) {
    HttpResponse<String> r =
        alice.get(
            app.url("/health?" + how + "=" + Browser.enc("/profile")),
            Map.of("Accept", "application/json"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body())
        .contains(
            "\"pathInfo\":\"/profile\"",
            "\"remoteUser\":\"alice\"",
            "\"dispatch\":\"" + (how.equals("forward") ? "FORWARD" : "ASYNC") + "\"");
  }

  @Test
  void includeWhenTargetForbiddenThenLeftOut() {
    HttpResponse<String> r = alice.get(app.url("/health?include=" + Browser.enc("/admin/users")));
    assertThat(r.body())
        .contains("before-include|")
        .doesNotContain("servletPath")
        .doesNotContain("INCLUDE");
    HttpResponse<String> anonymous =
        browser().get(app.url("/health?include=" + Browser.enc("/profile")));
    assertThat(anonymous.body()).doesNotContain("servletPath");
  }

  @Test
  void includeWhenAllowedThenIncluded() {
    HttpResponse<String> r = alice.get(app.url("/health?include=" + Browser.enc("/profile")));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body())
        .contains(
            "before-include|",
            "\"dispatch\":\"INCLUDE\"",
            "\"pathInfo\":\"/profile\"",
            "|after-include");
  }

  @Test
  void errorPageWhenProtectedThenForbidden() {
    // 418's error page is under /admin: alice (no admin scope) and anonymous callers get 403.
    HttpResponse<String> r =
        alice.get(app.url("/health?status=418"), Map.of("Accept", "application/json"));
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).doesNotContain("servletPath");
    HttpResponse<String> anonymous = browser().get(app.url("/health?status=418"));
    assertThat(anonymous.statusCode()).isEqualTo(403);
    assertThat(anonymous.body()).doesNotContain("servletPath");
  }

  @Test
  void errorPageWhenPublicThenServed() {
    HttpResponse<String> r =
        browser().get(app.url("/health?status=410"), Map.of("Accept", "application/json"));
    assertThat(r.statusCode()).isEqualTo(410);
    assertThat(r.body()).contains("\"dispatch\":\"ERROR\"", "\"pathInfo\":\"/health\"");
  }
}
