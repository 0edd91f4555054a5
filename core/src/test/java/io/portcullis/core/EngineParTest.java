package io.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import io.portcullis.testsupport.FakeProvider;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 AC5: pushed authorization requests (RFC 9126) against the in-process provider: with
 * {@code par=true}, or {@code auto} when the provider requires them, the authorization request goes
 * to the provider first, with client authentication, and the browser carries only {@code client_id}
 * and {@code request_uri}.
 */
class EngineParTest {

  private static String redirect(Outcome outcome) {
    assertThat(outcome).isInstanceOf(Outcome.Redirect.class);
    return ((Outcome.Redirect) outcome).location();
  }

  private static Map<String, String> query(String url) {
    return FakeProvider.form(URI.create(url).getRawQuery());
  }

  @Test
  void loginWhenParTrueThenPushedWithClientAuthAndRedirectCarriesOnlyRequestUri() {
    try (EngineFixture f = new EngineFixture()) {
      f.start("par", "true");

      String location = redirect(f.get("/page"));

      assertThat(location).startsWith(f.provider.authorizationEndpoint() + "?");
      assertThat(query(location).keySet()).containsExactly("client_id", "request_uri");
      assertThat(query(location)).containsEntry("client_id", EngineFixture.CLIENT_ID);
      assertThat(f.provider.parRequests.get()).isEqualTo(1);
      Map<String, String> pushed = FakeProvider.form(f.provider.parBodies.get(0));
      assertThat(pushed)
          .containsEntry("response_type", "code")
          .containsEntry("code_challenge_method", "S256")
          .containsKeys("state", "nonce", "code_challenge", "redirect_uri", "scope");
      assertThat(pushed)
          .as("client_secret_basic: the secret in the header")
          .doesNotContainKey("client_secret");

      assertThat(f.callback(location)).isInstanceOf(Outcome.Redirect.class);
      assertThat(f.login()).as("logged in").isNotNull();
    }
  }

  @Test
  void loginWhenParAutoThenPushedOnlyWhenTheProviderRequiresIt() {
    try (EngineFixture f = new EngineFixture()) {
      f.start();
      assertThat(query(redirect(f.get("/page")))).containsKey("code_challenge");
      assertThat(f.provider.parRequests.get()).isZero();
    }
    try (EngineFixture f = new EngineFixture()) {
      f.provider.requirePar(true);
      f.start();
      String location = redirect(f.get("/page"));
      assertThat(query(location)).containsKey("request_uri").doesNotContainKey("state");
      assertThat(f.callback(location)).isInstanceOf(Outcome.Redirect.class);
      assertThat(f.login()).isNotNull();
    }
    try (EngineFixture f = new EngineFixture()) {
      f.provider.requirePar(true);
      f.start("par", "false");
      assertThat(query(redirect(f.get("/page")))).doesNotContainKey("request_uri");
      assertThat(f.provider.parRequests.get()).isZero();
    }
  }

  @Test
  void loginWhenParWithPrivateKeyJwtThenBothRequestsCarryAnAssertion() throws Exception {
    try (EngineFixture f = new EngineFixture()) {
      f.provider.requirePar(true);
      f.start(
          "client-secret",
          null,
          "client-key-file",
          EnginePrivateKeyJwtTest.keyFile("rsa-2048.pem"),
          "client-jwks-path",
          "/jwks");
      String jwks = Responses.render(f.engine.handle(f.api("GET", "/jwks"))).body();
      f.provider.clientKey(JWKSet.parse(jwks).getKeys().get(0));

      assertThat(f.login("/page")).isInstanceOf(Outcome.Redirect.class);

      assertThat(f.login()).isNotNull();
      assertThat(f.provider.clientAssertions).as("PAR and token request").hasSize(2);
      Map<String, String> pushed = FakeProvider.form(f.provider.parBodies.get(0));
      assertThat(pushed)
          .containsEntry(
              "client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
      assertThat(SignedJWT.parse(pushed.get("client_assertion")).getJWTClaimsSet().getAudience())
          .containsExactly(f.provider.tokenEndpoint().toString());
    }
  }

  @Test
  void loginWhenPushRefusedThenRejectedWithoutStateCookie() throws Exception {
    try (EngineFixture f = new EngineFixture()) {
      f.provider.clientKey(new ECKeyGenerator(Curve.P_256).generate().toPublicJWK());
      f.start("par", "true");

      InMemoryExchange request = f.browser("GET", "/page");
      Outcome outcome = f.send(request);

      assertThat(outcome).isInstanceOf(Outcome.Rejected.class);
      assertThat(((Outcome.Rejected) outcome).error()).isEqualTo("provider.invalid_client");
      assertThat(request.setCookies()).noneMatch(c -> c.startsWith(LoginStarter.COOKIE_PREFIX));
      assertThat(f.provider.tokenRequests.get()).isZero();
    }
  }

  @Test
  void loginWhenParProviderDownThen503() {
    try (EngineFixture f = new EngineFixture()) {
      f.start("par", "true");
      f.provider.close(); // metadata stays cached; the push cannot connect

      Outcome outcome = f.get("/page");

      assertThat(outcome).isInstanceOf(Outcome.Unavailable.class);
    }
  }
}
