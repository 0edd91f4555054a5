package io.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code bearer-tokens=own-clients} (SPEC.md "Bearer tokens"; THREATS A-23), through {@link
 * Portcullis#handle} only: tokens the fake provider signed, presented in {@code Authorization}.
 */
class EngineBearerTest {
  private static final String RULES =
      String.join(
          "\n",
          "/public/**  permit",
          "/admin/**   deny",
          "/api/**     read:data",
          "/**         authenticated");

  private final EngineFixture f = new EngineFixture();

  @AfterEach
  void stop() {
    f.close();
  }

  private EngineFixture start() {
    return f.start(
        "bearer-tokens",
        "own-clients",
        "rules",
        RULES,
        "m2m-client-id",
        "service",
        "m2m-client-secret",
        "service-secret-0123456789-0123456789");
  }

  private Outcome bearer(String path, String token) {
    return f.send(InMemoryExchange.get(path).header("Authorization", "Bearer " + token));
  }

  private String accessToken(String client, String scope) {
    return f.provider.accessToken(client, client, Map.of("scope", scope), 300);
  }

  @Test
  void handleWhenAtJwtOfOwnClientThenProceedsWithItsIdentityAndNoSession() {
    start();
    for (String client : new String[] {EngineFixture.CLIENT_ID, "service"}) {
      String token = accessToken(client, "read:data write:data");
      Outcome outcome = bearer("/api/items", token);
      assertThat(outcome).as(client).isInstanceOf(Outcome.Proceed.class);
      Identity identity = ((Outcome.Proceed) outcome).identity();
      assertThat(identity.subject()).isEqualTo(client);
      assertThat(identity.scopes()).containsExactlyInAnyOrder("read:data", "write:data");
      assertThat(identity.accessToken()).isEqualTo(token);
    }
    assertThat(f.session.id()).as("a bearer request creates no session").isNull();
  }

  @Test
  void handleWhenDpopBoundTokenSentAsBearerThenInvalidToken() {
    start();
    String bound =
        f.provider.accessToken(
            "service",
            "service",
            Map.of(
                "scope",
                "read:data",
                "cnf",
                Map.of("jkt", "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I")),
            300);
    assertThat(bearer("/api/items", bound)).isEqualTo(new Outcome.InvalidToken());
    assertThat(f.engine.metrics().rejections(Reason.BEARER_DPOP_BOUND)).isEqualTo(1);
  }

  @Test
  void handleWhenClientCredentialsTokenOfTheEngineItselfThenAccepted() {
    start();
    String token = f.engine.clientCredentials().token(Set.of("read:data"));
    assertThat(f.provider.param(0, "grant_type")).isEqualTo("client_credentials");
    Outcome outcome = bearer("/api/items", token);
    assertThat(outcome).isInstanceOf(Outcome.Proceed.class);
    assertThat(((Outcome.Proceed) outcome).identity().subject()).isEqualTo("service");
  }

  @Test
  void handleWhenIdTokenPresentedThenInvalidToken() {
    start();
    f.login("/page");
    String loginIdToken = f.login().idToken();
    f.session = new InMemoryExchange.Session();
    String withoutNonce =
        f.provider.idToken("alice", EngineFixture.CLIENT_ID, Map.of("scope", "read:data"));
    String withNonce =
        f.provider.idToken(
            "alice", EngineFixture.CLIENT_ID, Map.of("nonce", "n", "scope", "read:data"));
    for (String idToken : new String[] {loginIdToken, withoutNonce, withNonce}) {
      assertThat(bearer("/api/items", idToken)).isEqualTo(new Outcome.InvalidToken());
      assertThat(bearer("/page", idToken)).isEqualTo(new Outcome.InvalidToken());
    }
  }

  @Test
  void handleWhenTokenOfAnotherClientExpiredOrForgedThenInvalidToken() {
    start();
    assertThat(bearer("/api/items", accessToken("someone-else", "read:data")))
        .isEqualTo(new Outcome.InvalidToken());
    assertThat(bearer("/api/items", "not-a-jwt")).isEqualTo(new Outcome.InvalidToken());
    String valid = accessToken(EngineFixture.CLIENT_ID, "read:data");
    String[] parts = valid.split("\\.");
    String forged = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();
    assertThat(bearer("/api/items", forged)).isEqualTo(new Outcome.InvalidToken());

    String soon =
        f.provider.accessToken(
            EngineFixture.CLIENT_ID, EngineFixture.CLIENT_ID, Map.of("scope", "read:data"), 60);
    assertThat(bearer("/api/items", soon)).isInstanceOf(Outcome.Proceed.class);
    f.clock.advance(Duration.ofMinutes(10));
    assertThat(bearer("/api/items", soon))
        .as("expired, even when cached")
        .isEqualTo(new Outcome.InvalidToken());
  }

  @Test
  void handleWhenScopeMissingThenForbiddenApi() {
    start();
    Outcome outcome = bearer("/api/items", accessToken(EngineFixture.CLIENT_ID, "openid"));
    assertThat(outcome).isEqualTo(new Outcome.Forbidden(Set.of("read:data"), true));
  }

  @Test
  void handleWhenPermitOrDenyPathThenBearerDoesNotChangeTheRule() {
    start();
    assertThat(bearer("/public/x", "garbage")).isSameAs(Outcome.Proceed.ANONYMOUS);
    assertThat(bearer("/admin/x", accessToken(EngineFixture.CLIENT_ID, "read:data")))
        .isEqualTo(new Outcome.Forbidden(Set.of(), true));
  }

  @Test
  void handleWhenBearerTokensNoneThenTokenIgnoredAndApiChallenged() {
    f.start("rules", RULES);
    Outcome outcome = bearer("/api/items", accessToken(EngineFixture.CLIENT_ID, "read:data"));
    assertThat(outcome).isInstanceOf(Outcome.Challenge.class);
  }

  @Test
  void handleWhenSigningKeyRotatedThenNewTokensAccepted() {
    start();
    assertThat(bearer("/api/items", accessToken(EngineFixture.CLIENT_ID, "read:data")))
        .isInstanceOf(Outcome.Proceed.class);
    f.provider.rotateSigningKey("k2");
    f.clock.advance(Duration.ofMinutes(10));
    assertThat(bearer("/api/items", accessToken(EngineFixture.CLIENT_ID, "read:data")))
        .isInstanceOf(Outcome.Proceed.class);
  }

  @Test
  void handleWhenBearerOnlyThenNoLoginRedirectOnlyA401AndBearerTokensStillAccepted() {
    f.start("bearer-only", "true", "rules", RULES);
    Outcome browser = f.send(InMemoryExchange.get("/page").header("Accept", "text/html"));
    assertThat(browser).isEqualTo(new Outcome.Challenge(null));
    Responses.Response response = Responses.render(browser);
    assertThat(response.status()).isEqualTo(401);
    assertThat(response.headers()).containsEntry("WWW-Authenticate", "Bearer");
    assertThat(response.body()).doesNotContain("login_url");
    assertThat(f.send(InMemoryExchange.get("/public/x"))).isEqualTo(Outcome.Proceed.ANONYMOUS);
    assertThat(f.send(InMemoryExchange.get("/admin/x"))).isInstanceOf(Outcome.Forbidden.class);
    Outcome bearer = bearer("/page", accessToken(EngineFixture.CLIENT_ID, "openid"));
    assertThat(bearer).isInstanceOf(Outcome.Proceed.class);
    assertThat(f.session.id()).as("a bearer-only app creates no session").isNull();
  }
}
