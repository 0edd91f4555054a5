package io.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Transparent refresh (SPEC.md "Token refresh"), through {@link Portcullis#handle} only: access
 * tokens live 300 s, {@code refresh-before} is the default 60 s.
 */
class EngineRefreshTest {
  private final EngineFixture f = new EngineFixture();

  @BeforeEach
  void login() {
    f.start();
    assertThat(f.login("/page")).isInstanceOf(Outcome.Redirect.class);
    assertThat(f.provider.tokenRequests.get()).isEqualTo(1);
  }

  @AfterEach
  void stop() {
    f.close();
  }

  private Identity proceed(Outcome outcome) {
    assertThat(outcome).isInstanceOf(Outcome.Proceed.class);
    Identity identity = ((Outcome.Proceed) outcome).identity();
    assertThat(identity).isNotNull();
    return identity;
  }

  @Test
  void handleWhenTokenNotDueThenNoRefresh() {
    TokenSet before = f.login().identity().tokens();
    f.clock.advance(Duration.ofSeconds(239));
    assertThat(proceed(f.get("/page")).tokens()).isEqualTo(before);
    assertThat(f.provider.refreshRequests.get()).isZero();
  }

  @Test
  void handleWhenTokenDueThenRefreshedOnceWithRotationAndSessionUpdated() {
    TokenSet before = f.login().identity().tokens();
    String refreshBefore = f.login().refreshToken();
    f.clock.advance(Duration.ofSeconds(241));

    Identity identity = proceed(f.get("/page"));

    assertThat(f.provider.refreshRequests.get()).isEqualTo(1);
    assertThat(f.provider.param(1, "refresh_token")).isEqualTo(refreshBefore);
    TokenSet after = identity.tokens();
    assertThat(after.accessToken())
        .isNotEqualTo(before.accessToken())
        .isEqualTo(f.provider.issuedTokens.get(1));
    assertThat(f.login().refreshToken()).as("rotated").isNotNull().isNotEqualTo(refreshBefore);
    assertThat(after.expiresAt()).isEqualTo(f.clock.instant().plusSeconds(300));
    assertThat(after.scopes()).isEqualTo(before.scopes());
    assertThat(f.login().identity().tokens()).as("stored in the session").isEqualTo(after);
    assertThat(f.login().logoutToken()).as("kept").isNotEmpty();

    // the next requests use the new tokens: no second refresh
    for (int i = 0; i < 5; i++) {
      assertThat(proceed(f.get("/page")).tokens()).isEqualTo(after);
    }
    assertThat(f.provider.refreshRequests.get()).isEqualTo(1);
  }

  @Test
  void handleWhenProviderKeepsRefreshTokenThenOldOneKept() {
    f.provider.rotateRefreshTokens(false);
    String refreshToken = f.login().refreshToken();
    f.clock.advance(Duration.ofSeconds(241));
    proceed(f.get("/page"));
    assertThat(f.login().refreshToken()).isEqualTo(refreshToken);
    assertThat(f.provider.refreshRequests.get()).isEqualTo(1);
  }

  @Test
  void handleWhenRefreshTokenRevokedAndTokenExpiredThenLoginEndsAndBrowserSentToLogin() {
    f.provider.revokeRefreshTokens();
    f.clock.advance(Duration.ofSeconds(301));

    Outcome outcome = f.get("/page");

    assertThat(f.provider.refreshRequests.get()).isEqualTo(1);
    assertThat(f.login()).as("invalid_grant ends the login").isNull();
    assertThat(outcome).isInstanceOf(Outcome.Redirect.class);
    assertThat(((Outcome.Redirect) outcome).location())
        .startsWith(f.provider.authorizationEndpoint() + "?");
  }

  @Test
  void handleWhenRefreshTokenRevokedBeforeExpiryThenLoginEndsToo() {
    f.provider.revokeRefreshTokens();
    f.clock.advance(Duration.ofSeconds(241));
    assertThat(f.send(f.api("GET", "/page"))).isInstanceOf(Outcome.Challenge.class);
    assertThat(f.login()).isNull();
    assertThat(f.provider.refreshRequests.get()).isEqualTo(1);
  }

  @Test
  void handleWhenRefreshedIdTokenNamesAnotherSubjectThenLoginEnds() {
    f.clock.advance(Duration.ofSeconds(241));
    f.provider.tamperNext(
        json -> {
          json.put(
              "id_token",
              f.provider.idToken("mallory", EngineFixture.CLIENT_ID, java.util.Map.of()));
          return json;
        });
    assertThat(f.get("/page")).isInstanceOf(Outcome.Redirect.class);
    assertThat(f.login()).isNull();
  }

  @Test
  void handleWhenProviderDownAndTokenExpiredThenUnavailableAndLoginKept() {
    f.provider.answer(503, "{\"error\":\"temporarily_unavailable\"}");
    f.clock.advance(Duration.ofSeconds(301));

    Outcome outcome = f.get("/page");

    assertThat(outcome).isInstanceOf(Outcome.Unavailable.class);
    assertThat(f.login()).as("an outage does not log anyone out").isNotNull();
    // back-off: the next request within it does not call the provider again
    int requests = f.provider.tokenRequests.get();
    assertThat(f.get("/page")).isInstanceOf(Outcome.Unavailable.class);
    assertThat(f.provider.tokenRequests.get()).isEqualTo(requests);
  }

  @Test
  void handleWhenProviderDownButTokenStillValidThenProceedsWithCurrentToken() {
    TokenSet before = f.login().identity().tokens();
    f.provider.answer(503, "{}");
    f.clock.advance(Duration.ofSeconds(241));
    assertThat(proceed(f.get("/page")).tokens()).isEqualTo(before);
    assertThat(f.login()).isNotNull();
  }

  @Test
  void handleWhenNoRefreshTokenAndExpiredThenSessionClearedAndLoginAgain() {
    f.close();
    EngineFixture g = new EngineFixture().start();
    try {
      g.provider.issueRefreshTokens(false);
      g.login("/page");
      assertThat(g.login().refreshToken()).isNull();
      g.clock.advance(Duration.ofSeconds(301));
      assertThat(g.get("/page")).isInstanceOf(Outcome.Redirect.class);
      assertThat(g.login()).isNull();
      assertThat(g.provider.refreshRequests.get()).isZero();
    } finally {
      g.close();
    }
  }
}
