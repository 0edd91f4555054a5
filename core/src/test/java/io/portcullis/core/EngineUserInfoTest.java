package io.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * UserInfo (issue 14 AC4; README "UserInfo"), through {@link Portcullis#handle} only, against the
 * {@code FakeProvider}'s UserInfo endpoint: when it is read ({@code userinfo} auto, always, never),
 * the {@code sub} check, the merge precedence, failures at login and at refresh, and the merged
 * claims surviving the stored record.
 */
class EngineUserInfoTest {
  private final EngineFixture f = new EngineFixture();

  @AfterEach
  void stop() {
    f.close();
  }

  private Identity identity(Outcome outcome) {
    assertThat(outcome).isInstanceOf(Outcome.Proceed.class);
    Identity identity = ((Outcome.Proceed) outcome).identity();
    assertThat(identity).isNotNull();
    return identity;
  }

  /** The ID token lacks {@code email} and {@code groups}; UserInfo has them. */
  private void userInfoWithEmailAndGroups() {
    f.provider.userInfo(Map.of("email", "alice@example.org", "groups", List.of("admin", "ops")));
  }

  @Test
  void autoWhenIdTokenLacksPrincipalAndRolesClaimThenReadOnceAndMergedIntoNameRolesAndClaims() {
    userInfoWithEmailAndGroups();
    f.start("principal-claim", "email", "roles-claim", "groups");

    assertThat(f.login("/page")).isEqualTo(new Outcome.Redirect("/page", true));

    assertThat(f.provider.userInfoRequests.get()).isEqualTo(1);
    Identity identity = identity(f.get("/page"));
    assertThat(identity.name()).isEqualTo("alice@example.org");
    assertThat(identity.roles()).containsExactlyInAnyOrder("admin", "ops");
    assertThat(identity.hasRole("admin")).isTrue();
    assertThat(identity.claims())
        .containsEntry("email", "alice@example.org")
        .containsEntry("sub", "alice")
        .containsEntry("iss", f.provider.issuer())
        .containsEntry("preferred_username", "alice");
    assertThat(f.provider.userInfoRequests.get()).as("read once, not per request").isEqualTo(1);
    assertThat(f.engine.metrics().calls(PortcullisMetrics.Endpoint.USERINFO)).isEqualTo(1);
  }

  @Test
  void autoWhenIdTokenHasTheClaimsThenNotRead() {
    userInfoWithEmailAndGroups();
    f.provider.claims(Map.of("email", "id@example.org", "groups", List.of("viewer")));
    f.start("principal-claim", "email", "roles-claim", "groups");
    f.login("/page");
    assertThat(f.provider.userInfoRequests.get()).isZero();
    Identity identity = identity(f.get("/page"));
    assertThat(identity.name()).isEqualTo("id@example.org");
    assertThat(identity.roles()).containsExactly("viewer");
  }

  @Test
  void autoWhenNoClaimIsConfiguredThenNotRead() {
    userInfoWithEmailAndGroups();
    f.start();
    f.login("/page");
    assertThat(f.provider.userInfoRequests.get()).isZero();
    assertThat(identity(f.get("/page")).claims()).doesNotContainKey("email");
  }

  @Test
  void autoWhenProviderHasNoUserInfoEndpointThenLoginWithTheIdTokenAlone() {
    f.start("principal-claim", "email");
    assertThat(f.login("/page")).isInstanceOf(Outcome.Redirect.class);
    assertThat(f.provider.userInfoRequests.get()).isZero();
    assertThat(identity(f.get("/page")).name()).isEqualTo("alice");
  }

  @Test
  void neverWhenClaimsMissingThenNotRead() {
    userInfoWithEmailAndGroups();
    f.start("principal-claim", "email", "roles-claim", "groups", "userinfo", "never");
    f.login("/page");
    assertThat(f.provider.userInfoRequests.get()).isZero();
    Identity identity = identity(f.get("/page"));
    assertThat(identity.name()).isEqualTo("alice");
    assertThat(identity.roles()).isEmpty();
  }

  @Test
  void alwaysWhenNothingMissingThenReadAnyway() {
    userInfoWithEmailAndGroups();
    f.start("userinfo", "always");
    f.login("/page");
    assertThat(f.provider.userInfoRequests.get()).isEqualTo(1);
    assertThat(identity(f.get("/page")).claims()).containsEntry("email", "alice@example.org");
  }

  @Test
  void alwaysWhenProviderHasNoUserInfoEndpointThenLoginRefusedUnavailable() {
    f.start("userinfo", "always");
    Outcome outcome = f.login("/page");
    assertThat(outcome).isInstanceOf(Outcome.Rejected.class);
    assertThat(((Outcome.Rejected) outcome).reason()).isEqualTo(Reason.USERINFO_UNAVAILABLE);
    assertThat(f.login()).isNull();
  }

  @Test
  void subMismatchWhenLoginThenRefusedAndNoSession() {
    userInfoWithEmailAndGroups();
    f.provider.userInfoSubject("mallory");
    f.start("userinfo", "always");

    Outcome outcome = f.login("/page");

    assertThat(outcome).isInstanceOf(Outcome.Rejected.class);
    Outcome.Rejected rejected = (Outcome.Rejected) outcome;
    assertThat(rejected.reason()).isEqualTo(Reason.USERINFO_SUB_MISMATCH);
    assertThat(rejected.error()).isEqualTo("userinfo.sub_mismatch");
    assertThat(rejected.status()).isEqualTo(502);
    assertThat(f.login()).isNull();
    assertThat(f.engine.metrics().rejections(Reason.USERINFO_SUB_MISMATCH)).isEqualTo(1);
  }

  @Test
  void precedenceWhenUserInfoNamesIdTokenClaimsThenIdTokenWinsAndProfileClaimsAreUserInfos() {
    f.provider.claims(Map.of("name", "Alice (ID token)", "acr", "1"));
    f.provider.userInfo(
        Map.of(
            "name", "Alice (UserInfo)",
            "email", "alice@example.org",
            "iss", "https://evil.example",
            "aud", "someone-else",
            "acr", "0",
            "auth_time", 1,
            "nonce", "forged"));
    f.start("userinfo", "always");
    f.login("/page");
    Map<String, Object> claims = identity(f.get("/page")).claims();
    assertThat(claims)
        .containsEntry("name", "Alice (UserInfo)")
        .containsEntry("email", "alice@example.org")
        .containsEntry("iss", f.provider.issuer())
        .containsEntry("acr", "1")
        .containsEntry("sub", "alice");
    assertThat(claims.get("aud")).isNotEqualTo("someone-else");
    assertThat(claims.get("nonce")).isNotEqualTo("forged");
    assertThat(claims.get("auth_time")).isNotEqualTo(1L);
  }

  @Test
  void failuresWhenLoginThenRefusedWithAClearReason() {
    userInfoWithEmailAndGroups();
    f.start("userinfo", "always", "http-timeout", "1");
    Object[][] cases = {
      {503, "application/json", "{}", Reason.USERINFO_UNAVAILABLE},
      {401, "application/json", "{\"error\":\"invalid_token\"}", Reason.USERINFO_INVALID},
      {200, "application/jwt", "eyJhbGciOiJSUzI1NiJ9.e30.c2ln", Reason.USERINFO_INVALID},
      {200, "text/html", "<html></html>", Reason.USERINFO_INVALID},
      {200, "application/json", "[1,2]", Reason.USERINFO_INVALID},
      {200, "application/json", "{\"email\":\"x@example.org\"}", Reason.USERINFO_INVALID},
    };
    for (Object[] c : cases) {
      f.provider.userInfoAnswer((Integer) c[0], (String) c[1], (String) c[2]);
      Outcome outcome = f.login("/page");
      assertThat(outcome).as(c[1] + " " + c[0]).isInstanceOf(Outcome.Rejected.class);
      assertThat(((Outcome.Rejected) outcome).reason()).as(c[2].toString()).isEqualTo(c[3]);
      assertThat(f.login()).isNull();
    }
    f.provider.userInfoAnswer(200, "application/json", null);
    f.provider.delayUserInfo(1500);
    Outcome slow = f.login("/page");
    assertThat(((Outcome.Rejected) slow).reason()).isEqualTo(Reason.USERINFO_UNAVAILABLE);
    f.provider.delayUserInfo(0);
    assertThat(f.login("/page")).isInstanceOf(Outcome.Redirect.class);
    assertThat(f.login()).isNotNull();
  }

  @Test
  void autoWhenUserInfoFailsAtLoginThenTheLoginGoesOnWithTheIdTokenAlone() {
    userInfoWithEmailAndGroups();
    f.start("principal-claim", "email", "roles-claim", "groups");
    f.provider.userInfoAnswer(401, "application/json", "{\"error\":\"invalid_token\"}");

    assertThat(f.login("/page")).isEqualTo(new Outcome.Redirect("/page", true));

    assertThat(f.provider.userInfoRequests.get()).isEqualTo(1);
    Identity identity = identity(f.get("/page"));
    assertThat(identity.name()).isEqualTo("alice");
    assertThat(identity.roles()).isEmpty();
    assertThat(f.login().userInfo()).isNull();

    // a sub that differs is refused with auto too
    f.provider.userInfoAnswer(200, "application/json", null);
    f.provider.userInfoSubject("mallory");
    f.session = new InMemoryExchange.Session();
    Outcome outcome = f.login("/page");
    assertThat(((Outcome.Rejected) outcome).reason()).isEqualTo(Reason.USERINFO_SUB_MISMATCH);
  }

  @Test
  void refreshWhenNewAccessTokenThenReadAgainWithItAndTheNewClaimsShow() {
    userInfoWithEmailAndGroups();
    f.start("principal-claim", "email");
    f.login("/page");
    f.provider.userInfo(Map.of("email", "alice@example.org", "phone_number", "+1 555"));
    f.clock.advance(Duration.ofSeconds(241));

    Identity identity = identity(f.get("/page"));

    assertThat(f.provider.refreshRequests.get()).isEqualTo(1);
    assertThat(f.provider.userInfoRequests.get()).isEqualTo(2);
    assertThat(identity.claims()).containsEntry("phone_number", "+1 555");
    assertThat(identity.name()).isEqualTo("alice@example.org");
    assertThat(f.login().identity().claims()).containsEntry("phone_number", "+1 555");
  }

  @Test
  void refreshWhenUserInfoFailsThenLoginKeptWithTheClaimsReadBefore() {
    userInfoWithEmailAndGroups();
    f.start("principal-claim", "email");
    f.login("/page");
    f.provider.userInfoAnswer(503, "application/json", "{}");
    f.clock.advance(Duration.ofSeconds(241));

    Identity identity = identity(f.get("/page"));

    assertThat(f.provider.refreshRequests.get()).isEqualTo(1);
    assertThat(identity.accessToken()).isEqualTo(f.provider.issuedTokens.get(1));
    assertThat(identity.claims()).containsEntry("email", "alice@example.org");
    assertThat(f.login()).isNotNull();
  }

  @Test
  void refreshWhenUserInfoNamesAnotherSubjectThenLoginEnds() {
    userInfoWithEmailAndGroups();
    f.start("principal-claim", "email");
    f.login("/page");
    f.provider.userInfoSubject("mallory");
    f.clock.advance(Duration.ofSeconds(301));

    assertThat(f.get("/page")).isInstanceOf(Outcome.Redirect.class);
    assertThat(f.login()).isNull();
    assertThat(f.engine.metrics().rejections(Reason.USERINFO_SUB_MISMATCH)).isEqualTo(1);
  }

  @Test
  void storedRecordWhenReopenedThenTheMergedClaimsSurvive() {
    userInfoWithEmailAndGroups();
    f.start("principal-claim", "email", "roles-claim", "groups");
    f.login("/page");
    LoginSession login = f.login();
    SessionKeys keys = new SessionKeys(new byte[32], null, "app");

    byte[] stored = SessionRecord.of(login, keys, 7).stored();
    LoginSession reopened = SessionRecord.ofStored(stored).open(keys, 7);

    assertThat(reopened).isEqualTo(login);
    assertThat(reopened.userInfo()).contains("alice@example.org");
    assertThat(reopened.identity().claims())
        .containsEntry("email", "alice@example.org")
        .containsEntry("groups", List.of("admin", "ops"));
    assertThat(reopened.identity().name()).isEqualTo("alice@example.org");
    assertThat(reopened.identity().roles()).containsExactlyInAnyOrder("admin", "ops");
    SessionRecordTest.assertNoToken(stored, "alice@example.org");
  }
}
