package io.portcullis.core;

import static io.portcullis.core.EngineFixture.queryParam;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Step-up for scopes (SPEC.md "Step-up for scopes"), through {@link Portcullis#handle} only. */
class EngineStepUpTest {
  private static final String RULES =
      String.join(
          "\n",
          "/reports/**  read:reports",
          "/both/**     read:reports write:reports",
          "/**          authenticated");

  private final EngineFixture f = new EngineFixture();

  @AfterEach
  void stop() {
    f.close();
  }

  private void loggedIn(String... config) {
    String[] all = new String[config.length + 4];
    all[0] = "scopes";
    all[1] = "openid profile";
    all[2] = "rules";
    all[3] = RULES;
    System.arraycopy(config, 0, all, 4, config.length);
    f.start(all);
    f.login("/home");
    assertThat(f.login().identity().scopes()).containsExactlyInAnyOrder("openid", "profile");
  }

  @Test
  void handleWhenScopeMissingThenBrowserSentToProviderAskingForTheUnion() {
    loggedIn();
    Outcome outcome = f.get("/reports/q1?year=2030");
    assertThat(outcome).isInstanceOf(Outcome.Redirect.class);
    String url = ((Outcome.Redirect) outcome).location();
    assertThat(url).startsWith(f.provider.authorizationEndpoint() + "?");
    assertThat(queryParam(url, "scope")).isEqualTo("openid profile read:reports");
    assertThat(f.login().stepUpAsked()).containsExactly("openid profile read:reports");

    // the provider grants it: back to the page, which now proceeds with the wider grant
    assertThat(f.callback(url)).isEqualTo(new Outcome.Redirect("/reports/q1?year=2030", true));
    Outcome again = f.get("/reports/q1?year=2030");
    assertThat(again).isInstanceOf(Outcome.Proceed.class);
    assertThat(((Outcome.Proceed) again).identity().scopes()).contains("read:reports");
  }

  @Test
  void handleWhenProviderWithholdsTheScopeThenSecondTimeForbidden() {
    loggedIn();
    f.provider.withhold("read:reports");
    String url = ((Outcome.Redirect) f.get("/reports/q1")).location();
    assertThat(f.callback(url)).isEqualTo(new Outcome.Redirect("/reports/q1", true));
    int requests = f.provider.tokenRequests.get();

    Outcome second = f.get("/reports/q1");

    assertThat(second).isEqualTo(new Outcome.Forbidden(Set.of("read:reports"), false));
    assertThat(f.provider.tokenRequests.get()).isEqualTo(requests);
    assertThat(f.login().identity().scopes()).doesNotContain("read:reports");
  }

  @Test
  void handleWhenAskedOnceWithoutGoingToProviderThenForbiddenNextTime() {
    loggedIn();
    assertThat(f.get("/both/x")).isInstanceOf(Outcome.Redirect.class);
    assertThat(f.get("/both/x"))
        .isEqualTo(new Outcome.Forbidden(Set.of("read:reports", "write:reports"), false));
  }

  @Test
  void handleWhenApiRequestThenForbiddenWithoutStepUp() {
    loggedIn();
    Outcome outcome = f.send(f.api("GET", "/reports/q1"));
    assertThat(outcome).isEqualTo(new Outcome.Forbidden(Set.of("read:reports"), true));
    assertThat(f.login().stepUpAsked()).isEmpty();
  }

  @Test
  void handleWhenStepUpOffThenForbidden() {
    loggedIn("scope-step-up", "false");
    assertThat(f.get("/reports/q1"))
        .isEqualTo(new Outcome.Forbidden(Set.of("read:reports"), false));
  }
}
