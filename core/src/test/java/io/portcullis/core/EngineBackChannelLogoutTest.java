package io.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.portcullis.testsupport.TestKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Back-channel logout (OpenID Connect Back-Channel Logout 1.0; THREATS G-01 to G-11, E-08), through
 * {@link Portcullis#handle} only.
 */
class EngineBackChannelLogoutTest {
  private static final String PATH = "/portcullis/backchannel-logout";
  private static final String EVENT = "http://schemas.openid.net/event/backchannel-logout";
  private final EngineFixture f = new EngineFixture();

  @AfterEach
  void stop() {
    f.close();
  }

  /** Logs alice in with an ID token whose sid is {@code sid}. */
  private void loggedIn(String sid) {
    f.provider.claims(Map.of("sid", sid));
    f.start("backchannel-logout-path", PATH);
    f.login("/page");
    assertThat(f.login()).isNotNull();
    assertThat(f.login().sessionId()).isEqualTo(sid);
  }

  private JWTClaimsSet.Builder claims() {
    Instant now = f.clock.instant();
    return new JWTClaimsSet.Builder()
        .issuer(f.provider.issuer())
        .audience(EngineFixture.CLIENT_ID)
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plusSeconds(120)))
        .jwtID(UUID.randomUUID().toString())
        .claim("events", Map.of(EVENT, Map.of()))
        .claim("sid", "s-1");
  }

  private String token(UnaryOperator<JWTClaimsSet.Builder> edit) {
    return f.provider.sign(edit.apply(claims()).build(), "logout+jwt");
  }

  /** The provider's POST, from no browser and with no session. */
  private Outcome post(String logoutToken) {
    return f.engine.handle(
        InMemoryExchange.request("POST", PATH)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .param("logout_token", logoutToken));
  }

  private static Reason refused(Outcome outcome) {
    assertThat(outcome).isInstanceOf(Outcome.BackChannelLogout.class);
    Reason reason = ((Outcome.BackChannelLogout) outcome).refused();
    assertThat(reason).as("refused").isNotNull();
    return reason;
  }

  private void assertStillLoggedIn() {
    assertThat(f.get("/page")).isInstanceOf(Outcome.Proceed.class);
    assertThat(f.login()).isNotNull();
  }

  private void assertLoggedOut() {
    Outcome next = f.get("/page");
    assertThat(next).isInstanceOf(Outcome.Redirect.class);
    assertThat(((Outcome.Redirect) next).location())
        .startsWith(f.provider.authorizationEndpoint() + "?");
    assertThat(f.login()).isNull();
  }

  @Test
  void postWhenValidSidTokenThen200NoStoreAndTheLoginEndsAtItsNextRequest() {
    loggedIn("s-1");
    Outcome outcome = post(token(b -> b));
    assertThat(outcome).isEqualTo(Outcome.BackChannelLogout.ACCEPTED);
    assertThat(f.engine.metrics().count(PortcullisMetrics.Counter.BACKCHANNEL_LOGOUTS))
        .isEqualTo(1);
    Responses.Response r = Responses.render(outcome);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.headers()).containsEntry("Cache-Control", "no-cache, no-store");

    int invalidations = f.session.invalidations();
    assertLoggedOut();
    assertThat(f.session.invalidations()).isGreaterThan(invalidations);
  }

  @Test
  void postWhenApiRequestAfterLogoutThen401() {
    loggedIn("s-1");
    post(token(b -> b));
    Outcome outcome = f.send(f.api("GET", "/page"));
    assertThat(outcome).isInstanceOf(Outcome.Challenge.class);
    assertThat(Responses.render(outcome).status()).isEqualTo(401);
  }

  @Test
  void postWhenSubOnlyThenEveryLoginOfTheUserEnds() {
    loggedIn("s-1");
    assertThat(post(token(b -> b.claim("sid", null).subject("alice"))))
        .isEqualTo(Outcome.BackChannelLogout.ACCEPTED);
    assertLoggedOut();
  }

  @Test
  void postWhenUnknownSidOrOtherSubThen200AndTheLoginStays() {
    loggedIn("s-1");
    assertThat(post(token(b -> b.claim("sid", "s-other"))))
        .isEqualTo(Outcome.BackChannelLogout.ACCEPTED);
    assertThat(post(token(b -> b.claim("sid", null).subject("bob"))))
        .isEqualTo(Outcome.BackChannelLogout.ACCEPTED);
    assertStillLoggedIn();
  }

  @Test
  void loginWhenNewerThanTheLogoutThenItStays() {
    loggedIn("s-1");
    assertThat(post(token(b -> b.claim("sid", null).subject("alice"))))
        .isEqualTo(Outcome.BackChannelLogout.ACCEPTED);
    assertLoggedOut();
    f.clock.advance(Duration.ofSeconds(5));
    f.provider.claims(Map.of("sid", "s-2"));
    f.login("/page"); // a new login, its ID token issued after the logout token
    assertStillLoggedIn();
  }

  @Test
  void postWhenReplayedThen400AndNoEffectTwice() {
    loggedIn("s-1");
    String logout = token(b -> b.claim("sid", "s-other"));
    assertThat(post(logout)).isEqualTo(Outcome.BackChannelLogout.ACCEPTED);
    Outcome replay = post(logout);
    assertThat(refused(replay)).isEqualTo(Reason.BACKCHANNEL_REPLAY);
    PortcullisMetrics metrics = f.engine.metrics();
    assertThat(metrics.count(PortcullisMetrics.Counter.BACKCHANNEL_LOGOUTS)).isEqualTo(1);
    assertThat(metrics.count(PortcullisMetrics.Counter.BACKCHANNEL_LOGOUTS_REFUSED)).isEqualTo(1);
    assertThat(metrics.rejections(Reason.BACKCHANNEL_REPLAY)).isEqualTo(1);
    Responses.Response r = Responses.render(replay);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.body()).isEqualTo("{\"error\":\"invalid_request\"}");
    assertThat(r.headers()).containsEntry("Cache-Control", "no-cache, no-store");
  }

  @Test
  void postWhenForgedOrInvalidThen400AndTheLoginStays() throws Exception {
    loggedIn("s-1");
    Instant now = f.clock.instant();
    RSAKey attacker = TestKeys.generate(f.provider.signingKey().getKeyID());
    Map<String, Reason> cases = new LinkedHashMap<>();
    cases.put(
        TestKeys.sign(attacker, attacker.getKeyID(), claims().build(), "logout+jwt"),
        Reason.BACKCHANNEL_SIGNATURE);
    RSAKey unknown = TestKeys.generate("unknown-kid");
    cases.put(
        TestKeys.sign(unknown, "unknown-kid", claims().build(), "logout+jwt"),
        Reason.BACKCHANNEL_UNKNOWN_KEY);
    cases.put(new PlainJWT(claims().build()).serialize(), Reason.BACKCHANNEL_ALG);
    SignedJWT hs =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.HS256)
                .type(new JOSEObjectType("logout+jwt"))
                .build(),
            claims().build());
    hs.sign(new MACSigner(EngineFixture.CLIENT_SECRET));
    cases.put(hs.serialize(), Reason.BACKCHANNEL_ALG);
    cases.put(f.provider.sign(claims().build(), "JWT"), Reason.BACKCHANNEL_TYPE);
    cases.put(token(b -> b.issuer("https://evil.example")), Reason.BACKCHANNEL_ISS);
    cases.put(token(b -> b.audience("other")), Reason.BACKCHANNEL_AUD);
    cases.put(
        token(b -> b.audience(List.of(EngineFixture.CLIENT_ID, "other"))), Reason.BACKCHANNEL_AUD);
    cases.put(token(b -> b.issueTime(null)), Reason.BACKCHANNEL_IAT);
    cases.put(token(b -> b.issueTime(Date.from(now.plusSeconds(600)))), Reason.BACKCHANNEL_IAT);
    cases.put(token(b -> b.issueTime(Date.from(now.minusSeconds(3600)))), Reason.BACKCHANNEL_IAT);
    cases.put(token(b -> b.expirationTime(null)), Reason.BACKCHANNEL_EXPIRED);
    cases.put(
        token(b -> b.expirationTime(Date.from(now.minusSeconds(300)))), Reason.BACKCHANNEL_EXPIRED);
    cases.put(token(b -> b.claim("events", null)), Reason.BACKCHANNEL_EVENTS);
    cases.put(token(b -> b.claim("events", Map.of(EVENT, "yes"))), Reason.BACKCHANNEL_EVENTS);
    cases.put(
        token(b -> b.claim("events", Map.of("http://other/event", Map.of()))),
        Reason.BACKCHANNEL_EVENTS);
    cases.put(token(b -> b.claim("nonce", "n")), Reason.BACKCHANNEL_NONCE);
    cases.put(token(b -> b.claim("sid", null)), Reason.BACKCHANNEL_SUBJECT);
    cases.put(token(b -> b.claim("sid", 7)), Reason.BACKCHANNEL_SUBJECT);
    cases.put(token(b -> b.jwtID(null)), Reason.BACKCHANNEL_JTI);
    // an ID token of this client posted as a logout token (THREATS G-09)
    cases.put(
        f.provider.idToken("alice", EngineFixture.CLIENT_ID, Map.of("sid", "s-1", "nonce", "n")),
        Reason.BACKCHANNEL_TYPE);
    cases.put("not-a-jwt", Reason.BACKCHANNEL_MALFORMED);
    cases.put("e30.bnVsbA.x", Reason.BACKCHANNEL_MALFORMED);

    for (Map.Entry<String, Reason> c : cases.entrySet()) {
      Outcome outcome = post(c.getKey());
      assertThat(refused(outcome)).as(c.getValue().code()).isEqualTo(c.getValue());
      assertThat(Responses.render(outcome).status()).isEqualTo(400);
    }
    assertStillLoggedIn();
  }

  @Test
  void requestWhenNotAFormPostOfOneTokenThen400() {
    loggedIn("s-1");
    String valid = token(b -> b);
    List<InMemoryExchange> bad =
        List.of(
            InMemoryExchange.request("GET", PATH),
            InMemoryExchange.request("POST", PATH)
                .header("Content-Type", "application/json")
                .param("logout_token", valid),
            InMemoryExchange.request("POST", PATH)
                .header("Content-Type", "application/x-www-form-urlencoded"),
            InMemoryExchange.request("POST", PATH)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .param("logout_token", valid)
                .param("logout_token", valid),
            InMemoryExchange.request("POST", PATH + "?logout_token=" + valid)
                .header("Content-Type", "application/x-www-form-urlencoded"),
            InMemoryExchange.request("POST", PATH + "?x=1&logout%5Ftoken=" + valid)
                .header("Content-Type", "application/x-www-form-urlencoded"),
            InMemoryExchange.request("POST", PATH)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .param("logout_token", "a".repeat(BackChannelLogoutHandler.MAX_TOKEN_LENGTH + 1)));
    for (InMemoryExchange exchange : bad) {
      assertThat(refused(f.engine.handle(exchange))).isEqualTo(Reason.BACKCHANNEL_REQUEST);
    }
    assertStillLoggedIn();
    // the valid token was never consumed: it still logs out, at a URI with a query of its own
    // (Back-Channel Logout §2.2)
    assertThat(
            f.engine.handle(
                InMemoryExchange.request("POST", PATH + "?tenant=a")
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .param("logout_token", valid)))
        .isEqualTo(Outcome.BackChannelLogout.ACCEPTED);
    assertLoggedOut();
  }

  @Test
  void postWhenTheSharedStoreCannotRecordThen503AndTheSameTokenIsAcceptedLater() {
    LogoutRegistryTest.ListStore store = new LogoutRegistryTest.ListStore();
    f.provider.claims(Map.of("sid", "s-1"));
    f.startWith(
        LogoutRegistry.shared(store, f.clock, Duration.ZERO), "backchannel-logout-path", PATH);
    f.login("/page");
    String logout = token(b -> b);
    store.down.set(true);
    Outcome outcome = post(logout);
    assertThat(refused(outcome)).isEqualTo(Reason.BACKCHANNEL_STORE);
    assertThat(Responses.render(outcome).status()).isEqualTo(503);
    store.down.set(false);
    assertThat(post(logout)).isEqualTo(Outcome.BackChannelLogout.ACCEPTED);
    assertLoggedOut();
  }

  @Test
  void configWhenLogoutEndpointPathIsAnotherEndpointOrNotAPathThenRefused() {
    String[][] bad = {
      {"backchannel-logout-path", "/oauth2/callback", "is the same path as redirect-path"},
      {"backchannel-logout-path", "/logout", "is the same path as logout-path"},
      {"backchannel-logout-path", "bcl", "is not a plain path"},
      {"frontchannel-logout-path", PATH, "is the same path as backchannel-logout-path"},
      {"frontchannel-logout-path", "/up/", "is the same path as health-path"},
      {"frontchannel-logout-path", "/f?x", "is not a plain path"}
    };
    for (String[] b : bad) {
      Map<String, String> map = new java.util.HashMap<>();
      map.put("issuer", "https://idp.example.com");
      map.put("client-id", "app");
      map.put("health-path", "/up");
      map.put("backchannel-logout-path", PATH);
      map.put(b[0], b[1]);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> PortcullisConfig.of(map))
          .as(b[0] + "=" + b[1])
          .isInstanceOf(InvalidConfigurationException.class)
          .hasMessageContaining(b[0])
          .hasMessageContaining(b[2]);
    }
  }

  @Test
  void pathWhenNotConfiguredThenItIsAnOrdinaryPath() {
    f.start();
    Outcome outcome =
        f.engine.handle(
            InMemoryExchange.request("POST", PATH)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .param("logout_token", "x"));
    assertThat(outcome).isNotInstanceOf(Outcome.BackChannelLogout.class);
  }
}
