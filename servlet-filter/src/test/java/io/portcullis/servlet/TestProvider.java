package io.portcullis.servlet;

import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.util.JSONObjectUtils;
import io.portcullis.testsupport.MutableClock;
import io.portcullis.testsupport.TestKeys;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import kotlin.jvm.functions.Function0;
import net.minidev.json.JSONObject;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.http.OAuth2HttpRequest;
import no.nav.security.mock.oauth2.http.OAuth2HttpRequestHandler;
import no.nav.security.mock.oauth2.http.OAuth2HttpResponse;
import no.nav.security.mock.oauth2.http.Route;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import no.nav.security.mock.oauth2.token.KeyProvider;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;
import okhttp3.HttpUrl;

/**
 * A real OpenID provider in-process (navikt mock-oauth2-server) with a recording, programmable
 * front: it counts token requests, remembers every code and token it issued (so tests can assert
 * none leaks), grants scopes by a policy, and can tamper with the next token response to play a
 * faulty or hostile provider.
 *
 * <p>Not the shared {@code FakeProvider} (test-support): the developers' guide wants the filter's
 * integration suite run against a real provider implementation, whose discovery, authorization
 * endpoint, token endpoint and tokens are not ours. What this front adds to it, keys, signatures,
 * JWK Sets and the clock, comes from test-support ({@code TestKeys}, {@code MutableClock}), not a
 * copy.
 */
final class TestProvider implements AutoCloseable {
  static final String ISSUER_ID = "default";

  final RSAKey signingKey;

  /** The provider's clock, which the apps under test share: tests move it instead of sleeping. */
  final MutableClock clock = MutableClock.ticking();

  private final MockOAuth2Server server;
  private final OAuth2HttpRequestHandler handler;
  private final Map<String, String> scopeByCode = new ConcurrentHashMap<>();
  final List<String> issuedSecrets = new CopyOnWriteArrayList<>();
  final AtomicInteger tokenRequests = new AtomicInteger();
  final List<String> tokenRequestBodies = new CopyOnWriteArrayList<>();
  private final AtomicReference<Function<JSONObject, JSONObject>> nextTokenTamper =
      new AtomicReference<>();
  private final AtomicReference<Function<OAuth2HttpRequest, OAuth2HttpResponse>> tokenOverride =
      new AtomicReference<>();
  private volatile Set<String> withheldScopes = Set.of();
  private volatile String subject = "alice";
  private volatile Map<String, Object> extraClaims = Map.of();

  /** Refresh tokens this provider accepts, as handed out (ours) → the mock's own. */
  private final Map<String, String> liveRefreshTokens = new ConcurrentHashMap<>();

  final AtomicInteger refreshRequests = new AtomicInteger();

  /** Requests to the mock's own UserInfo endpoint, passed through unchanged. */
  final AtomicInteger userInfoRequests = new AtomicInteger();

  final List<String> refreshTokensPresented = new CopyOnWriteArrayList<>();
  private volatile boolean rotate = true;
  private volatile long refreshDelayMillis;
  private volatile Function<JSONObject, JSONObject> metadataTamper;
  private volatile boolean metadataRefused;
  private volatile String accessTokenType = "JWT";

  TestProvider() {
    this(0);
  }

  TestProvider(int port) {
    signingKey = TestKeys.generate(ISSUER_ID);
    Function0<java.time.Instant> now = clock::instant;
    OAuth2TokenProvider tokenProvider =
        new OAuth2TokenProvider(new KeyProvider(List.of(signingKey), "RS256"), now);
    OAuth2Config config = new OAuth2Config(false, null, null, false, tokenProvider, Set.of());
    handler = new OAuth2HttpRequestHandler(config);
    Route inner = handler.getAuthorizationServer();
    Route front =
        new Route() {
          @Override
          public boolean match(OAuth2HttpRequest request) {
            return true;
          }

          @Override
          public OAuth2HttpResponse invoke(OAuth2HttpRequest request) {
            return intercept(inner, request);
          }
        };
    server = new MockOAuth2Server(config, front);
    server.start(port);
  }

