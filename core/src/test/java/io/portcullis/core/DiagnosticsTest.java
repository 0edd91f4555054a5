package io.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.testsupport.FakeProvider;
import io.portcullis.testsupport.MutableClock;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Issue 13 AC2: the start-up self-diagnostics, one line each, and their findings for health. */
class DiagnosticsTest {
  private static final String SECRET = "app-secret-0123456789-0123456789";

  /** "LEVEL message" of every io.portcullis line. */
  private final List<String> lines = new CopyOnWriteArrayList<>();

  private final Logger logger = Logger.getLogger("io.portcullis");
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          lines.add(record.getLevel().getName() + " " + record.getMessage());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void capture() {
    logger.addHandler(capture);
  }

  @AfterEach
  void release() {
    logger.removeHandler(capture);
  }

  private static PortcullisConfig config(String... keyValues) {
    Map<String, String> map = new HashMap<>(Map.of("client-id", "app", "client-secret", SECRET));
    map.put("issuer", "https://idp.example.com/realms/app");
    return PortcullisConfig.of(EngineFixture.overlay(map, keyValues));
  }

  private List<String> checks(String code) {
    return lines.stream().filter(l -> l.contains("portcullis.check " + code + ": ")).toList();
  }

  private static Diagnostics.Finding only(Diagnostics diagnostics, String code) {
    List<Diagnostics.Finding> found = diagnostics.findings(code);
    assertThat(found).as(code).hasSize(1);
    return found.get(0);
  }

  // ---- start-up lines ---------------------------------------------------------------------------

  @Test
  void createWhenProviderLoadsThenOneLineForEachCheckAndNoSecret() throws Exception {
    try (FakeProvider provider = new FakeProvider(Clock.systemUTC());
        Portcullis engine =
            Portcullis.create(
                config("issuer", provider.issuer(), "base-url", "https://app.example/shop"),
                MutableClock.ticking())) {
      assertThat(engine.awaitProvider(Duration.ofSeconds(10))).isTrue();
      waitFor(() -> !checks(Diagnostics.CLOCK).isEmpty());

      for (String code :
          List.of(
              Diagnostics.PROVIDER,
              Diagnostics.CLOCK,
              Diagnostics.ISSUER,
              Diagnostics.REDIRECT_URI,
              Diagnostics.RESPONSE_MODE,
              Diagnostics.RULES)) {
        assertThat(checks(code)).as(code).singleElement().asString().startsWith("INFO ");
      }
      assertThat(checks(Diagnostics.PROVIDER).get(0))
          .contains("metadata loaded from " + provider.issuer());
      assertThat(checks(Diagnostics.REDIRECT_URI).get(0))
          .contains("redirect_uri is https://app.example/shop/oauth2/callback", "base-url");
      assertThat(lines).noneMatch(l -> l.contains(SECRET));

      Diagnostics diagnostics = engine.diagnostics();
      assertThat(diagnostics.providerUp()).isTrue();
      assertThat(diagnostics.hasWarnings()).isFalse();
      assertThat(diagnostics.findings())
          .extracting(Diagnostics.Finding::code)
          .containsExactly(
              Diagnostics.PROVIDER,
              Diagnostics.CLOCK,
              Diagnostics.ISSUER,
              Diagnostics.REDIRECT_URI,
              Diagnostics.RESPONSE_MODE,
              Diagnostics.SESSION_COOKIE,
              Diagnostics.RULES);
    }
  }

  // ---- more than one provider -------------------------------------------------------------------

