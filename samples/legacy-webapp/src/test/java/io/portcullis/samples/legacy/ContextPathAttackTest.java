package io.portcullis.samples.legacy;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testsupport.Browser;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 10 finding 1, as it was reproduced: the sample's WAR deployed at {@code /app}, a user
 * without {@code admin} logged in, and request targets that spell the context part another way. On
 * f64bf08 Jetty served the Administration page for each of them; now they are refused.
 */
class ContextPathAttackTest {
  private static Main.Running app;
  private static URI server;
  private static Browser bob;

  @BeforeAll
  static void start() throws Exception {
    app = Main.start(0, 0, Path.of("src", "main", "webapp"), null, "/app");
    server = URI.create("http://localhost:" + app.port());
    bob = new Browser();
    HttpResponse<String> profile = bob.navigate(URI.create(app.url() + "profile"), "bob");
    assertThat(profile.statusCode()).isEqualTo(200);
    assertThat(bob.get(server.resolve("/app/admin"), "Accept", "application/json").statusCode())
        .as("the rule works at all")
        .isEqualTo(403);
  }

  @AfterAll
  static void stop() throws Exception {
    if (app != null) {
      app.close();
    }
    System.clearProperty("portcullis.issuer");
  }

  /** Under a context path, the sample's own links stay inside it (the javax WAR's /legacy). */
  @Test
  void pagesWhenUnderAContextPathThenTheirLinksAreUnderItToo() {
    String home = new Browser().get(server.resolve("/app/").toString()).body();
    assertThat(home).contains("href=\"/app/profile\">Log in</a>").doesNotContain("href=\"/profile");
    String profile = bob.get(server.resolve("/app/profile").toString()).body();
    assertThat(profile)
        .contains("href=\"/app/reports\"", "href=\"/app/m2m\"", "href=\"/app/logout\"")
        .doesNotContain("href=\"/reports\"");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "/%61pp/admin",
        "/ap%70/admin",
        "/%61pp/admin/users",
        "/x/../app/admin",
        "//app/admin",
        "/app;x=1/admin",
        "/./app/admin",
        "/APP/admin",
        "/app/../app/admin",
        "/%2561pp/admin"
      })
  void adminWhenContextPartSpelledOtherwiseThenRefused(String target) throws Exception {
    HttpResponse<String> r = bob.get(URI.create(server + target), "Accept", "application/json");
    assertThat(r.statusCode()).as(target + ": " + r.body()).isIn(400, 404);
    assertThat(r.body()).doesNotContain("Administration");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/%61pp/reports", "/%61pp/profile", "/x/../app/api/data"})
  void protectedPageWhenAnonymousAndContextPartSpelledOtherwiseThenRefused(String target)
      throws Exception {
    HttpResponse<String> r =
        new Browser().get(URI.create(server + target), "Accept", "application/json");
    assertThat(r.statusCode()).as(target).isIn(400, 404);
  }
}
