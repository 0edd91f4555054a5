package io.portcullis.core;

import static io.portcullis.core.EngineLoginTest.reason;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testsupport.FakeProvider;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Microsoft Entra's multi-tenant endpoint (README "More than one provider"): the metadata names the
 * issuer {@code .../{tenantid}}; an ID token's {@code iss} must be that issuer with its {@code tid}
 * in place, and {@code tid} one of {@code tenants}. Played by a {@link FakeProvider} whose metadata
 * names such a template.
 */
class EngineTenantsTest {
  private final EngineFixture f = new EngineFixture();

  @AfterEach
  void stop() {
    f.close();
  }

  /** {@code http://127.0.0.1:<port>/} — the configured issuer is this + {@code realm}. */
  private String base() {
    String issuer = f.provider.issuer();
    return issuer.substring(0, issuer.lastIndexOf('/') + 1);
  }

  private String tenantIssuer(String tid) {
    return base() + tid;
  }

  private void startMultiTenant(String... more) {
    f.provider.metadataIssuer(base() + "{tenantid}");
    String[] all = new String[more.length + 2];
    all[0] = "tenants";
    all[1] = "contoso,fabrikam";
    System.arraycopy(more, 0, all, 2, more.length);
    f.start(all);
  }

  private Outcome loginAs(String tid, String iss) {
    Map<String, Object> claims = new LinkedHashMap<>();
    if (tid != null) {
      claims.put("tid", tid);
    }
    claims.put("iss", iss);
    f.provider.claims(claims);
    return f.login("/page");
  }

  @Test
  void loginWhenTenantAllowedAndIssIsItsIssuerThenLoggedInWithThatIssuer() {
    startMultiTenant();
    Outcome outcome = loginAs("contoso", tenantIssuer("contoso"));
    assertThat(outcome).isEqualTo(new Outcome.Redirect("/page", true));
    assertThat(f.login().identity().issuer()).isEqualTo(tenantIssuer("contoso"));
    assertThat(f.get("/page")).isInstanceOf(Outcome.Proceed.class);
  }

  @Test
  void loginWhenTenantNotAllowedOrMissingThenRejectedAsTenant() {
    startMultiTenant();
    assertThat(reason(loginAs("evil", tenantIssuer("evil")))).isEqualTo("id_token.tenant");
    assertThat(reason(loginAs(null, tenantIssuer("contoso")))).isEqualTo("id_token.tenant");
    assertThat(f.login()).isNull();
  }

  @Test
  void loginWhenIssIsAnotherTenantsOrTheTemplateThenRejectedAsIss() {
    startMultiTenant();
    assertThat(reason(loginAs("contoso", tenantIssuer("fabrikam")))).isEqualTo("id_token.iss");
    assertThat(reason(loginAs("contoso", base() + "{tenantid}"))).isEqualTo("id_token.iss");
    assertThat(reason(loginAs("contoso", f.provider.issuer()))).isEqualTo("id_token.iss");
    assertThat(f.login()).isNull();
  }

  @Test
  void startWhenTemplateIssuerWithoutTenantsThenMetadataRefused() {
    f.provider.metadataIssuer(base() + "{tenantid}");
    Map<String, String> map = new LinkedHashMap<>();
    map.put("issuer", f.provider.issuer());
    map.put("client-id", EngineFixture.CLIENT_ID);
    try (Portcullis engine = Portcullis.create(PortcullisConfig.of(map), f.clock)) {
      assertThat(engine.awaitProvider(Duration.ofSeconds(2))).isFalse();
    }
  }

  @Test
  void refreshWhenTenantLoginDueThenRefreshedAndStillItsTenant() {
    startMultiTenant();
    loginAs("fabrikam", tenantIssuer("fabrikam"));
    f.clock.advance(Duration.ofSeconds(290));
    assertThat(f.get("/page")).isInstanceOf(Outcome.Proceed.class);
    assertThat(f.provider.refreshRequests.get()).isEqualTo(1);
    assertThat(f.login().identity().issuer()).isEqualTo(tenantIssuer("fabrikam"));
  }

  @Test
  void bearerWhenTokenOfAllowedTenantThenAcceptedElseInvalid() {
    startMultiTenant("bearer-tokens", "own-clients");
    String good =
        f.provider.accessToken(
            "bob",
            EngineFixture.CLIENT_ID,
            Map.of("iss", tenantIssuer("contoso"), "tid", "contoso"),
            300);
    String bad =
        f.provider.accessToken(
            "eve",
            EngineFixture.CLIENT_ID,
            Map.of("iss", tenantIssuer("evil"), "tid", "evil"),
            300);
    Outcome ok = f.send(InMemoryExchange.get("/api/x").header("Authorization", "Bearer " + good));
    assertThat(ok).isInstanceOf(Outcome.Proceed.class);
    assertThat(((Outcome.Proceed) ok).identity().issuer()).isEqualTo(tenantIssuer("contoso"));
    assertThat(f.send(InMemoryExchange.get("/api/x").header("Authorization", "Bearer " + bad)))
        .isInstanceOf(Outcome.InvalidToken.class);
  }

  @Test
  void providersWhenOneIsMultiTenantThenItsTenantLoginStaysWithIt() {
    FakeProvider partners = new FakeProvider(f.clock);
    try {
      partners.rotateSigningKey("partner-key");
      startMultiTenant(
          "issuer",
          null,
          "tenants",
          null,
          "providers",
          "staff,partners",
          "provider.staff.issuer",
          f.provider.issuer(),
          "provider.staff.tenants",
          "contoso",
          "provider.partners.issuer",
          partners.issuer(),
          "provider-rules",
          "/partner/**=partners, /**=staff");
      f.provider.claims(Map.of("iss", tenantIssuer("contoso"), "tid", "contoso"));
      f.login("/page");
      assertThat(f.login().identity().issuer()).isEqualTo(tenantIssuer("contoso"));
      f.clock.advance(Duration.ofSeconds(290));
      Outcome outcome = f.get("/partner/x"); // the rule names partners; the login is staff's
      assertThat(outcome).isInstanceOf(Outcome.Proceed.class);
      assertThat(f.provider.refreshRequests.get()).isEqualTo(1);
      assertThat(partners.tokenRequests.get()).isZero();
    } finally {
      partners.close();
    }
  }
}