  @Test
  void createWhenTwoProvidersOneUnreachableThenEachProvidersLinesNameItAndGlobalOnesOnce()
      throws Exception {
    try (EngineFixture f = new EngineFixture()) {
      FakeProvider partners = new FakeProvider(f.clock);
      partners.close(); // nothing listens at its issuer any more
      Portcullis engine = EngineHealthTest.twoProviders(f, partners.issuer(), "dpop", "true");
      assertThat(engine.awaitProvider(Duration.ofSeconds(10))).isFalse();
      waitFor(() -> !checks(Diagnostics.CLOCK + " [employees]").isEmpty());

      for (String code :
          List.of(
              Diagnostics.ISSUER,
              Diagnostics.REDIRECT_URI,
              Diagnostics.RESPONSE_MODE,
              Diagnostics.DPOP,
              Diagnostics.PROVIDER,
              Diagnostics.CLOCK)) {
        assertThat(checks(code + " [employees]")).as(code).singleElement();
        assertThat(checks(code)).as(code + " without a provider").isEmpty();
      }
      for (String code :
          List.of(Diagnostics.ISSUER, Diagnostics.REDIRECT_URI, Diagnostics.RESPONSE_MODE)) {
        assertThat(checks(code + " [partners]")).as(code).singleElement();
      }
      assertThat(checks(Diagnostics.REDIRECT_URI + " [partners]").get(0))
          .contains("/oauth2/callback/partners");
      assertThat(checks(Diagnostics.PROVIDER + " [employees]").get(0))
          .startsWith("INFO ")
          .contains("metadata loaded from " + f.provider.issuer());
      assertThat(checks(Diagnostics.PROVIDER + " [partners]"))
          .first()
          .asString()
          .startsWith("WARNING ")
          .contains("provider metadata unavailable");
      assertThat(checks(Diagnostics.RULES)).singleElement().asString().startsWith("INFO ");

      Diagnostics diagnostics = engine.diagnostics();
      assertThat(diagnostics.providerUp()).isFalse();
      assertThat(diagnostics.findings())
          .extracting(d -> d.code() + (d.provider() == null ? "" : " [" + d.provider() + "]"))
          .containsExactly(
              "provider [employees]",
              "clock [employees]",
              "issuer [employees]",
              "redirect-uri [employees]",
              "response-mode [employees]",
              "dpop [employees]",
              "provider [partners]",
              "clock [partners]",
              "issuer [partners]",
              "redirect-uri [partners]",
              "response-mode [partners]",
              "dpop [partners]",
              "session-cookie",
              "rules");
      Diagnostics.Finding partner = diagnostics.findings(Diagnostics.PROVIDER).get(1);
      assertThat(partner.provider()).isEqualTo("partners");
      assertThat(partner.level()).isEqualTo(Level.WARNING);
      assertThat(partner.message()).contains(partners.issuer(), "not loaded");
    }
  }

  // ---- provider ---------------------------------------------------------------------------------

  @Test
  void diagnosticsWhenProviderUnreachableThenWarningSaysRetryingAndHealthDown() {
    try (Portcullis engine =
        Portcullis.create(config("issuer", "http://127.0.0.1:1/realms/app"), Clock.systemUTC())) {
      assertThat(engine.awaitProvider(Duration.ofSeconds(10))).isFalse();

      Diagnostics diagnostics = engine.diagnostics();

      assertThat(diagnostics.providerUp()).isFalse();
      Diagnostics.Finding provider = only(diagnostics, Diagnostics.PROVIDER);
      assertThat(provider.level()).isEqualTo(Level.WARNING);
      assertThat(provider.message())
          .contains("http://127.0.0.1:1/realms/app", "not loaded after 1 attempt", "retrying in")
          .contains("issuer");
      assertThat(only(diagnostics, Diagnostics.CLOCK).message()).contains("not loaded yet");
      assertThat(lines)
          .anyMatch(l -> l.startsWith("WARNING ") && l.contains("provider metadata unavailable"));
    }
  }

  // ---- clock ------------------------------------------------------------------------------------

  @Test
  void clockWhenLocalClockAgreesWithProviderDateThenInfo() throws Exception {
    try (EngineFixture f = new EngineFixture()) {
      f.clock.set(Instant.now());
      f.start();

      Diagnostics.Finding clock = only(f.engine.diagnostics(), Diagnostics.CLOCK);

      assertThat(clock.level()).isEqualTo(Level.INFO);
      assertThat(clock.message()).contains("Date header", "within the 60 s");
    }
  }

  @Test
  void clockWhenLocalClockBeyondAllowanceThenWarningNamesDirectionAndFix() throws Exception {
    try (EngineFixture f = new EngineFixture()) {
      f.clock.set(Instant.now().minus(Duration.ofMinutes(5)));
      f.start();
      waitFor(() -> !checks(Diagnostics.CLOCK).isEmpty());

      Diagnostics.Finding clock = only(f.engine.diagnostics(), Diagnostics.CLOCK);

      assertThat(clock.level()).isEqualTo(Level.WARNING);
      assertThat(clock.message()).contains("behind the provider's", "60 s", "NTP");
      assertThat(checks(Diagnostics.CLOCK)).singleElement().asString().startsWith("WARNING ");
    }
  }

