package io.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.core.internal.nimbus.IdTokenException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The reason codes are API (the JSON {@code reason}, the log lines' {@code reason=}): each is
 * unique, none changes, and README.md lists them all.
 */
class ReasonTest {

  /** Every code as released: a code may be added here, never changed or removed. */
  private static final List<String> RELEASED =
      List.of(
          "path.invalid",
          "path.context",
          "path.ambiguous",
          "host.invalid",
          "login.api",
          "health.method",
          "param.too_long",
          "method",
          "duplicate_param",
          "state.missing",
          "state.used",
          "state.unknown",
          "state.mismatch",
          "state.expired",
          "provider.unavailable",
          "iss.mismatch",
          "iss.missing",
          "ambiguous_response",
          "provider.access_denied",
          "provider.server_error",
          "provider.temporarily_unavailable",
          "provider.{error}",
          "code.missing",
          "token.unavailable",
          "token.{error}",
          "id_token.missing",
          "id_token.malformed",
          "id_token.alg_none",
          "id_token.unsupported",
          "id_token.alg",
          "id_token.signature",
          "id_token.unknown_key",
          "id_token.keys_unavailable",
          "id_token.iss",
          "id_token.tenant",
          "id_token.aud",
          "id_token.azp",
          "id_token.expired",
          "id_token.iat",
          "id_token.sub",
          "id_token.nonce",
          "id_token.auth_time",
          "refresh.{error}",
          "session.ended",
          "userinfo.unavailable",
          "userinfo.invalid",
          "userinfo.sub_mismatch",
          "session.idle",
          "session.expired",
          "logout.csrf",
          "backchannel.request",
          "backchannel.unavailable",
          "backchannel.store",
          "backchannel.malformed",
          "backchannel.alg",
          "backchannel.type",
          "backchannel.signature",
          "backchannel.unknown_key",
          "backchannel.keys_unavailable",
          "backchannel.iss",
          "backchannel.aud",
          "backchannel.iat",
          "backchannel.expired",
          "backchannel.events",
          "backchannel.nonce",
          "backchannel.subject",
          "backchannel.jti",
          "backchannel.replay",
          "access.denied",
          "scope.missing",
          "login.unavailable",
          "bearer.malformed",
          "bearer.alg",
          "bearer.signature",
          "bearer.unknown_key",
          "bearer.keys_unavailable",
          "bearer.iss",
          "bearer.expired",
          "bearer.nbf",
          "bearer.not_access_token",
          "bearer.client",
          "bearer.dpop_bound",
          "post.type",
          "post.too_large",
          "post.unreadable");

  @Test
  void codesWhenListedThenUniqueAndExactlyTheReleasedOnes() {
    List<String> codes = Arrays.stream(Reason.values()).map(Reason::code).toList();
    assertThat(codes).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(RELEASED);
    assertThat(codes).allMatch(c -> c.matches("[a-z_]+(\\.([a-z_]+|\\{error}))?"), "shape");
  }

  @Test
  void attributesWhenReadThenEveryReasonHasAStatusALevelAndASentence() {
    for (Reason r : Reason.values()) {
      assertThat(r.status()).as(r.code()).isBetween(400, 599);
      assertThat(r.level()).as(r.code()).isNotNull();
      assertThat(r.sentence()).as(r.code()).endsWith(".").doesNotContain("<", ">", "&", "\"");
      assertThat(r.error())
          .as(r.code())
          .isIn(
              "bad_request",
              "login_failed",
              "invalid_token",
              "forbidden",
              "insufficient_scope",
              "temporarily_unavailable",
              "invalid_request");
    }
    assertThat(Reason.PATH_INVALID.error()).isEqualTo("bad_request");
    assertThat(Reason.STATE_MISMATCH.error()).isEqualTo("login_failed");
    assertThat(Reason.ID_TOKEN_KEYS_UNAVAILABLE.status()).isEqualTo(502);
    assertThat(Reason.PROVIDER_ACCESS_DENIED.status()).isEqualTo(403);
  }

  @Test
  void familyCodeWhenValueHasOtherCharactersThenOnlyWordCharactersUpTo40() {
    assertThat(Reason.TOKEN_ERROR.code("invalid_grant")).isEqualTo("token.invalid_grant");
    assertThat(Reason.PROVIDER_ERROR.code("<script>\r\nx=1 \u00e9")).isEqualTo("provider.scriptx1");
    assertThat(Reason.PROVIDER_ERROR.code("\"<>")).isEqualTo("provider.error");
    assertThat(Reason.REFRESH_ERROR.code("a".repeat(100))).isEqualTo("refresh." + "a".repeat(40));
    assertThat(Reason.STATE_USED.code("ignored")).isEqualTo("state.used");
    assertThat(Arrays.stream(Reason.values()).filter(Reason::isFamily).map(Reason::code))
        .containsExactlyInAnyOrder("provider.{error}", "token.{error}", "refresh.{error}");
  }

  @Test
  void tokenChecksWhenMappedThenIdTokenAndBearerReasonsKeepTheirCodes() {
    for (IdTokenException.Check check : IdTokenException.Check.values()) {
      assertThat(Reason.ofIdToken(check).code()).startsWith("id_token.");
      assertThat(Reason.ofBearer(check).code()).startsWith("bearer.");
    }
    assertThat(Reason.ofIdToken(IdTokenException.Check.NOT_YET_VALID))
        .isEqualTo(Reason.ID_TOKEN_IAT);
    assertThat(Reason.ofBearer(IdTokenException.Check.NOT_YET_VALID)).isEqualTo(Reason.BEARER_NBF);
    assertThat(Reason.ofBearer(IdTokenException.Check.KEYS_UNAVAILABLE))
        .isEqualTo(Reason.BEARER_KEYS_UNAVAILABLE);
    Set<IdTokenException.Check> logoutOnly =
        Set.of(
            IdTokenException.Check.TYPE, IdTokenException.Check.EVENTS, IdTokenException.Check.JTI);
    Set<Reason> idTokenReasons =
        Arrays.stream(IdTokenException.Check.values())
            .filter(c -> !logoutOnly.contains(c))
            .map(Reason::ofIdToken)
            .collect(Collectors.toSet());
    assertThat(idTokenReasons).hasSize(IdTokenException.Check.values().length - logoutOnly.size());
    for (IdTokenException.Check check : IdTokenException.Check.values()) {
      assertThat(Reason.ofLogoutToken(check).code()).startsWith("backchannel.");
    }
    assertThat(Reason.ofLogoutToken(IdTokenException.Check.NONCE))
        .isEqualTo(Reason.BACKCHANNEL_NONCE);
  }

  @Test
  void renderWhenRejectedThenJsonErrorComesFromTheReasonNotTheCodeText() {
    Responses.Response path =
        Responses.render(new Outcome.Rejected(Reason.PATH_INVALID, null, true));
    assertThat(path.status()).isEqualTo(400);
    assertThat(path.body())
        .isEqualTo(
            "{\"error\":\"bad_request\",\"reason\":\"path.invalid\","
                + "\"message\":\"The request path cannot be accepted.\"}");
    Responses.Response token =
        Responses.render(
            new Outcome.Rejected(
                Reason.TOKEN_ERROR, Reason.TOKEN_ERROR.code("invalid_grant"), "/cb", true));
    assertThat(token.status()).isEqualTo(400);
    assertThat(token.body())
        .startsWith("{\"error\":\"login_failed\",\"reason\":\"token.invalid_grant\"");
    Responses.Response page =
        Responses.render(new Outcome.Rejected(Reason.LOGOUT_CSRF, "/logout", false));
    assertThat(page.status()).isEqualTo(403);
    assertThat(page.body()).contains("Reason: logout.csrf", "href=\"/logout\"");
  }

  @Test
  void errorPageWhenBrowserAnswerThenReasonSentenceAndOnlyTheHeadersThatStillApply() {
    Responses.ErrorPage scope =
        Responses.errorPage(new Outcome.Forbidden(Set.of("admin"), false)).orElseThrow();
    assertThat(scope.status()).isEqualTo(403);
    assertThat(scope.reason()).isEqualTo("scope.missing");
    assertThat(scope.message()).isEqualTo(Reason.SCOPE_MISSING.sentence());
    assertThat(scope.headers()).containsOnlyKeys("Cache-Control");
    assertThat(Responses.errorPage(new Outcome.Forbidden(Set.of(), false)).orElseThrow().reason())
        .isEqualTo("access.denied");
    Responses.ErrorPage down =
        Responses.errorPage(new Outcome.Unavailable(java.time.Duration.ofSeconds(7), false))
            .orElseThrow();
    assertThat(down.status()).isEqualTo(503);
    assertThat(down.reason()).isEqualTo("login.unavailable");
    assertThat(down.headers()).containsEntry("Retry-After", "7").containsKey("Cache-Control");
    Responses.ErrorPage callback =
        Responses.errorPage(
                new Outcome.Rejected(
                    Reason.TOKEN_ERROR, Reason.TOKEN_ERROR.code("invalid_grant"), "/cb?x", false))
            .orElseThrow();
    assertThat(callback.status()).isEqualTo(400);
    assertThat(callback.reason()).isEqualTo("token.invalid_grant");
    assertThat(callback.retryUrl()).isEqualTo("/cb?x");
    assertThat(callback.headers())
        .containsOnlyKeys("Cache-Control", "Referrer-Policy")
        .doesNotContainKeys("Content-Type", "Content-Security-Policy", "X-Frame-Options");
    // API answers, redirects, challenges and Portcullis's own pages have no error page.
    assertThat(Responses.errorPage(new Outcome.Forbidden(Set.of("admin"), true))).isEmpty();
    assertThat(Responses.errorPage(new Outcome.Unavailable(java.time.Duration.ofSeconds(1), true)))
        .isEmpty();
    assertThat(Responses.errorPage(new Outcome.Rejected(Reason.STATE_USED, null, true))).isEmpty();
    assertThat(Responses.errorPage(new Outcome.Challenge("/login"))).isEmpty();
    assertThat(Responses.errorPage(new Outcome.InvalidToken())).isEmpty();
    assertThat(Responses.errorPage(new Outcome.Redirect("/x", false))).isEmpty();
    assertThat(Responses.errorPage(new Outcome.Page(200, "t", "<p>b</p>"))).isEmpty();
  }

  static String expectedTable() {
    StringBuilder table =
        new StringBuilder(
            "| reason | status | JSON `error` | log level | sentence |\n|---|---|---|---|---|\n");
    for (Reason r : Reason.values()) {
      table
          .append("| `")
          .append(r.code())
          .append("` | ")
          .append(r.status())
          .append(" | `")
          .append(r.error())
          .append("` | ")
          .append(r.level())
          .append(" | ")
          .append(r.sentence())
          .append(" |\n");
    }
    return table.toString();
  }

  @Test
  void readmeWhenReadThenListsEveryReasonCode() throws Exception {
    String text = Files.readString(Path.of("..", "README.md")).replace("\r\n", "\n");
    assertThat(text)
        .as("README.md must contain exactly this table:%n%s", expectedTable())
        .contains(expectedTable());
  }
}
