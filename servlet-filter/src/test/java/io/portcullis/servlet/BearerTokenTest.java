package io.portcullis.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.http.HttpResponse;
import java.util.Date;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code bearer-tokens=own-clients}: the application's own client-credentials tokens call its
 * APIs; every other bearer token is refused with 401 {@code invalid_token}.
 */
class BearerTokenTest extends IntegrationTest {
  static TestApp api;

  @BeforeAll
  static void startApi() throws Exception {
    api = new TestApp(provider, Map.of("bearer-tokens", "own-clients"));
  }

  @AfterAll
  static void stopApi() throws Exception {
    api.close();
  }

  private static HttpResponse<String> call(TestApp target, String path, String token) {
    Browser caller = browser();
    caller.navigation = false;
    return caller.get(target.url(path), Map.of("Authorization", "Bearer " + token, "Accept", "application/json"));
  }

  private static String clientCredentialsToken(String scopes) {
    return api.filter.engine().clientCredentials().token(Set.of(scopes.split(" ")));
  }

  @Test
  void ownClientCredentialsTokenWhenPresentedThenServedWithoutSession() {
    String token = clientCredentialsToken("read:data");
    HttpResponse<String> r = call(api, "/api/data", token);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).contains("\"remoteUser\":\"test-client\"", "\"readData\":true");
    assertThat(r.headers().allValues("Set-Cookie")).isEmpty();
  }

  @Test
  void bearerWhenScopeMissingThen403InsufficientScope() {
    HttpResponse<String> r = call(api, "/admin/x", clientCredentialsToken("read:data"));
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer error=\"insufficient_scope\", scope=\"admin\"");
  }

  private static String tampered(java.util.function.UnaryOperator<JWTClaimsSet.Builder> change, TestProvider.Signing signing)
      throws Exception {
    JWTClaimsSet claims = SignedJWT.parse(clientCredentialsToken("read:data")).getJWTClaimsSet();
    return provider.sign(change.apply(new JWTClaimsSet.Builder(claims)).build(), signing);
  }

  @Test
  void bearerWhenExpiredThenInvalidToken() throws Exception {
    String token = tampered(b -> b.expirationTime(new Date(System.currentTimeMillis() - 600_000)), TestProvider.Signing.PROVIDER_KEY);
    assertInvalid(call(api, "/api/data", token));
  }

  @Test
  void bearerWhenSignedByUnknownKeyOrUnsignedThenInvalidToken() throws Exception {
    assertInvalid(call(api, "/api/data", tampered(b -> b, TestProvider.Signing.UNKNOWN_KEY)));
    assertInvalid(call(api, "/api/data", tampered(b -> b, TestProvider.Signing.FORGED_WITH_PROVIDER_KID)));
    assertInvalid(call(api, "/api/data", tampered(b -> b, TestProvider.Signing.NONE)));
    assertInvalid(call(api, "/api/data", "not-a-jwt"));
  }

  @Test
  void bearerWhenIssuedToAnotherClientOrIssuerThenInvalidToken() throws Exception {
    assertInvalid(call(api, "/api/data", tampered(b -> b.claim("azp", "other").claim("client_id", "other")
        .claim("cid", null), TestProvider.Signing.PROVIDER_KEY)));
    assertInvalid(call(api, "/api/data", tampered(b -> b.issuer("https://evil.example"), TestProvider.Signing.PROVIDER_KEY)));
  }

  @Test
  void bearerWhenIdTokenPresentedThenInvalidToken() throws Exception {
    assertInvalid(call(api, "/api/data", tampered(b -> b.claim("nonce", "n"), TestProvider.Signing.PROVIDER_KEY)));
  }

  @Test
  void bearerWhenNotEnabledThenLoginRequired() {
    HttpResponse<String> r = call(app, "/api/data", clientCredentialsToken("read:data"));
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
  }

  @Test
  void bearerWhenInvalidOnPublicPathThenServedAnonymously() {
    HttpResponse<String> r = call(api, "/health", "not-a-jwt");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"remoteUser\":null");
  }

  private static void assertInvalid(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
    assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer error=\"invalid_token\"");
    assertThat(r.body()).isEqualTo("{\"error\":\"invalid_token\"}");
  }
}
