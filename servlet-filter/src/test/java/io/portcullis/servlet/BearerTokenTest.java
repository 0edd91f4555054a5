package io.portcullis.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.portcullis.testsupport.Browser;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code bearer-tokens=own-clients}: the application's own client-credentials tokens call its APIs;
 * every other bearer token, ID tokens above all (THREATS A-23), is refused with 401 {@code
 * invalid_token}. An access token is recognised by its audience ({@code bearer-audience}; the mock
 * provider sets a client-credentials token's {@code aud} to the requested scopes) or by RFC 9068's
 * header {@code typ} {@code at+jwt} ({@link #api9068}, no audience configured).
 */
class BearerTokenTest extends IntegrationTest {
  static TestApp api;
  static TestApp api9068;

  @BeforeAll
  static void startApi() throws Exception {
    api =
        new TestApp(
            provider, Map.of("bearer-tokens", "own-clients", "bearer-audience", "read:data"));
    api9068 = new TestApp(provider, Map.of("bearer-tokens", "own-clients"));
  }

  @AfterAll
  static void stopApi() throws Exception {
    api.close();
    api9068.close();
  }

  @AfterEach
  void mockTokenType() {
    provider.accessTokenType("JWT");
  }

  private static HttpResponse<String> call(TestApp target, String path, String token) {
    Browser caller = browser();
    caller.navigation = false;
    return caller.get(
        target.url(path), Map.of("Authorization", "Bearer " + token, "Accept", "application/json"));
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
    assertThat(r.headers().firstValue("WWW-Authenticate"))
        .hasValue("Bearer error=\"insufficient_scope\", scope=\"admin\"");
  }

  private static String tampered(
      java.util.function.UnaryOperator<JWTClaimsSet.Builder> change, TestProvider.Signing signing)
      throws Exception {
    JWTClaimsSet claims = SignedJWT.parse(clientCredentialsToken("read:data")).getJWTClaimsSet();
    return provider.sign(change.apply(new JWTClaimsSet.Builder(claims)).build(), signing);
  }

  @Test
  void bearerWhenExpiredThenInvalidToken() throws Exception {
    String token =
        tampered(
            b -> b.expirationTime(new Date(System.currentTimeMillis() - 600_000)),
            TestProvider.Signing.PROVIDER_KEY);
    assertInvalid(call(api, "/api/data", token));
  }

  @Test
  void bearerWhenSignedByUnknownKeyOrUnsignedThenInvalidToken() throws Exception {
    assertInvalid(call(api, "/api/data", tampered(b -> b, TestProvider.Signing.UNKNOWN_KEY)));
    assertInvalid(
        call(api, "/api/data", tampered(b -> b, TestProvider.Signing.FORGED_WITH_PROVIDER_KID)));
    assertInvalid(call(api, "/api/data", tampered(b -> b, TestProvider.Signing.NONE)));
    assertInvalid(call(api, "/api/data", "not-a-jwt"));
  }

  @Test
  void bearerWhenIssuedToAnotherClientOrIssuerThenInvalidToken() throws Exception {
    assertInvalid(
        call(
            api,
            "/api/data",
            tampered(
                b -> b.claim("azp", "other").claim("client_id", "other").claim("cid", null),
                TestProvider.Signing.PROVIDER_KEY)));
    assertInvalid(
        call(
            api,
            "/api/data",
            tampered(b -> b.issuer("https://evil.example"), TestProvider.Signing.PROVIDER_KEY)));
  }

  @Test
  void bearerWhenIdTokenPresentedThenInvalidToken() throws Exception {
    assertInvalid(
        call(
            api,
            "/api/data",
            tampered(b -> b.claim("nonce", "n"), TestProvider.Signing.PROVIDER_KEY)));
  }

  /** RFC 9068 §2.1: header typ at+jwt (or application/at+jwt, any case) marks an access token. */
  @Test
  void bearerWhenTypAtJwtThenAcceptedWithoutAudience() {
    for (String type : List.of("at+jwt", "application/AT+JWT")) {
      provider.accessTokenType(type);
      String token =
          api9068
              .filter
              .engine()
              .clientCredentials()
              .token(Set.of("read:data", type.toLowerCase()));
      HttpResponse<String> r = call(api9068, "/api/data", token);
      assertThat(r.statusCode()).as(type + ": " + r.body()).isEqualTo(200);
      assertThat(r.body()).contains("\"remoteUser\":\"test-client\"");
    }
  }

  @Test
  void bearerWhenNeitherTypAtJwtNorConfiguredAudienceThenInvalidToken() {
    assertInvalid(call(api9068, "/api/data", clientCredentialsToken("read:data")));
  }

  /**
   * RFC 9068 §2.2: the client is named in client_id (azp, cid at some providers); sub is the
   * subject.
   */
  @Test
  void bearerWhenClientNamedOnlyInSubThenInvalidToken() throws Exception {
    assertInvalid(
        call(
            api,
            "/api/data",
            tampered(
                b ->
                    b.claim("client_id", null)
                        .claim("azp", null)
                        .claim("cid", null)
                        .subject("test-client"),
                TestProvider.Signing.PROVIDER_KEY)));
  }

  /**
   * THREATS A-23: the provider's own ID tokens of this client, in every shape it issues them — from
   * a login (with nonce), from a refresh (usually without), without nonce, naming the client in
   * client_id, with the bearer audience beside the client's — are never bearer tokens, on the app
   * that recognises access tokens by audience and on the one that goes by typ.
   */
  @Test
  void bearerWhenIdTokenOfAnyShapeThenInvalidToken() throws Exception {
    Browser browser = browser();
    AtomicReference<String> loginIdToken = new AtomicReference<>();
    provider.tamperNextTokenResponse(
        json -> {
          loginIdToken.set((String) json.get("id_token"));
          return json;
        });
    login(browser, "/profile");
    AtomicReference<String> refreshedIdToken = new AtomicReference<>();
    provider.tamperNextTokenResponse(
        json -> {
          refreshedIdToken.set((String) json.get("id_token"));
          return json;
        });
    app.clock.advance(RefreshTest.DUE);
    try {
      browser.get(app.url("/whoami"), Map.of("Accept", "application/json"));
    } finally {
      app.clock.advance(RefreshTest.DUE.negated());
    }
    assertThat(refreshedIdToken.get()).as("a refresh returned an ID token").isNotNull();
    JWTClaimsSet idClaims = SignedJWT.parse(loginIdToken.get()).getJWTClaimsSet();
    List<String> idTokens = new ArrayList<>(List.of(loginIdToken.get(), refreshedIdToken.get()));
    for (UnaryOperator<JWTClaimsSet.Builder> change :
        List.<UnaryOperator<JWTClaimsSet.Builder>>of(
            b -> b.claim("nonce", null),
            b -> b.claim("nonce", null).claim("client_id", "test-client"),
            b ->
                b.claim("nonce", null)
                    .claim("azp", null)
                    .claim("client_id", "test-client")
                    .claim("scope", "read:data"),
            b -> b.claim("nonce", null).audience(List.of("test-client", "read:data")),
            b ->
                b.claim("nonce", null)
                    .audience("test-client")
                    .claim("cid", "test-client")
                    .claim("azp", null))) {
      idTokens.add(
          provider.sign(
              change.apply(new JWTClaimsSet.Builder(idClaims)).build(),
              TestProvider.Signing.PROVIDER_KEY));
    }
    for (String idToken : idTokens) {
      for (TestApp target : List.of(api, api9068)) {
        assertInvalid(call(target, "/api/data", idToken));
        assertInvalid(call(target, "/whoami", idToken));
      }
    }
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
    assertThat(r.headers().firstValue("WWW-Authenticate"))
        .hasValue("Bearer error=\"invalid_token\"");
    assertThat(r.body()).isEqualTo("{\"error\":\"invalid_token\"}");
  }
}