  @Test
  void clockWhenAheadThenSaysAhead() {
    Diagnostics.Finding clock = Diagnostics.clock(Optional.of(Duration.ofSeconds(-90)), true, true);
    assertThat(clock.level()).isEqualTo(Level.WARNING);
    assertThat(clock.message()).contains("90 s ahead of the provider's");
    assertThat(Diagnostics.clock(Optional.of(Duration.ofSeconds(59)), true, true).level())
        .isEqualTo(Level.INFO);
  }

  @Test
  void clockWhenEndpointsExplicitThenComparedAtTheFirstProviderResponseAndLoggedOnce()
      throws Exception {
    try (EngineFixture f = new EngineFixture()) {
      // The provider's Date headers tell the real time; the engine's clock is 5 minutes behind.
      f.clock.set(Instant.now().minus(Duration.ofMinutes(5)));
      f.start(
          "authorization-endpoint", f.provider.authorizationEndpoint().toString(),
          "token-endpoint", f.provider.tokenEndpoint().toString(),
          "jwks-uri", f.provider.issuer() + "/jwks");
      waitFor(() -> !checks(Diagnostics.CLOCK).isEmpty());

      Diagnostics.Finding before = only(f.engine.diagnostics(), Diagnostics.CLOCK);
      assertThat(before.level()).isEqualTo(Level.INFO);
      assertThat(before.message())
          .contains("not compared", "no discovery request", "first response", "logged then");
      assertThat(checks(Diagnostics.CLOCK)).singleElement().asString().startsWith("INFO ");

      assertThat(f.login("/profile")).isInstanceOf(Outcome.Redirect.class);
      assertThat(f.login()).as("logged in").isNotNull();

      Diagnostics.Finding after = only(f.engine.diagnostics(), Diagnostics.CLOCK);
      assertThat(after.level()).isEqualTo(Level.WARNING);
      assertThat(after.message()).contains("behind the provider's", "Date header", "NTP");
      assertThat(checks(Diagnostics.CLOCK)).hasSize(2);
      assertThat(checks(Diagnostics.CLOCK).get(1)).startsWith("WARNING ").contains("behind");

      // Later responses move the comparison in the health output, but log no further line.
      f.session = new InMemoryExchange.Session();
      f.cookies.clear();
      assertThat(f.login("/profile")).isInstanceOf(Outcome.Redirect.class);
      assertThat(checks(Diagnostics.CLOCK)).hasSize(2);
    }
  }

  @Test
  void clockWhenEndpointsExplicitAndClocksAgreeThenInfoAfterTheFirstLogin() throws Exception {
    try (EngineFixture f = new EngineFixture()) {
      f.clock.set(Instant.now());
      f.start(
          "authorization-endpoint", f.provider.authorizationEndpoint().toString(),
          "token-endpoint", f.provider.tokenEndpoint().toString(),
          "jwks-uri", f.provider.issuer() + "/jwks");

      assertThat(f.login("/profile")).isInstanceOf(Outcome.Redirect.class);

      Diagnostics.Finding clock = only(f.engine.diagnostics(), Diagnostics.CLOCK);
      assertThat(clock.level()).isEqualTo(Level.INFO);
      assertThat(clock.message()).contains("Date header", "within the 60 s");
      waitFor(() -> checks(Diagnostics.CLOCK).size() == 2);
      assertThat(checks(Diagnostics.CLOCK).get(1)).startsWith("INFO ").contains("within the 60 s");
    }
  }

  // ---- issuer -----------------------------------------------------------------------------------

  @Test
  void issuerWhenHttpOutsideLoopbackThenStartFailsNamingIssuer() {
    assertThatThrownBy(() -> config("issuer", "http://idp.example.com/realms/app"))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("issuer")
        .hasMessageContaining("plain http, which is allowed only on loopback hosts");
  }

  @Test
  void issuerWhenHttpOnLoopbackThenInfoSaysDevelopmentOnly() {
    Diagnostics.Finding issuer = Diagnostics.issuer(config("issuer", "http://localhost:8080/r"));
    assertThat(issuer.level()).isEqualTo(Level.INFO);
    assertThat(issuer.message()).contains("plain http", "loopback", "must use https");
    assertThat(Diagnostics.issuer(config()).message()).contains("over https");
  }

