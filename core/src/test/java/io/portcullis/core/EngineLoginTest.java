package io.portcullis.core;

import static io.portcullis.core.EngineFixture.queryParam;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testsupport.FakeProvider;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Login start and the callback, through {@link Portcullis#handle} only (SPEC.md "Login"). */
class EngineLoginTest {
  private final EngineFixture f = new EngineFixture();

  @AfterEach
  void stop() {
    f.close();
  }

  /** The reason code of a rejection, as a string (what the JSON {@code reason} field carries). */
  static String reason(Outcome outcome) {
    assertThat(outcome).isInstanceOf(Outcome.Rejected.class);
    return String.valueOf(((Outcome.Rejected) outcome).error());
  }

  static int status(Outcome outcome) {
    assertThat(outcome).isInstanceOf(Outcome.Rejected.class);
    return ((Outcome.Rejected) outcome).status();
  }

  // ---- login start ------------------------------------------------------------------------------

  @Test
  void startWhenBrowserOnProtectedPathThenRedirectWithPkceS256StateNonceAndPendingCookie() {
    f.start();
    InMemoryExchange request = f.browser("GET", "/orders/7?view=full");
    Outcome outcome = f.send(request);

    assertThat(outcome).isInstanceOf(Outcome.Redirect.class);
    Outcome.Redirect redirect = (Outcome.Redirect) outcome;
    assertThat(redirect.callbackHygiene()).isTrue();
    String url = redirect.location();
    assertThat(url).startsWith(f.provider.authorizationEndpoint() + "?");
    assertThat(queryParam(url, "response_type")).isEqualTo("code");
    assertThat(queryParam(url, "client_id")).isEqualTo(EngineFixture.CLIENT_ID);
    assertThat(queryParam(url, "redirect_uri"))
        .isEqualTo("https://app.example.com/oauth2/callback");
    assertThat(queryParam(url, "scope")).isEqualTo("openid profile offline_access");
    assertThat(queryParam(url, "code_challenge_method")).isEqualTo("S256");
    // 32 random bytes each, base64url: 43 characters (RFC 7636 §4.1)
    assertThat(queryParam(url, "state")).matches("[A-Za-z0-9_-]{43}");
    assertThat(queryParam(url, "nonce")).matches("[A-Za-z0-9_-]{43}");
    assertThat(queryParam(url, "code_challenge")).matches("[A-Za-z0-9_-]{43}");
    assertThat(queryParam(url, "code_challenge")).isNotEqualTo(queryParam(url, "state"));

    assertThat(request.setCookies()).hasSize(1);
    String cookie = request.setCookies().get(0);
    assertThat(cookie)
        .startsWith(LoginStarter.COOKIE_PREFIX)
        .contains("; Path=/", "; HttpOnly", "; Secure", "; SameSite=Lax", "; Max-Age=600");
    // the pending login is in the encrypted cookie only: nothing readable, no session
    assertThat(cookie)
        .doesNotContain(queryParam(url, "state"), queryParam(url, "nonce"), "/orders");
    assertThat(request.session().id()).isNull();
    assertThat(f.provider.tokenRequests.get()).isZero();
  }

  @Test
  void startWhenRepeatedThenFreshStateNonceAndVerifierEachTime() {
    f.start();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      String url = ((Outcome.Redirect) f.send(f.browser("GET", "/page"))).location();
      for (String p : List.of("state", "nonce", "code_challenge")) {
        assertThat(seen.add(queryParam(url, p))).as(p + " repeated").isTrue();
      }
    }
  }

  @Test
  void startWhenReturnToOnCallbackPathThenRedirectKeepsOnlyALocalTarget() {
    f.start();
    for (String hostile :
        List.of("https://evil.example/x", "//evil.example/x", "/\\evil.example")) {
      Outcome outcome = f.get("/oauth2/callback?return_to=" + Urls.encode(hostile));
      assertThat(outcome).as(hostile).isInstanceOf(Outcome.Redirect.class);
      Outcome done = f.callback(((Outcome.Redirect) outcome).location());
      assertThat(((Outcome.Redirect) done).location())
          .as(hostile)
          .startsWith("/")
          .doesNotStartWith("//")
          .doesNotContain("evil");
    }
  }

  @Test
  void startWhenApiRequestOnCallbackPathThenRejected400() {
    f.start();
    Outcome outcome = f.send(f.api("GET", "/oauth2/callback?return_to=%2F"));
    assertThat(status(outcome)).isEqualTo(400);
    assertThat(reason(outcome)).isEqualTo("login.api");
  }

  // ---- callback ---------------------------------------------------------------------------------

  @Test
  void callbackWhenValidThenCodeExchangedSessionStoredIdRenewedAndRedirectToTarget() {
    f.start();
    Outcome start = f.get("/orders/7?view=full");
    String authorization = ((Outcome.Redirect) start).location();
    InMemoryExchange.Session before = f.session;

    Outcome outcome = f.callback(authorization);

    assertThat(outcome).isEqualTo(new Outcome.Redirect("/orders/7?view=full", true));
    // one token request, which the provider granted only with the verifier of the challenge
    assertThat(f.provider.tokenRequests.get()).isEqualTo(1);
    assertThat(f.provider.param(0, "grant_type")).isEqualTo("authorization_code");
    assertThat(LoginStarter.codeChallenge(f.provider.param(0, "code_verifier")))
        .isEqualTo(queryParam(authorization, "code_challenge"));
    assertThat(f.provider.param(0, "redirect_uri"))
        .isEqualTo("https://app.example.com/oauth2/callback");
    assertThat(f.session).isSameAs(before);
    assertThat(f.session.renewals()).as("session id renewed (THREATS E-01)").isEqualTo(1);
    assertThat(f.cookies.keySet())
        .as("pending cookie deleted")
        .noneMatch(n -> n.startsWith(LoginStarter.COOKIE_PREFIX));

    LoginSession login = f.login();
    assertThat(login).isNotNull();
    Identity identity = login.identity();
    assertThat(identity.subject()).isEqualTo("alice");
    assertThat(identity.name()).isEqualTo("alice");
    assertThat(identity.issuer()).isEqualTo(f.provider.issuer());
    assertThat(identity.scopes()).containsExactlyInAnyOrder("openid", "profile", "offline_access");
    assertThat(identity.tokens().accessToken()).isEqualTo(f.provider.issuedTokens.get(0));
    assertThat(login.refreshToken()).isNotNull();
    assertThat(identity.tokens().expiresAt()).isEqualTo(f.clock.instant().plusSeconds(300));
    assertThat(login.logoutToken()).isNotEmpty();

    // the next request is authenticated and touches no provider
    Outcome next = f.get("/orders/7");
    assertThat(next).isInstanceOf(Outcome.Proceed.class);
    assertThat(((Outcome.Proceed) next).identity()).isEqualTo(identity);
    assertThat(f.provider.tokenRequests.get()).isEqualTo(1);
  }

  @Test
  void callbackWhenAnotherUserWasLoggedInThenSessionInvalidatedNotJustRenewed() {
    f.start();
    f.login("/a");
    f.provider.subject("bob");
    f.clock.advance(Duration.ofSeconds(1));
    Outcome start = f.send(f.browser("GET", "/oauth2/callback?return_to=%2Fb"));
    assertThat(f.callback(((Outcome.Redirect) start).location()))
        .isEqualTo(new Outcome.Redirect("/b", true));
    assertThat(f.session.invalidations()).as("THREATS E-04").isEqualTo(1);
    assertThat(f.login().identity().subject()).isEqualTo("bob");
  }

  @Test
  void callbackWhenStateMissingUnknownOrForeignThenRejected400AndNoSessionNoTokenRequest() {
    f.start();
    assertThat(reason(f.get("/oauth2/callback?code=abc"))).isEqualTo("state.missing");
    assertThat(reason(f.get("/oauth2/callback?code=abc&state="))).isEqualTo("state.missing");
    assertThat(reason(f.get("/oauth2/callback?code=abc&state=xyz"))).isEqualTo("state.unknown");

    // a login started in another browser (its pending cookie then dropped from this jar): this
    // browser holds no pending cookie for the response's state
    String foreign = ((Outcome.Redirect) f.get("/x")).location();
    FakeProvider.Callback cb = f.provider.authorize(foreign);
    f.cookies.clear();
    Outcome outcome = f.get("/oauth2/callback?" + cb.query());
    assertThat(status(outcome)).isEqualTo(400);
    assertThat(reason(outcome)).isEqualTo("state.unknown");
    assertThat(((Outcome.Rejected) outcome).retryUrl()).isEqualTo("/oauth2/callback?return_to=%2F");

    assertThat(f.session.id()).isNull();
    assertThat(f.provider.tokenRequests.get()).isZero();
  }

  @Test
  void callbackWhenPendingCookieTamperedThenStateUnknownAndCookieDeleted() {
    f.start();
    String url = ((Outcome.Redirect) f.get("/x")).location();
    FakeProvider.Callback cb = f.provider.authorize(url);
    Map.Entry<String, String> pending = f.cookies.entrySet().iterator().next();
    String value = pending.getValue();
    char last = value.charAt(value.length() - 1);
    f.cookies.put(
        pending.getKey(), value.substring(0, value.length() - 1) + (last == 'A' ? 'B' : 'A'));

    Outcome outcome = f.get("/oauth2/callback?" + cb.query());
    assertThat(status(outcome)).isEqualTo(400);
    assertThat(reason(outcome)).isEqualTo("state.unknown");
    assertThat(f.cookies).doesNotContainKey(pending.getKey());
    assertThat(f.session.id()).isNull();
    assertThat(f.provider.tokenRequests.get()).isZero();
  }

  @Test
  void callbackWhenReplayedThenStateUsedAndOneTokenRequest() {
    f.start();
    String url = ((Outcome.Redirect) f.get("/x")).location();
    FakeProvider.Callback cb = f.provider.authorize(url);
    Map<String, String> jar = Map.copyOf(f.cookies);
    assertThat(f.get("/oauth2/callback?" + cb.query())).isInstanceOf(Outcome.Redirect.class);

    // the same response again, from a fresh browser holding the old cookies
    f.session = new InMemoryExchange.Session();
    f.cookies.clear();
    f.cookies.putAll(jar);
    Outcome replay = f.get("/oauth2/callback?" + cb.query());
    assertThat(status(replay)).isEqualTo(400);
    assertThat(reason(replay)).isEqualTo("state.used");
    assertThat(f.session.id()).isNull();
    assertThat(f.provider.tokenRequests.get()).isEqualTo(1);
  }

  @Test
  void callbackWhenStateGeneratedThenAlwaysRejected400WithoutSessionOrTokenRequest() {
    f.start();
    f.get("/x"); // a real pending login in the browser: no generated state may match it
    Random random = new Random(11);
    String alphabet = "AZaz09-_.~%+/=?&#é\u0000 \"'<>";
    for (int i = 0; i < 1000; i++) {
      StringBuilder state = new StringBuilder();
      int length = random.nextInt(i % 100 == 0 ? 700 : 60);
      for (int c = 0; c < length; c++) {
        state.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      InMemoryExchange request =
          f.browser("GET", "/oauth2/callback")
              .param("code", "c" + i)
              .param("state", state.toString());
      Outcome outcome = f.send(request);
      assertThat(status(outcome)).as(state.toString()).isEqualTo(400);
      assertThat(reason(outcome))
          .as(state.toString())
          .isIn("state.missing", "state.unknown", "param.too_long");
    }
    assertThat(f.session.id()).isNull();
    assertThat(f.provider.tokenRequests.get()).isZero();
  }

  @Test
  void callbackWhenLoginTookTooLongThenStateExpired() {
    f.start();
    String url = ((Outcome.Redirect) f.get("/x")).location();
    f.clock.advance(Duration.ofMinutes(11));
    Outcome outcome = f.callback(url);
    assertThat(status(outcome)).isEqualTo(400);
    assertThat(reason(outcome)).isEqualTo("state.expired");
    assertThat(f.login()).isNull();
    assertThat(f.provider.tokenRequests.get()).isZero();
  }

  @Test
  void callbackWhenProviderRefusesCodeThenRejected400TokenReason() {
    f.start();
    String url = ((Outcome.Redirect) f.get("/x")).location();
    f.provider.answer(400, "{\"error\":\"invalid_grant\"}");
    Outcome outcome = f.callback(url);
    assertThat(status(outcome)).isEqualTo(400);
    assertThat(reason(outcome)).isEqualTo("token.invalid_grant");
    assertThat(f.login()).isNull();
  }

  @Test
  void callbackWhenProviderReturnsErrorThenRejectedWithProviderReason() {
    f.start();
    String url = ((Outcome.Redirect) f.get("/x")).location();
    String state = queryParam(url, "state");
    Outcome outcome = f.get("/oauth2/callback?error=access_denied&state=" + state);
    assertThat(status(outcome)).isEqualTo(403);
    assertThat(reason(outcome)).isEqualTo("provider.access_denied");
    assertThat(f.login()).isNull();
    assertThat(f.provider.tokenRequests.get()).isZero();
  }

  @Test
  void callbackWhenIdTokenNonceOrAudienceWrongThenRejected400NoSession() {
    f.start();
    Map<String, Map<String, Object>> cases =
        Map.of(
            "id_token.nonce", Map.of("nonce", "another-nonce"),
            "id_token.aud", Map.of("nonce", "NONCE", "aud", "other-client"));
    for (Map.Entry<String, Map<String, Object>> c : cases.entrySet()) {
      String url = ((Outcome.Redirect) f.get("/x")).location();
      String nonce = queryParam(url, "nonce");
      Map<String, Object> claims = new java.util.HashMap<>(c.getValue());
      claims.replaceAll((k, v) -> "NONCE".equals(v) ? nonce : v);
      f.provider.tamperNext(
          json -> {
            String aud = (String) claims.getOrDefault("aud", EngineFixture.CLIENT_ID);
            Map<String, Object> extra = new java.util.HashMap<>(claims);
            extra.remove("aud");
            json.put("id_token", f.provider.idToken("alice", aud, extra));
            return json;
          });
      Outcome outcome = f.callback(url);
      assertThat(status(outcome)).as(c.getKey()).isEqualTo(400);
      assertThat(reason(outcome)).isEqualTo(c.getKey());
      assertThat(f.login()).isNull();
    }
  }

  @Test
  void callbackWhenProviderUnreachableThenRejected502() {
    f.start("http-timeout", "1");
    String url = ((Outcome.Redirect) f.get("/x")).location();
    FakeProvider.Callback cb = f.provider.authorize(url);
    f.provider.close();
    Outcome outcome = f.get("/oauth2/callback?" + cb.query());
    assertThat(status(outcome)).isEqualTo(502);
    assertThat(reason(outcome)).isEqualTo("token.unavailable");
    assertThat(f.login()).isNull();
  }
}
