package io.portcullis.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.portcullis.testsupport.Browser;
import java.net.http.HttpResponse;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a session is granted is what the provider granted: a token response without {@code scope}
 * grants the configured {@code scopes} only, never the scopes a step-up asked for (the
 * CVE-2022-31690 pattern); a refresh never grants more than the session had; roles come only from
 * verified tokens ({@code roles-claim=roles}).
 */
class GrantedScopesTest extends IntegrationTest {
  @BeforeAll
  static void appWithRolesClaim() throws Exception {
    app.close();
    // roles from the access token, the last resort: not from UserInfo (UserInfoTest)
    app = new TestApp(provider, Map.of("roles-claim", "roles", "userinfo", "never"));
  }

  private static String whoami(Browser browser) {
    HttpResponse<String> r = browser.get(app.url("/whoami"), Map.of("Accept", "application/json"));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return r.body();
  }

  private static String scopes(Browser browser) {
    return whoami(browser).replaceAll(".*\"scopes\":\"([^\"]*)\".*", "$1");
  }

  @Test
  void loginWhenTokenResponseOmitsScopeThenConfiguredScopes() {
    provider.tamperNextTokenResponse(
        json -> {
          json.remove("scope");
          return json;
        });
    Browser browser = browser();
    login(browser, "/profile");
    assertThat(scopes(browser)).isEqualTo("offline_access openid profile read:data");
  }

  @Test
  void stepUpWhenTokenResponseOmitsScopeThenStepUpScopeNotGranted() {
    Browser browser = browser();
    login(browser, "/profile");
    HttpResponse<String> stepUp = browser.get(app.url("/admin/users"));
    assertThat(stepUp.statusCode()).isEqualTo(302);
    assertThat(Browser.param(Browser.location(stepUp), "scope")).contains("admin");
    provider.tamperNextTokenResponse(
        json -> {
          json.remove("scope");
          return json;
        });
    HttpResponse<String> end = browser.follow(stepUp);
    assertThat(end.uri().toString()).isEqualTo(app.url("/admin/users"));
    assertThat(end.statusCode()).as("admin was asked for, not granted").isEqualTo(403);
    assertThat(scopes(browser)).isEqualTo("offline_access openid profile read:data");
    assertThat(whoami(browser)).contains("\"admin\":false");
  }

  /** RFC 6749 §6: a refresh without scope keeps the grant, here one widened by a step-up. */
  @Test
  void refreshWhenResponseOmitsScopeThenPreviousGrantKept() {
    Browser browser = browser();
    login(browser, "/profile");
    assertThat(browser.follow(browser.get(app.url("/reports/q3"))).statusCode()).isEqualTo(200);
    provider.tamperNextTokenResponse(
        json -> {
          json.remove("scope");
          return json;
        });
    String before = whoami(browser);
    advance(RefreshTest.DUE);
    String after = whoami(browser);
    assertThat(after.replaceAll(".*\"tokenHash\":\"([0-9a-f]+)\".*", "$1"))
        .isNotEqualTo(before.replaceAll(".*\"tokenHash\":\"([0-9a-f]+)\".*", "$1"));
    assertThat(scopes(browser)).isEqualTo("offline_access openid profile read:data read:reports");
  }

  @Test
  void refreshWhenResponseNamesMoreScopesThenOnlyPreviousGrantKept() {
    Browser browser = browser();
    login(browser, "/profile");
    provider.tamperNextTokenResponse(
        json -> {
          json.put("scope", "openid profile offline_access read:data admin");
          return json;
        });
    advance(RefreshTest.DUE);
    HttpResponse<String> admin =
        browser.get(app.url("/admin/x"), Map.of("Accept", "application/json"));
    assertThat(admin.statusCode()).isEqualTo(403);
    assertThat(scopes(browser)).isEqualTo("offline_access openid profile read:data");
  }

  @Test
  void refreshWhenResponseNamesFewerScopesThenFewerGranted() {
    Browser browser = browser();
    login(browser, "/profile");
    provider.tamperNextTokenResponse(
        json -> {
          json.put("scope", "openid profile");
          return json;
        });
    advance(RefreshTest.DUE);
    assertThat(scopes(browser)).isEqualTo("openid profile");
  }

  /**
   * roles-claim when the ID token has none: the access token's roles count only when it is a JWT
   * the provider signed (its JWK Set), of the issuer, not expired.
   */
  @Test
  void rolesWhenAccessTokenNotVerifiableThenNoRolesFromIt() throws Exception {
    long now = provider.clock.millis();
    List<UnaryOperator<JWTClaimsSet.Builder>> unverifiable =
        List.of(
            b -> b,
            b -> b.issuer("https://evil.example"),
            b -> b.expirationTime(new Date(now - 600_000)));
    List<TestProvider.Signing> signings =
        List.of(
            TestProvider.Signing.UNKNOWN_KEY,
            TestProvider.Signing.FORGED_WITH_PROVIDER_KID,
            TestProvider.Signing.NONE);
    for (TestProvider.Signing signing : signings) {
      assertThat(loginWithAccessToken(b -> b, signing))
          .as(signing.name())
          .contains("\"admin\":false");
    }
    for (UnaryOperator<JWTClaimsSet.Builder> change :
        unverifiable.subList(1, unverifiable.size())) {
      assertThat(loginWithAccessToken(change, TestProvider.Signing.PROVIDER_KEY))
          .contains("\"admin\":false");
    }
    assertThat(loginWithAccessToken(b -> b, TestProvider.Signing.PROVIDER_KEY))
        .as("control: the provider's own access token")
        .contains("\"admin\":true");
  }

  private String loginWithAccessToken(
      UnaryOperator<JWTClaimsSet.Builder> change, TestProvider.Signing signing) {
    provider.tamperNextTokenResponse(
        json -> {
          try {
            JWTClaimsSet claims =
                SignedJWT.parse((String) json.get("access_token")).getJWTClaimsSet();
            json.put(
                "access_token",
                provider.sign(
                    change
                        .apply(new JWTClaimsSet.Builder(claims))
                        .claim("roles", List.of("admin"))
                        .build(),
                    signing));
            return json;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
    Browser browser = browser();
    assertThat(login(browser, "/profile").statusCode()).isEqualTo(200);
    return whoami(browser);
  }
}