  // ---- redirect_uri -----------------------------------------------------------------------------

  @Test
  void redirectUriWhenBaseUrlSetThenInfoWithTheExactUri() {
    Diagnostics.Finding finding =
        new Urls(config("base-url", "https://app.example/shop/", "redirect-path", "/cb"))
            .redirectUriFinding();
    assertThat(finding.level()).isEqualTo(Level.INFO);
    assertThat(finding.message()).startsWith("redirect_uri is https://app.example/shop/cb ");
  }

  @Test
  void redirectUriWhenNoBaseUrlAndProviderElsewhereThenWarningAtStart() {
    Diagnostics.Finding finding = new Urls(config()).redirectUriFinding();
    assertThat(finding.level()).isEqualTo(Level.WARNING);
    assertThat(finding.message())
        .contains(
            "base-url is not set",
            "idp.example.com",
            "Host header",
            "redirect_uri",
            "post-logout redirect",
            "trusted-proxies");
  }

  @Test
  void redirectUriWhenProviderOnLoopbackThenInfoUntilARequestNamesAnotherHost() {
    Urls urls = new Urls(config("issuer", "http://localhost:8080/realms/app"));
    assertThat(urls.redirectUriFinding().level()).isEqualTo(Level.INFO);
    assertThat(lines).isEmpty();

    urls.applicationUrl(InMemoryExchange.get("/x").contextPath("/shop"));

    Diagnostics.Finding finding = urls.redirectUriFinding();
    assertThat(finding.level()).isEqualTo(Level.WARNING);
    assertThat(finding.message())
        .contains(
            "first request for host app.example.com",
            "redirect_uri https://app.example.com/shop/oauth2/callback");
    assertThat(checks(Diagnostics.REDIRECT_URI)).singleElement().asString().startsWith("WARNING ");
  }

  // ---- response-mode=form_post ------------------------------------------------------------------

  @Test
  void formPostWhenBaseUrlPlainHttpElsewhereThenWarningNamesTheFailureAndTheKeys() {
    Diagnostics.Finding finding =
        Diagnostics.responseMode(
            config("response-mode", "form_post", "base-url", "http://app.example/shop"));
    assertThat(finding.level()).isEqualTo(Level.WARNING);
    assertThat(finding.message())
        .contains(
            "http://app.example/shop",
            "Secure",
            "state.unknown",
            "base-url",
            "response-mode=query");
  }

  @Test
  void formPostWhenHttpsOrLoopbackOrQueryThenInfo() {
    for (PortcullisConfig c :
        List.of(
            config("response-mode", "form_post", "base-url", "https://app.example/shop"),
            config("response-mode", "form_post", "base-url", "http://localhost:8080/shop"),
            config("response-mode", "form_post", "base-url", "http://127.0.0.1:8080"),
            config("response-mode", "form_post"),
            config("base-url", "http://app.example/shop"))) {
      assertThat(Diagnostics.responseMode(c).level()).as(c.toString()).isEqualTo(Level.INFO);
    }
  }

  @Test
  void formPostWhenNoBaseUrlAndALoginBuildsPlainHttpRedirectThenOneWarning() throws Exception {
    try (EngineFixture f = new EngineFixture()) {
      f.start("response-mode", "form_post", "trusted-proxies", "192.0.2.10");
      assertThat(only(f.engine.diagnostics(), Diagnostics.RESPONSE_MODE).level())
          .isEqualTo(Level.INFO);

      for (int i = 0; i < 2; i++) {
        Outcome outcome =
            f.engine.handle(f.browser("GET", "/profile").header("X-Forwarded-Proto", "http"));
        assertThat(outcome).isInstanceOf(Outcome.Redirect.class);
      }

      Diagnostics.Finding finding = only(f.engine.diagnostics(), Diagnostics.RESPONSE_MODE);
      assertThat(finding.level()).isEqualTo(Level.WARNING);
      assertThat(finding.message()).contains("redirect_uri http://app.example.com/oauth2/callback");
      assertThat(checks(Diagnostics.RESPONSE_MODE).stream().filter(l -> l.startsWith("WARNING")))
          .hasSize(1);
    }
  }