  private OAuth2HttpResponse intercept(Route inner, OAuth2HttpRequest request) {
    String path = request.getUrl().encodedPath();
    OAuth2HttpResponse jwks = path.endsWith("/jwks") ? servedJwks() : null;
    if (jwks != null) {
      return jwks;
    }
    if (path.endsWith("/userinfo")) {
      userInfoRequests.incrementAndGet();
    }
    if (path.endsWith("/token")
        && "refresh_token".equals(formParam(request.getBody(), "grant_type"))) {
      refreshRequests.incrementAndGet();
      String presented = formParam(request.getBody(), "refresh_token");
      refreshTokensPresented.add(presented);
      if (refreshDelayMillis > 0) {
        try {
          Thread.sleep(refreshDelayMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      boolean overridden = tokenOverride.get() != null;
      String mockToken =
          presented == null
              ? null
              : rotate && !overridden
                  ? liveRefreshTokens.remove(presented)
                  : liveRefreshTokens.get(presented);
      if (mockToken == null && tokenOverride.get() == null) {
        tokenRequests.incrementAndGet();
        return new OAuth2HttpResponse(
            okhttp3.Headers.of("Content-Type", "application/json"),
            400,
            "{\"error\":\"invalid_grant\",\"error_description\":\"refresh token unknown, used or revoked\"}",
            null);
      }
      if (mockToken != null) {
        request =
            new OAuth2HttpRequest(
                request.getHeaders(),
                request.getMethod(),
                request.getOriginalUrl(),
                request
                    .getBody()
                    .replace(
                        "refresh_token="
                            + java.net.URLEncoder.encode(
                                presented, java.nio.charset.StandardCharsets.UTF_8),
                        "refresh_token="
                            + java.net.URLEncoder.encode(
                                mockToken, java.nio.charset.StandardCharsets.UTF_8)));
      }
    }
    if (path.endsWith("/token")) {
      tokenRequests.incrementAndGet();
      tokenRequestBodies.add(request.getBody() == null ? "" : request.getBody());
      Function<OAuth2HttpRequest, OAuth2HttpResponse> override = tokenOverride.get();
      if (override != null) {
        return override.apply(request);
      }
      if (!"refresh_token".equals(formParam(request.getBody(), "grant_type"))) {
        handler.enqueueTokenCallback(
            extraClaims.isEmpty()
                ? new DefaultOAuth2TokenCallback(ISSUER_ID, subject)
                : new DefaultOAuth2TokenCallback(
                    ISSUER_ID, subject, "JWT", List.of("default"), extraClaims, 3600));
      }
    }
    OAuth2HttpResponse response = inner.invoke(request);
    if (path.endsWith("/authorize")) {
      String location = response.getHeaders().get("Location");
      String scope = request.getUrl().queryParameter("scope");
      if (location != null && scope != null) {
        HttpUrl loc = HttpUrl.parse(location);
        String code = loc == null ? null : loc.queryParameter("code");
        if (code != null) {
          scopeByCode.put(code, scope);
          issuedSecrets.add(code);
        }
      }
    }
    Function<JSONObject, JSONObject> mdTamper = metadataTamper;
    if (path.endsWith("/.well-known/openid-configuration")
        && mdTamper != null
        && response.getStatus() == 200) {
      try {
        JSONObject json = mdTamper.apply(new JSONObject(JSONObjectUtils.parse(response.getBody())));
        return new OAuth2HttpResponse(response.getHeaders(), 200, json.toJSONString(), null);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    if (path.endsWith("/token") && response.getStatus() == 200) {
      return rewriteTokenResponse(request, response);
    }
    return response;
  }

  private OAuth2HttpResponse rewriteTokenResponse(
      OAuth2HttpRequest request, OAuth2HttpResponse response) {
    try {
      JSONObject json = new JSONObject(JSONObjectUtils.parse(response.getBody()));
      String code = formParam(request.getBody(), "code");
      String requested = code == null ? null : scopeByCode.remove(code);
      if (requested != null) {
        Set<String> granted = new LinkedHashSet<>(Arrays.asList(requested.split(" ")));
        granted.removeAll(withheldScopes);
        json.put("scope", String.join(" ", granted));
      }
      boolean refresh = "refresh_token".equals(formParam(request.getBody(), "grant_type"));
      // The mock computes expires_in against the real time; use this provider's clock instead.
      if (json.get("access_token") instanceof String at) {
        java.util.Date exp = SignedJWT.parse(at).getJWTClaimsSet().getExpirationTime();
        if (exp != null) {
          json.put("expires_in", (exp.getTime() - clock.millis()) / 1000);
        }
      }
      if (json.get("refresh_token") instanceof String mockRefresh) {
        if (refresh && !rotate) {
          json.remove("refresh_token"); // the provider keeps the old refresh token valid
        } else {
          String ours = "rt-" + java.util.UUID.randomUUID();
          liveRefreshTokens.put(ours, mockRefresh);
          json.put("refresh_token", ours);
        }
      }
      // Like Keycloak and most providers, put the granted scopes into a client-credentials JWT
      // and name the client in client_id (RFC 9068 §2.2; the mock names it in sub only). Its
      // header typ is the mock's JWT unless a test asks for RFC 9068's at+jwt.
      String ccScope = formParam(request.getBody(), "scope");
      if ("client_credentials".equals(formParam(request.getBody(), "grant_type"))
          && ccScope != null
          && json.get("access_token") instanceof String at) {
        JWTClaimsSet original = SignedJWT.parse(at).getJWTClaimsSet();
        JWTClaimsSet claims =
            new JWTClaimsSet.Builder(original)
                .claim("scope", ccScope)
                .claim("client_id", original.getSubject())
                .build();
        json.put("access_token", sign(claims, Signing.PROVIDER_KEY, accessTokenType));
      }
      Function<JSONObject, JSONObject> tamper = nextTokenTamper.getAndSet(null);
      if (tamper != null) {
        json = tamper.apply(json);
      }
      RSAKey idTokenKey = idTokenSigningKey;
      if (idTokenKey != null && json.get("id_token") instanceof String idToken) {
        json.put(
            "id_token",
            TestKeys.sign(
                idTokenKey,
                idTokenKey.getKeyID(),
                SignedJWT.parse(idToken).getJWTClaimsSet(),
                "JWT"));
      }
      for (String member : List.of("access_token", "refresh_token", "id_token")) {
        if (json.get(member) instanceof String s) {
          issuedSecrets.add(s);
        }
      }
      return new OAuth2HttpResponse(response.getHeaders(), 200, json.toJSONString(), null);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String formParam(String body, String name) {
    if (body == null) {
      return null;
    }
    for (String pair : body.split("&")) {
      String[] kv = pair.split("=", 2);
      if (kv.length == 2 && kv[0].equals(name)) {
        return java.net.URLDecoder.decode(kv[1], java.nio.charset.StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  String issuer() {
    return server.issuerUrl(ISSUER_ID).toString();
  }

  URI tokenEndpoint() {
    return server.tokenEndpointUrl(ISSUER_ID).uri();
  }

  /** The user the next logins authenticate as. */
  void subject(String subject) {
    this.subject = subject;
  }

  /** Whether a refresh returns a new refresh token and revokes the old one (default true). */
  void rotateRefreshTokens(boolean on) {
    this.rotate = on;
  }

  /** Delays refresh responses. */
  void delayRefresh(long millis) {
    this.refreshDelayMillis = millis;
  }

  /** The header typ of client-credentials access tokens from now on (the mock's is JWT). */
  void accessTokenType(String type) {
    this.accessTokenType = type;
  }

  /** Revokes every refresh token handed out so far. */
  void revokeRefreshTokens() {
    liveRefreshTokens.clear();
  }

  /** Claims added to the next tokens (e.g. roles). */
  void claims(Map<String, Object> claims) {
    this.extraClaims = Map.copyOf(claims);
  }

  /** Rewrites every discovery document from now on (null: stop). */
  void tamperMetadata(Function<JSONObject, JSONObject> tamper) {
    this.metadataRefused = false;
    this.metadataTamper = tamper;
  }

  /**
   * {@link #tamperMetadata} with metadata the engine is to refuse: an application started on it
   * does not wait for the metadata to load (TestApp waits up to 60 s for a live provider).
   */
  void refuseMetadata(Function<JSONObject, JSONObject> tamper) {
    this.metadataTamper = tamper;
    this.metadataRefused = true;
  }

  /** Whether the metadata served now is meant to be refused ({@link #refuseMetadata}). */
  boolean metadataRefused() {
    return metadataRefused;
  }

  /** Scopes the provider refuses to grant from now on. */
  void withhold(String... scopes) {
    withheldScopes = Set.of(scopes);
  }

  /** Rewrites the next successful token response. */
  void tamperNextTokenResponse(Function<JSONObject, JSONObject> tamper) {
    nextTokenTamper.set(tamper);
  }

  /** Replaces the next successful token response's ID token claims, re-signed as {@code mode}. */
  void tamperNextIdToken(UnaryOperator<JWTClaimsSet.Builder> claims, Signing mode) {
    tamperNextTokenResponse(
        json -> {
          try {
            SignedJWT original = SignedJWT.parse((String) json.get("id_token"));
            JWTClaimsSet changed =
                claims.apply(new JWTClaimsSet.Builder(original.getJWTClaimsSet())).build();
            json.put("id_token", sign(changed, mode));
            return json;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  /** Answers every token request with {@code response} until cleared with null. */
  void overrideTokenEndpoint(Function<OAuth2HttpRequest, OAuth2HttpResponse> response) {
    tokenOverride.set(response);
  }

  enum Signing {
    PROVIDER_KEY,
    UNKNOWN_KEY,
    FORGED_WITH_PROVIDER_KID,
    NONE
  }

  String sign(JWTClaimsSet claims, Signing mode) throws Exception {
    return sign(claims, mode, "JWT");
  }

  /** Signs {@code claims} as {@code mode} with header typ {@code type}. */
  String sign(JWTClaimsSet claims, Signing mode, String type) throws Exception {
    switch (mode) {
      case NONE:
        return new PlainJWT(claims).serialize();
      case PROVIDER_KEY:
        return TestKeys.sign(signingKey, ISSUER_ID, claims, type);
      case UNKNOWN_KEY:
        return TestKeys.sign(TestKeys.generate("rogue"), "rogue", claims, type);
      default:
        return TestKeys.sign(TestKeys.generate(ISSUER_ID), ISSUER_ID, claims, type);
    }
  }

  /**
   * Signs {@code payload}, any bytes, with the provider's key under {@code header}, any JSON text.
   */
  String signRaw(String header, String payload) throws Exception {
    java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
    String input =
        b64.encodeToString(header.getBytes(java.nio.charset.StandardCharsets.UTF_8))
            + "."
            + b64.encodeToString(payload.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    java.security.Signature rsa = java.security.Signature.getInstance("SHA256withRSA");
    rsa.initSign(signingKey.toPrivateKey());
    rsa.update(input.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    return input + "." + b64.encodeToString(rsa.sign());
  }

  List<String> secretsIssued() {
    return new ArrayList<>(issuedSecrets);
  }

  @Override
  public void close() {
    server.shutdown();
  }

  // --- Key rotation (issue 5 "Provider outages"): JWKS requests counted; a second key published.

  /** Requests for the JWK Set, counted by the provider. */
  final AtomicInteger jwksRequests = new AtomicInteger();

  private volatile List<RSAKey> publishedKeys;

  /**
   * Counts a JWK Set request; answers it here once {@link #rotateSigningKey} published more keys.
   */
  private OAuth2HttpResponse servedJwks() {
    jwksRequests.incrementAndGet();
    List<RSAKey> keys = publishedKeys;
    if (keys == null) {
      return null;
    }
    return new OAuth2HttpResponse(
        okhttp3.Headers.of("Content-Type", "application/json"), 200, TestKeys.jwks(keys), null);
  }

  /** Publishes a new signing key (kid {@code kid}) next to the current one, and returns it. */
  RSAKey rotateSigningKey(String kid) throws Exception {
    RSAKey next = TestKeys.generate(kid);
    List<RSAKey> keys =
        new ArrayList<>(publishedKeys == null ? List.of(signingKey) : publishedKeys);
    keys.add(next);
    publishedKeys = List.copyOf(keys);
    return next;
  }

  private volatile RSAKey idTokenSigningKey;

  /**
   * Signs every ID token from now on (login and refresh) with {@code key}, naming its key ID, as a
   * provider does after a key rotation; null: back to the mock's own key.
   */
  void signIdTokensWith(RSAKey key) {
    idTokenSigningKey = key;
  }

  /** Re-signs the next ID token with {@code key}, naming {@code kid} in its header. */
  void signNextIdTokenWith(RSAKey key, String kid) {
    tamperNextTokenResponse(
        json -> {
          try {
            JWTClaimsSet claims = SignedJWT.parse((String) json.get("id_token")).getJWTClaimsSet();
            json.put("id_token", TestKeys.sign(key, kid, claims, "JWT"));
            return json;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }
}
