package io.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.testsupport.FakeProvider;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 13 AC3: the opt-in health path, answered before the rules and without login. */
class EngineHealthTest {

  @Test
  void healthWhenProviderLoadedThen200UpWithChecksAndNothingElse() throws Exception {
    try (EngineFixture f = new EngineFixture()) {
      f.start("health-path", "/portcullis/health", "rules", "/** deny");

      for (String target : new String[] {"/portcullis/health", "/portcullis/health/"}) {
        InMemoryExchange request = f.browser("GET", target);
        Outcome outcome = f.engine.handle(request);

        assertThat(outcome).isInstanceOf(Outcome.Health.class);
        Responses.Response response = Responses.render(outcome);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.headers())
            .containsEntry("Content-Type", "application/json")
            .containsEntry("Cache-Control", "no-store");
        assertThat(response.body())
            .startsWith("{\"status\":\"UP\",\"provider\":\"loaded\",\"checks\":[")
            .contains(
                "{\"code\":\"provider\",\"level\":\"INFO\"}",
                "{\"code\":\"clock\",",
                "{\"code\":\"redirect-uri\",\"level\":\"INFO\"}",
                "{\"code\":\"rules\",\"level\":\"INFO\"}")
            .doesNotContain(EngineFixture.CLIENT_SECRET, f.provider.issuer());
        assertThat(request.setCookies()).isEmpty();
        assertThat(request.session().id()).isNull();
      }
      assertThat(Responses.render(f.engine.handle(f.api("HEAD", "/portcullis/health"))).status())
          .isEqualTo(200);
      assertThat(f.engine.handle(f.browser("GET", "/portcullis/healthz")))
          .isInstanceOf(Outcome.Forbidden.class);
    }
  }

  @Test
  void healthWhenProviderDownThen503Down() {
    try (Portcullis engine =
        Portcullis.create(
            PortcullisConfig.of(
                Map.of(
                    "issuer", "http://127.0.0.1:1/realms/app",
                    "client-id", "app",
                    "health-path", "/health")),
            Clock.systemUTC())) {
      assertThat(engine.awaitProvider(Duration.ofSeconds(10))).isFalse();

      Responses.Response response =
          Responses.render(engine.handle(InMemoryExchange.get("/health").apiHeaders()));

      assertThat(response.status()).isEqualTo(503);
      assertThat(response.body())
          .startsWith("{\"status\":\"DOWN\",\"provider\":\"not loaded\",")
          .contains("{\"code\":\"provider\",\"level\":\"WARNING\"}");
    }
  }

  @Test
  void healthWhenOtherMethodThen405WithAllow() throws Exception {
    try (EngineFixture f = new EngineFixture()) {
      f.start("health-path", "/health");

      Outcome outcome = f.engine.handle(f.api("POST", "/health"));

      assertThat(outcome)
          .isInstanceOfSatisfying(
              Outcome.Rejected.class, r -> assertThat(r.reason()).isEqualTo(Reason.HEALTH_METHOD));
      Responses.Response response = Responses.render(outcome);
      assertThat(response.status()).isEqualTo(405);
      assertThat(response.headers()).containsEntry("Allow", "GET, HEAD");
      assertThat(response.body()).contains("\"reason\":\"health.method\"");
    }
  }

  @Test
  void healthWhenNotConfiguredThenThePathIsTheRulesBusiness() throws Exception {
    try (EngineFixture f = new EngineFixture()) {
      f.start("rules", "/** deny");

      assertThat(f.engine.handle(f.api("GET", "/health"))).isInstanceOf(Outcome.Forbidden.class);
      assertThat(f.engine.config().healthPath()).isEmpty();
    }
  }

  @Test
  void configWhenHealthPathIsAnEndpointOrNotAPathThenRefused() {
    Map<String, String> base = Map.of("issuer", "https://idp.example.com", "client-id", "app");
    for (String[] bad :
        new String[][] {
          {"/oauth2/callback", "is the same path as redirect-path"},
          {"/logout/", "is the same path as logout-path"},
          {"health", "is not a plain path"},
          {"/health?x", "is not a plain path"}
        }) {
      Map<String, String> map = new java.util.HashMap<>(base);
      map.put("health-path", bad[0]);
      assertThatThrownBy(() -> PortcullisConfig.of(map))
          .as(bad[0])
          .isInstanceOf(InvalidConfigurationException.class)
          .hasMessageContaining("health-path")
          .hasMessageContaining(bad[1]);
    }
    assertThat(
            PortcullisConfig.of(
                    Map.of(
                        "issuer",
                        "https://idp.example.com",
                        "client-id",
                        "app",
                        "health-path",
                        "/up/"))
                .healthPath())
        .contains("/up");
  }

  // ---- more than one provider -------------------------------------------------------------------

  /**
   * Starts {@code f.engine} with two providers: employees (the fixture's) and partners at {@code
   * partnersIssuer}, each with its own callback path; does not wait for their metadata.
   */
  static Portcullis twoProviders(EngineFixture f, String partnersIssuer, String... more) {
    java.util.Map<String, String> map = new java.util.LinkedHashMap<>();
    map.put("client-id", EngineFixture.CLIENT_ID);
    map.put("client-secret", EngineFixture.CLIENT_SECRET);
    map.put("providers", "employees,partners");
    map.put("provider.employees.issuer", f.provider.issuer());
    map.put("provider.partners.issuer", partnersIssuer);
    map.put("health-path", "/health");
    map.put("provider-rules", "/health/**=partners, /**=employees");
    f.engine = Portcullis.create(PortcullisConfig.of(EngineFixture.overlay(map, more)), f.clock);
    return f.engine;
  }

  @Test
  void healthWhenTwoProvidersBothLoadedThen200UpWithEachProvidersChecks() {
    try (EngineFixture f = new EngineFixture();
        FakeProvider partners = new FakeProvider(f.clock)) {
      assertThat(twoProviders(f, partners.issuer()).awaitProvider(Duration.ofSeconds(10))).isTrue();

      Responses.Response response = Responses.render(f.engine.handle(f.api("GET", "/health")));

      assertThat(response.status()).isEqualTo(200);
      assertThat(response.body())
          .startsWith(
              "{\"status\":\"UP\",\"provider\":\"loaded\","
                  + "\"providers\":{\"employees\":\"loaded\",\"partners\":\"loaded\"},"
                  + "\"checks\":[{\"code\":\"provider\",\"provider\":\"employees\","
                  + "\"level\":\"INFO\"}")
          .contains(
              "{\"code\":\"provider\",\"provider\":\"partners\",\"level\":\"INFO\"}",
              "{\"code\":\"redirect-uri\",\"provider\":\"partners\",",
              "{\"code\":\"rules\",\"level\":\"INFO\"}")
          .doesNotContain(partners.issuer(), EngineFixture.CLIENT_SECRET);
    }
  }

  @Test
  void healthWhenOneOfTwoProvidersUnreachableThen503DownNamingIt() {
    try (EngineFixture f = new EngineFixture()) {
      FakeProvider partners = new FakeProvider(f.clock);
      partners.close(); // nothing listens at its issuer any more
      assertThat(twoProviders(f, partners.issuer()).awaitProvider(Duration.ofSeconds(10)))
          .isFalse();

      Diagnostics diagnostics = f.engine.diagnostics();
      assertThat(diagnostics.providerUp()).isFalse();
      assertThat(diagnostics.providers())
          .containsExactly(
              java.util.Map.entry("employees", true), java.util.Map.entry("partners", false));
      // the health path is the routing engine's whatever provider-rules says (/health/**=partners)
      Responses.Response response = Responses.render(f.engine.handle(f.api("GET", "/health")));
      assertThat(response.status()).isEqualTo(503);
      assertThat(response.body())
          .startsWith(
              "{\"status\":\"DOWN\",\"provider\":\"not loaded\","
                  + "\"providers\":{\"employees\":\"loaded\",\"partners\":\"not loaded\"},")
          .contains(
              "{\"code\":\"provider\",\"provider\":\"employees\",\"level\":\"INFO\"}",
              "{\"code\":\"provider\",\"provider\":\"partners\",\"level\":\"WARNING\"}");
    }
  }
}