  // ---- session cookie SameSite -------------------------------------------------------------

  @Test
  void sessionCookieWhenStrictThenWarningInEitherModeSaysLoopAndLax() {
    for (ResponseMode mode : ResponseMode.values()) {
      Diagnostics.Finding finding =
          Diagnostics.sessionCookie(mode, "strict", "SessionCookieConfig");
      assertThat(finding.level()).as(mode.toString()).isEqualTo(Level.WARNING);
      assertThat(finding.message())
          .contains(
              "SameSite=Strict",
              "SessionCookieConfig",
              "starts at the provider",
              "every login loops",
              "SameSite to Lax");
    }
    assertThat(Diagnostics.sessionCookie(ResponseMode.FORM_POST, "Strict", "x").message())
        .contains("cross-site form_post");
  }

  @Test
  void sessionCookieWhenLaxNoneUnsetOrUnknownThenInfo() {
    assertThat(Diagnostics.sessionCookie(ResponseMode.QUERY, "Lax", "SessionCookieConfig"))
        .satisfies(f -> assertThat(f.level()).isEqualTo(Level.INFO))
        .satisfies(f -> assertThat(f.message()).contains("SameSite=Lax").doesNotContain("POST"));
    assertThat(Diagnostics.sessionCookie(ResponseMode.FORM_POST, "Lax", "x").message())
        .contains("form_post callback", "new session");
    assertThat(Diagnostics.sessionCookie(ResponseMode.QUERY, "None", "x").message())
        .contains("Secure");
    for (String unset : new String[] {null, ""}) {
      Diagnostics.Finding finding =
          Diagnostics.sessionCookie(ResponseMode.QUERY, unset, "not set in SessionCookieConfig");
      assertThat(finding.level()).isEqualTo(Level.INFO);
      assertThat(finding.message()).contains("not set in SessionCookieConfig", "Strict", "Lax");
    }
    assertThat(Diagnostics.sessionCookie(ResponseMode.QUERY, null, null).message())
        .contains("not known");
    assertThat(Diagnostics.sessionCookie(ResponseMode.QUERY, "Bogus", "x").message())
        .contains("\"Bogus\"", "do not know");
  }

  @Test
  void sessionCookieSameSiteWhenToldStrictThenHealthWarnsAndOneLine() throws Exception {
    try (EngineFixture f = new EngineFixture()) {
      f.start();
      assertThat(only(f.engine.diagnostics(), Diagnostics.SESSION_COOKIE).message())
          .contains("not known");

      f.engine.sessionCookieSameSite("Strict", "SessionCookieConfig");

      Diagnostics diagnostics = f.engine.diagnostics();
      assertThat(only(diagnostics, Diagnostics.SESSION_COOKIE).level()).isEqualTo(Level.WARNING);
      assertThat(diagnostics.toHealthJson())
          .contains("{\"code\":\"session-cookie\",\"level\":\"WARNING\"}");
      assertThat(checks(Diagnostics.SESSION_COOKIE))
          .singleElement()
          .asString()
          .startsWith("WARNING ")
          .contains("SameSite=Strict");
    }
  }

  // ---- rules ------------------------------------------------------------------------------------

  @Test
  void rulesWhenALaterRuleIsShadowedThenWarningNamesBothRules() {
    List<Diagnostics.Finding> findings =
        Diagnostics.rules(
            AccessRules.parse(
                """
                /** authenticated
                /public/** permit
                """));
    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.level()).isEqualTo(Level.WARNING);
              assertThat(f.message())
                  .contains(
                      "rule 2 \"/public/** permit\" never applies",
                      "rule 1 \"/** authenticated\"",
                      "rules");
            });
    assertThat(Diagnostics.rules(AccessRules.defaults()))
        .singleElement()
        .satisfies(f -> assertThat(f.level()).isEqualTo(Level.INFO));
  }

  @Test
  void rulesWhenContainerAuthThenSaysTheyAreNotUsed() {
    assertThat(Diagnostics.configFindings(config("container-auth", "true")))
        .filteredOn(f -> f.code().equals(Diagnostics.RULES))
        .singleElement()
        .satisfies(f -> assertThat(f.message()).contains("not used", "container-auth=true"));
  }

  private static void waitFor(java.util.function.BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(condition.getAsBoolean()).as("within 10 s").isTrue();
  }
}
