package io.portcullis.core;

import static io.portcullis.core.EngineFixture.queryParam;
import static io.portcullis.core.EngineLoginTest.reason;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.testsupport.FakeProvider;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * More than one provider (README "More than one provider"), through {@link Portcullis#handle} with
 * two in-process providers: routing by path and host rule, a callback path per provider, the
 * session bound to the provider that issued it (refresh, logout, front-channel logout), bearer
 * tokens by issuer, and the mix-up cases of THREATS.md (RFC 9700 §4.4.2, RFC 9207).
 */
class EngineProvidersTest {
  private final EngineFixture f = new EngineFixture();

  /** The partner provider; {@code f.provider} is the employee one. */
  private final FakeProvider partners = new FakeProvider(f.clock);

  private static final String STATE_KEY =
      Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());

  @AfterEach
  void stop() {
    f.close();
    partners.close();
  }

  private void start(String... more) {
    partners.rotateSigningKey("partner-key"); // its own signing key: no token verifies at both
    String[] base = {
      "issuer",
      null,
      "providers",
      "employees,partners",
      "provider.employees.issuer",
      f.provider.issuer(),
      "provider.partners.issuer",
      partners.issuer(),
      "provider.partners.client-id",
      "partner-app",
      "provider-rules",
      "/partner/**=partners, /**=employees",
    };
    String[] all = new String[base.length + more.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    f.start(all);
  }

  /** Lets {@code provider} answer the authorization request and sends its callback. */
  private Outcome callbackAt(FakeProvider provider, String authorizationRequestUrl) {
    FakeProvider.Callback cb = provider.authorize(authorizationRequestUrl);
    return f.get(cb.redirectUri().getRawPath() + "?" + cb.query());
  }

  private String startLogin(String target) {
    Outcome start = f.get(target);
    assertThat(start).as("login start at " + target).isInstanceOf(Outcome.Redirect.class);
    return ((Outcome.Redirect) start).location();
  }

  // ---- routing ----------------------------------------------------------------------------------

  @Test
  void startWhenPathRuleMatchesThenThatProvidersLoginWithItsClientAndCallback() {
    start();
    String partner = startLogin("/partner/orders");
    assertThat(partner).startsWith(partners.authorizationEndpoint() + "?");
    assertThat(queryParam(partner, "client_id")).isEqualTo("partner-app");
    assertThat(queryParam(partner, "redirect_uri"))
        .isEqualTo("https://app.example.com/oauth2/callback/partners");

    String employee = startLogin("/orders");
    assertThat(employee).startsWith(f.provider.authorizationEndpoint() + "?");
    assertThat(queryParam(employee, "client_id")).isEqualTo(EngineFixture.CLIENT_ID);
    assertThat(queryParam(employee, "redirect_uri"))
        .isEqualTo("https://app.example.com/oauth2/callback/employees");
  }

  @Test
  void startWhenHostRuleMatchesForwardedHostOfTrustedProxyThenThatProvider() {
    start(
        "provider-rules",
        "host:partners.example.com=partners, /**=employees",
        "trusted-proxies",
        "192.0.2.0/24");
    Outcome outcome =
        f.send(f.browser("GET", "/orders").header("X-Forwarded-Host", "partners.example.com"));
    String url = ((Outcome.Redirect) outcome).location();
    assertThat(url).startsWith(partners.authorizationEndpoint() + "?");
    assertThat(queryParam(url, "redirect_uri"))
        .isEqualTo("https://partners.example.com/oauth2/callback/partners");

    assertThat(startLogin("/orders")).startsWith(f.provider.authorizationEndpoint() + "?");
  }

  @Test
  void callbackWhenAtEachProvidersOwnPathThenLoggedInWithThatIssuer() {
    start();
    Outcome done = callbackAt(partners, startLogin("/partner/orders"));
    assertThat(done).isEqualTo(new Outcome.Redirect("/partner/orders", true));
    assertThat(f.login().identity().issuer()).isEqualTo(partners.issuer());
    assertThat(partners.tokenRequests.get()).isEqualTo(1);
    assertThat(f.provider.tokenRequests.get()).isZero();

    f.session = new InMemoryExchange.Session();
    f.cookies.clear();
    callbackAt(f.provider, startLogin("/orders"));
    assertThat(f.login().identity().issuer()).isEqualTo(f.provider.issuer());
  }

  @Test
  void handleWhenLoginOfOneProviderOnAPathRoutedToTheOtherThenItsLoginIsUsed() {
    start();
    callbackAt(partners, startLogin("/partner/orders"));
    Outcome outcome = f.get("/orders");
    assertThat(outcome).isInstanceOf(Outcome.Proceed.class);
    assertThat(((Outcome.Proceed) outcome).identity().issuer()).isEqualTo(partners.issuer());
  }

  // ---- the selection page
  // ------------------------------------------------------------------------

  @Test
  void startWhenNoRuleMatchesThenSelectionPageWhoseLinksStartThatProvidersLoginAndReturn() {
    start(
        "provider-rules",
        "/partner/**=partners",
        "provider.partners.display-name",
        "Partner <portal>");
    Outcome outcome = f.get("/orders?view=full");
    assertThat(outcome).isInstanceOf(Outcome.Page.class);
    Outcome.Page page = (Outcome.Page) outcome;
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.htmlBody())
        .contains(
            "<a href=\"/oauth2/callback/employees?return_to=%2Forders%3Fview%3Dfull\">employees</a>",
            "<a href=\"/oauth2/callback/partners?return_to=%2Forders%3Fview%3Dfull\">"
                + "Partner &lt;portal&gt;</a>")
        .doesNotContain("<script", "<portal>");
    assertThat(f.cookies).as("no pre-login cookie before a choice").isEmpty();

    String authorize =
        ((Outcome.Redirect) f.get("/oauth2/callback/partners?return_to=%2Forders%3Fview%3Dfull"))
            .location();
    assertThat(authorize).startsWith(partners.authorizationEndpoint() + "?");
    assertThat(callbackAt(partners, authorize))
        .isEqualTo(new Outcome.Redirect("/orders?view=full", true));
    assertThat(f.login().identity().issuer()).isEqualTo(partners.issuer());
    assertThat(f.get("/orders")).isInstanceOf(Outcome.Proceed.class);
  }

  @Test
  void startWhenNoRuleMatchesForAnApiRequestThen401NotThePage() {
    start("provider-rules", "/partner/**=partners");
    Outcome outcome = f.send(f.api("GET", "/orders"));
    assertThat(outcome).isInstanceOf(Outcome.Challenge.class);
  }

  // ---- the session's provider only -------------------------------------------------------------

  @Test
  void refreshWhenTokenDueThenOnlyAtTheProviderThatIssuedTheSession() {
    start();
    callbackAt(partners, startLogin("/partner/orders"));
    f.clock.advance(Duration.ofSeconds(290));
    Outcome outcome = f.get("/orders"); // a path whose rule names the other provider
    assertThat(outcome).isInstanceOf(Outcome.Proceed.class);
    assertThat(partners.refreshRequests.get()).isEqualTo(1);
    assertThat(f.provider.refreshRequests.get()).isZero();
    assertThat(f.provider.tokenRequests.get()).isZero();
  }

  @Test
  void logoutWhenSessionOfPartnersThenEndSessionOfPartners() {
    start();
    callbackAt(partners, startLogin("/partner/orders"));
    LoginSession login = f.login();
    Outcome outcome = f.send(f.browser("POST", "/logout").param("csrf", login.logoutToken()));
    String url = ((Outcome.Redirect) outcome).location();
    assertThat(url).startsWith(partners.endSessionEndpoint() + "?");
    assertThat(queryParam(url, "client_id")).isEqualTo("partner-app");
    assertThat(f.login()).isNull();
  }

  /** A logout token of {@code provider} for {@code sid}, for this client. */
  private String logoutToken(FakeProvider provider, String audience, String sid) {
    java.time.Instant now = f.clock.instant();
    return provider.sign(
        new com.nimbusds.jwt.JWTClaimsSet.Builder()
            .issuer(provider.issuer())
            .audience(audience)
            .issueTime(java.util.Date.from(now))
            .expirationTime(java.util.Date.from(now.plusSeconds(120)))
            .jwtID(java.util.UUID.randomUUID().toString())
            .claim("events", Map.of("http://schemas.openid.net/event/backchannel-logout", Map.of()))
            .claim("sid", sid)
            .build(),
        "logout+jwt");
  }

  private Outcome backChannel(String path, String token) {
    return f.engine.handle(
        InMemoryExchange.request("POST", path)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .param("logout_token", token));
  }

  @Test
  void backChannelLogoutWhenAtEachProvidersPathThenOnlyItsOwnTokensEndItsLogins() {
    partners.claims(Map.of("sid", "p-1"));
    start("backchannel-logout-path", "/bcl");
    assertThat(f.engine.config().providers().get("partners").backchannelLogoutPath())
        .contains("/bcl/partners");
    callbackAt(partners, startLogin("/partner/orders"));
    String token = logoutToken(partners, "partner-app", "p-1");

    // the partner's token at the employee provider's path: not its issuer, nothing ends
    Outcome wrong = backChannel("/bcl/employees", token);
    assertThat(((Outcome.BackChannelLogout) wrong).refused()).isNotNull();
    assertThat(f.get("/orders")).isInstanceOf(Outcome.Proceed.class);

    Outcome right = backChannel("/bcl/partners", token);
    assertThat(((Outcome.BackChannelLogout) right).refused()).isNull();
    assertThat(f.get("/partner/orders")).isInstanceOf(Outcome.Redirect.class);
    assertThat(f.login()).isNull();
  }

  @Test
  void frontChannelLogoutWhenIssuerOfTheOtherProviderThenNothingEnds() {
    start("frontchannel-logout-path", "/fc-logout");
    callbackAt(partners, startLogin("/partner/orders"));
    String sid = f.login().sessionId();
    Outcome outcome = f.get("/fc-logout?iss=" + Urls.encode(f.provider.issuer()) + "&sid=" + sid);
    assertThat(outcome).isEqualTo(new Outcome.FrontChannelLogout(false));
    assertThat(f.login()).isNotNull();
  }

  @Test
  void handleWhenSessionIssuerIsNoProvidersThenNotUsed() {
    start();
    callbackAt(partners, startLogin("/partner/orders"));
    f.engine.close(); // a restart without the partner provider
    f.cookies.clear();
    FakeProvider other = new FakeProvider(f.clock);
    try {
      f.start(
          "issuer",
          null,
          "providers",
          "employees,others",
          "provider.employees.issuer",
          f.provider.issuer(),
          "provider.others.issuer",
          other.issuer());
      Outcome outcome = f.get("/orders");
      assertThat(outcome).as("no rule: the selection page").isInstanceOf(Outcome.Page.class);
      assertThat(f.provider.refreshRequests.get() + other.refreshRequests.get()).isZero();
    } finally {
      other.close();
    }
  }

  // ---- mix-up (THREATS b-3, RFC 9700 §4.4.2; RFC 9207) ----------------------------------------

  @Test
  void callbackWhenStateOfOneProviderAtTheOthersCallbackThenRejectedWithoutTokenRequest() {
    start("state-key", STATE_KEY); // one state key: the cookie opens at both; its issuer does not
    String employee = startLogin("/orders");
    FakeProvider.Callback cb = f.provider.authorize(employee);
    Outcome outcome = f.get("/oauth2/callback/partners?" + cb.query());
    assertThat(reason(outcome)).isEqualTo("iss.mismatch");
    assertThat(f.provider.tokenRequests.get() + partners.tokenRequests.get()).isZero();
    assertThat(f.login()).isNull();
  }

  @Test
  void callbackWhenStateOfOneProviderAtTheOthersCallbackWithoutStateKeyThenUnknown() {
    start();
    FakeProvider.Callback cb = f.provider.authorize(startLogin("/orders"));
    Outcome outcome = f.get("/oauth2/callback/partners?" + cb.query());
    assertThat(reason(outcome)).isIn("state.unknown", "iss.mismatch");
    assertThat(f.provider.tokenRequests.get() + partners.tokenRequests.get()).isZero();
  }

  @Test
  void callbackWhenIssParameterOfTheOtherProviderThenRejected() {
    start();
    FakeProvider.Callback cb = f.provider.authorize(startLogin("/orders"));
    Outcome outcome =
        f.get(
            "/oauth2/callback/employees?" + cb.query() + "&iss=" + Urls.encode(partners.issuer()));
    assertThat(reason(outcome)).isEqualTo("iss.mismatch");
    assertThat(f.provider.tokenRequests.get() + partners.tokenRequests.get()).isZero();
  }

  @Test
  void callbackWhenParametersNameTheOtherProviderThenTokenRequestOnlyToTheStoredOne() {
    start(); // THREATS B-11: provider, token endpoint and issuer come from the stored login only
    FakeProvider.Callback cb = f.provider.authorize(startLogin("/orders"));
    Outcome outcome =
        f.get(
            "/oauth2/callback/employees?"
                + cb.query()
                + "&provider=partners&client_name=partners&client_id=partner-app");
    assertThat(outcome).isEqualTo(new Outcome.Redirect("/orders", true));
    assertThat(f.login().identity().issuer()).isEqualTo(f.provider.issuer());
    assertThat(f.provider.tokenRequests.get()).isEqualTo(1);
    assertThat(partners.tokenRequests.get()).isZero();
  }

  @Test
  void callbackWhenProviderAdvertisesIssAndItIsMissingThenRejected() {
    partners.issParameterSupported(true); // THREATS B-10, at the second provider
    start();
    FakeProvider.Callback cb = partners.authorize(startLogin("/partner/x"));
    Outcome outcome = f.get("/oauth2/callback/partners?" + cb.query());
    assertThat(reason(outcome)).isEqualTo("iss.missing");
    assertThat(partners.tokenRequests.get()).isZero();
  }

  @Test
  void callbackWhenTokenEndpointAnswersTheOtherProvidersIdTokenThenRejected() {
    start();
    String employee = startLogin("/orders");
    String nonce = queryParam(employee, "nonce");
    f.provider.tamperNext(
        json -> {
          json.put(
              "id_token",
              partners.idToken("alice", EngineFixture.CLIENT_ID, Map.of("nonce", nonce)));
          return json;
        });
    Outcome outcome = callbackAt(f.provider, employee);
    assertThat(reason(outcome)).startsWith("id_token.");
    assertThat(f.login()).isNull();
  }

  // ---- bearer tokens ----------------------------------------------------------------------------

  @Test
  void bearerWhenTokensOfEitherProviderThenEachVerifiedByItsIssuer() {
    start("bearer-tokens", "own-clients");
    String employee = f.provider.accessToken("bob", EngineFixture.CLIENT_ID, Map.of(), 300);
    String partner = partners.accessToken("carol", "partner-app", Map.of(), 300);
    for (Map.Entry<String, String> e :
        Map.of(employee, f.provider.issuer(), partner, partners.issuer()).entrySet()) {
      Outcome outcome =
          f.send(InMemoryExchange.get("/api/x").header("Authorization", "Bearer " + e.getKey()));
      assertThat(outcome).isInstanceOf(Outcome.Proceed.class);
      assertThat(((Outcome.Proceed) outcome).identity().issuer()).isEqualTo(e.getValue());
    }
  }

  @Test
  void bearerWhenTokenOfOneProviderClaimsTheOthersIssuerOrIsOfNoProviderThenInvalid() {
    start("bearer-tokens", "own-clients");
    // signed by the partner provider's key, claiming the employee provider's issuer
    String forged =
        partners.sign(
            new com.nimbusds.jwt.JWTClaimsSet.Builder()
                .issuer(f.provider.issuer())
                .subject("mallory")
                .audience("api")
                .claim("client_id", EngineFixture.CLIENT_ID)
                .issueTime(java.util.Date.from(f.clock.instant()))
                .expirationTime(java.util.Date.from(f.clock.instant().plusSeconds(300)))
                .build(),
            "at+jwt");
    FakeProvider stranger = new FakeProvider(f.clock);
    try {
      String foreign = stranger.accessToken("eve", EngineFixture.CLIENT_ID, Map.of(), 300);
      for (String token : new String[] {forged, foreign, "not.a.jwt"}) {
        Outcome outcome =
            f.send(InMemoryExchange.get("/api/x").header("Authorization", "Bearer " + token));
        assertThat(outcome).as(token).isInstanceOf(Outcome.InvalidToken.class);
      }
    } finally {
      stranger.close();
    }
  }

  // ---- configuration ----------------------------------------------------------------------------

  private static Map<String, String> config(String... keyValues) {
    Map<String, String> map = new LinkedHashMap<>();
    map.put("providers", "employees,partners");
    map.put("provider.employees.issuer", "https://login.example.com/employees");
    map.put("provider.partners.issuer", "https://login.example.com/partners");
    map.put("client-id", "app");
    return EngineFixture.overlay(map, keyValues);
  }

  @Test
  void configWhenProvidersThenEachHasItsOwnKeysOverTheGlobalOnesAndItsCallback() {
    PortcullisConfig config =
        PortcullisConfig.of(
            config("provider.partners.client-id", "partner-app", "scopes", "openid"));
    assertThat(config.providers().keySet()).containsExactly("employees", "partners");
    PortcullisConfig employees = config.providers().get("employees");
    PortcullisConfig partnerConfig = config.providers().get("partners");
    assertThat(config).isSameAs(employees);
    assertThat(employees.providerName()).contains("employees");
    assertThat(employees.clientId()).isEqualTo("app");
    assertThat(partnerConfig.clientId()).isEqualTo("partner-app");
    assertThat(partnerConfig.scopes()).containsExactly("openid");
    assertThat(employees.redirectPath()).isEqualTo("/oauth2/callback/employees");
    assertThat(partnerConfig.redirectPath()).isEqualTo("/oauth2/callback/partners");
    assertThat(
            PortcullisConfig.of(Map.of("issuer", "https://a.example", "client-id", "x"))
                .providers())
        .isEmpty();
  }

  @Test
  void configWhenProviderKeysInSystemPropertiesAndEnvironmentThenRead() {
    java.util.Properties props = new java.util.Properties();
    props.setProperty("portcullis.provider.partners.client-id", "from-property");
    PortcullisConfig config =
        PortcullisConfig.from(
            ConfigSource.of("init-param", config()),
            ConfigSource.systemProperties(props),
            ConfigSource.environment(
                Map.of("PORTCULLIS_PROVIDER_EMPLOYEES_CLIENT_ID", "from-env")));
    assertThat(config.providers().get("partners").clientId()).isEqualTo("from-property");
    assertThat(config.providers().get("employees").clientId()).isEqualTo("from-env");
  }

  @Test
  void configWhenProviderKeysWrongThenInitFailsNamingEachKey() {
    assertThatThrownBy(
            () ->
                PortcullisConfig.of(
                    config(
                        "provider.partners.issuer", null,
                        "provider-rules", "/partner/**=suppliers",
                        "provider.suppliers.client-id", "s",
                        "provider.partners.rules", "/** permit")))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("provider partners")
        .hasMessageContaining("provider.partners.issuer")
        .hasMessageContaining("provider-rules")
        .hasMessageContaining("\"suppliers\"")
        .hasMessageContaining("provider.suppliers.client-id")
        .hasMessageContaining("provider.partners.rules");
    assertThatThrownBy(
            () ->
                PortcullisConfig.of(
                    config("provider.partners.issuer", "https://login.example.com/employees")))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("provider.partners.issuer")
        .hasMessageContaining("provider employees");
    assertThatThrownBy(() -> PortcullisConfig.of(config("providers", "employees,Partners")))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("providers");
    assertThatThrownBy(
            () ->
                PortcullisConfig.of(
                    config("provider.partners.redirect-path", "/oauth2/callback/employees")))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("provider.partners.redirect-path");
    assertThatThrownBy(
            () ->
                PortcullisConfig.of(
                    Map.of(
                        "issuer",
                        "https://a.example",
                        "client-id",
                        "x",
                        "provider.a.client-id",
                        "y")))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("provider.a.client-id");
  }
}
