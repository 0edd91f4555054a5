package io.portcullis.testsupport;

import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import net.minidev.json.JSONObject;

/**
 * An OpenID provider in-process, on the JDK's own HTTP server and a loopback port, for tests:
 * discovery, a JWK Set (with key rotation), the token endpoint's authorization code (with PKCE
 * S256), refresh token (rotating by default) and client credentials grants, and an end-session
 * endpoint in its metadata. Tokens are RS256 JWTs dated by the test's clock, so tests move time
 * instead of sleeping.
 *
 * <p>The authorization endpoint is played in-process or served. {@link #authorize} reads an
 * authorization request URL (what the engine redirected to), checks it, and returns the redirect
 * back with a fresh code for the current {@link #subject}, without HTTP. Over HTTP, {@code
 * /authorize} does the same and redirects back (or answers a {@code form_post} form), or, with
 * {@link #loginPage}, first shows a login form where any user name logs in (what {@code Browser}
 * fills in); {@code /logout}, the end-session endpoint, sends the browser to its {@code
 * post_logout_redirect_uri}. {@link #grantOnlyTo} keeps a scope for some users. Failure modes:
 * {@link #answer} (every token request gets a fixed status and body), {@link #tamper} and {@link
 * #tamperNext} (rewrite successful token responses), {@link #delay}, {@link #delayRefresh}, {@link
 * #revokeRefreshTokens}, {@link #withhold} (grant fewer scopes), {@link #rotateSigningKey}. With
 * {@link #clientKey}, the token endpoint takes only {@code private_key_jwt} clients (RFC 7523 §3:
 * signature by the client's public key, {@code iss} = {@code sub} = the client, {@code aud} the
 * token endpoint or the issuer, unexpired, {@code jti} used once) and answers {@code 401
 * invalid_client} otherwise. Its pushed authorization request endpoint (RFC 9126, {@code /par},
 * always advertised; required with {@link #requirePar}) takes the parameters the authorization
 * endpoint would, with the same client authentication, and answers a one-time {@code request_uri}
 * that the authorization endpoint then takes in their place. It records every token request (count,
 * form body, {@code Authorization} header) and every code and token it issued. With {@link #dpop}
 * it verifies DPoP proofs and binds tokens to their key (RFC 9449), optionally requiring a nonce
 * ({@link #requireDpopNonce}).
 */
public final class FakeProvider implements AutoCloseable {
  /** One key for every instance: RSA key generation costs a test suite seconds. */
  private static final RSAKey DEFAULT_KEY = TestKeys.generate("k1");

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Clock clock;
  private final HttpServer server;
  private final ExecutorService threads =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "fake-provider");
            t.setDaemon(true);
            return t;
          });
  private final String issuer;

  /** Token requests, counted whatever their grant and answer. */
  public final AtomicInteger tokenRequests = new AtomicInteger();

  /** Token requests with {@code grant_type=refresh_token}. */
  public final AtomicInteger refreshRequests = new AtomicInteger();

  /** Requests for the JWK Set. */
  public final AtomicInteger jwksRequests = new AtomicInteger();

  /** Requests for the discovery document. */
  public final AtomicInteger discoveryRequests = new AtomicInteger();

  /** Requests for the end-session endpoint. */
  public final AtomicInteger endSessionRequests = new AtomicInteger();

  /** Requests to the UserInfo endpoint, whatever their answer. */
  public final AtomicInteger userInfoRequests = new AtomicInteger();

  /** Requests to the pushed authorization request endpoint, whatever their answer. */
  public final AtomicInteger parRequests = new AtomicInteger();

  /** Each pushed authorization request's form body, in order. */
  public final List<String> parBodies = new CopyOnWriteArrayList<>();

  /** Each token request's form body, in order. */
  public final List<String> bodies = new CopyOnWriteArrayList<>();

  /** Each token request's {@code Authorization} header ({@code ""} when absent), in order. */
  public final List<String> authorizations = new CopyOnWriteArrayList<>();

  /** The claims of each client assertion accepted, in order. */
  public final List<JWTClaimsSet> clientAssertions = new CopyOnWriteArrayList<>();

  /** Each access token issued, in order (after any tampering). */
  public final List<String> issuedTokens = new CopyOnWriteArrayList<>();

  /** Every code and token issued: what no response, log line or page may show. */
  public final List<String> issuedSecrets = new CopyOnWriteArrayList<>();

  private final Map<String, Grant> codes = new ConcurrentHashMap<>();
  private final Map<String, Grant> refreshTokens = new ConcurrentHashMap<>();
  private final AtomicInteger counter = new AtomicInteger();
  private final AtomicReference<UnaryOperator<JSONObject>> tamper = new AtomicReference<>();
  private final AtomicReference<UnaryOperator<JSONObject>> tamperNext = new AtomicReference<>();
  private volatile Answer answer;
  private volatile long delayMillis;
  private volatile long refreshDelayMillis;
  private volatile boolean loginPage;
  private final Map<String, Set<String>> scopeUsers = new ConcurrentHashMap<>();
  private volatile List<RSAKey> publishedKeys = List.of(DEFAULT_KEY);
  private volatile RSAKey signingKey = DEFAULT_KEY;
  private volatile String subject = "alice";
  private volatile Map<String, Object> extraClaims = Map.of();
  private volatile Set<String> withheld = Set.of();
  private volatile long expiresIn = 300;
  private volatile boolean rotate = true;
  private volatile boolean issueRefreshTokens = true;
  private volatile boolean issParameterSupported;
  private volatile String metadataIssuer;
  private volatile JWK clientKey;
  private volatile boolean requirePar;
  private volatile List<String> clientAssertionAlgs =
      List.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512");
  private final Map<String, Map<String, String>> pushed = new ConcurrentHashMap<>();
  private volatile boolean dpop;
  private volatile String dpopNonce;
  private final Map<String, String> refreshTokenJkt = new ConcurrentHashMap<>();
  private final Set<String> proofIds = ConcurrentHashMap.newKeySet();

  /** With {@link #dpop}: the DPoP proofs of token and PAR requests, as received (valid or not). */
  public final List<SignedJWT> dpopProofs = new CopyOnWriteArrayList<>();

  /** With {@link #requireDpopNonce}: the requests answered {@code use_dpop_nonce}. */
  public final AtomicInteger dpopNonceErrors = new AtomicInteger();

  private volatile Map<String, Object> userInfoClaims;
  private volatile String userInfoSubject;
  private volatile String userInfoContentType = "application/json";
  private volatile int userInfoStatus = 200;
  private volatile String userInfoBody;
  private volatile long userInfoDelayMillis;
  private final Set<String> assertionIds = ConcurrentHashMap.newKeySet();

  /** A provider on a free loopback port, dating its tokens by {@code clock}. */
  public FakeProvider(Clock clock) {
    this.clock = clock;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    issuer = "http://127.0.0.1:" + server.getAddress().getPort() + "/realm";
    server.setExecutor(threads);
    server.createContext(
        "/realm/.well-known/openid-configuration", ex -> serve(ex, this::discovery));
    server.createContext("/realm/jwks", ex -> serve(ex, this::jwks));
    server.createContext("/realm/token", ex -> serve(ex, this::token));
    server.createContext("/realm/par", ex -> serve(ex, this::par));
    server.createContext("/realm/authorize", this::authorizationEndpoint);
    server.createContext("/realm/logout", this::endSessionEndpoint);
    server.createContext("/realm/userinfo", this::userInfoEndpoint);
    server.start();
  }

  /** A provider dating its tokens by the system clock. */
  public FakeProvider() {
    this(Clock.systemUTC());
  }

  /** The issuer identifier: {@code http://127.0.0.1:<port>/realm}. */
  public String issuer() {
    return issuer;
  }

  /** The token endpoint. */
  public URI tokenEndpoint() {
    return URI.create(issuer + "/token");
  }

  /** The authorization endpoint (served, or played in-process: see {@link #authorize}). */
  public URI authorizationEndpoint() {
    return URI.create(issuer + "/authorize");
  }

  /** The UserInfo endpoint, named in the metadata once {@link #userInfo} was called. */
  public URI userInfoEndpoint() {
    return URI.create(issuer + "/userinfo");
  }

  /** The end-session endpoint named in the metadata. */
  public URI endSessionEndpoint() {
    return URI.create(issuer + "/logout");
  }

  // ---- configuration ---------------------------------------------------------------------------

  /** The user the next logins authenticate as (default {@code alice}). */
  public void subject(String sub) {
    subject = sub;
  }

  /** Claims added to the next ID tokens (e.g. roles). */
  public void claims(Map<String, Object> claims) {
    extraClaims = Map.copyOf(claims);
  }

  /**
   * Whether the served authorization endpoint first shows a login form, where any user name logs in
   * (default false: it logs the current {@link #subject} in at once and redirects back).
   */
  public void loginPage(boolean on) {
    loginPage = on;
  }

  /** Grants {@code scope} only to {@code users} from now on; others get the rest they ask for. */
  public void grantOnlyTo(String scope, String... users) {
    scopeUsers.put(scope, Set.of(users));
  }

  /** Scopes the provider refuses to grant from now on. */
  public void withhold(String... scopes) {
    withheld = Set.of(scopes);
  }

  /** The {@code expires_in} of the next login and refresh responses (default 300 s). */
  public void expiresIn(Duration lifetime) {
    expiresIn = lifetime.toSeconds();
  }

  /** Whether a refresh returns a new refresh token and revokes the old one (default true). */
  public void rotateRefreshTokens(boolean on) {
    rotate = on;
  }

  /** Whether logins return a refresh token (default true). */
  public void issueRefreshTokens(boolean on) {
    issueRefreshTokens = on;
  }

  /**
   * The issuer the discovery document names instead of {@link #issuer()}, e.g. a multi-tenant
   * template {@code http://127.0.0.1:<port>/{tenantid}} (Microsoft Entra's {@code common}); null
   * restores it. Tokens keep {@link #issuer()} unless {@link #claims} sets {@code iss}.
   */
  public void metadataIssuer(String issuer) {
    metadataIssuer = issuer;
  }

  /** Whether the metadata advertises RFC 9207's {@code iss} parameter (default false). */
  public void issParameterSupported(boolean on) {
    issParameterSupported = on;
  }

  /**
   * Takes only clients that authenticate with {@code private_key_jwt}, verified with {@code
   * publicKey} (an RSA or EC JWK; null: stop, no client authentication is checked).
   */
  public void clientKey(JWK publicKey) {
    clientKey = publicKey == null ? null : publicKey.toPublicJWK();
  }

  /**
   * The {@code token_endpoint_auth_signing_alg_values_supported} advertised (default every RS, PS
   * and ES algorithm); with {@link #clientKey}, assertions signed otherwise are refused. Set it
   * before the client reads the metadata.
   */
  public void clientAssertionAlgs(String... algs) {
    clientAssertionAlgs = List.of(algs);
  }

  /**
   * Whether the metadata says {@code require_pushed_authorization_requests} and the authorization
   * endpoint refuses requests that were not pushed (default false).
   */
  public void requirePar(boolean on) {
    requirePar = on;
  }

  /**
   * DPoP (RFC 9449) at the token and PAR endpoints (default off: a {@code DPoP} header is ignored).
   * On, a request's proof is verified (RFC 9449 §4.3: {@code typ dpop+jwt}, an asymmetric
   * algorithm, the signature by the header's {@code jwk}, {@code htm} POST, {@code htu} the
   * endpoint, {@code iat} within 60 s, {@code jti} used once, and the nonce when {@link
   * #requireDpopNonce} is set); an invalid proof gets {@code 400 invalid_dpop_proof}. A request
   * with a valid proof gets {@code token_type DPoP} and an access token with {@code cnf.jkt} (RFC
   * 9449 §6); its refresh token is bound to the key too (as Keycloak binds a public client's):
   * redeeming it with another key, or none, gets {@code invalid_grant}. A request without a proof
   * gets Bearer tokens.
   */
  public void dpop(boolean on) {
    dpop = on;
  }

  /**
   * With {@link #dpop}: requires the nonce {@code nonce} in proofs (null: none required). A proof
   * without it gets {@code 400 use_dpop_nonce} with the nonce in {@code DPoP-Nonce} (RFC 9449 §8);
   * every DPoP answer carries the header.
   */
  public void requireDpopNonce(String nonce) {
    dpopNonce = nonce;
  }

  /**
   * Verifies a DPoP-bound resource request as a resource server would (RFC 9449 §7.1): {@code
   * authorization} is {@code DPoP <access token>} issued by this provider and bound by {@code
   * cnf.jkt} to the key of {@code proof}, a valid proof for {@code method} and {@code uri} with the
   * token's {@code ath} (its {@code iat} by this provider's clock, its {@code jti} not seen before)
   * and, when not null, {@code nonce}. Returns null when it holds, else why not.
   */
  public String verifyResourceRequest(
      String method, URI uri, String authorization, String proof, String nonce) {
    if (authorization == null || !authorization.startsWith("DPoP ") || proof == null) {
      return "no DPoP authorization";
    }
    String token = authorization.substring(5);
    try {
      SignedJWT at = SignedJWT.parse(token);
      if (!at.verify(new RSASSAVerifier(signingKey.toRSAPublicKey()))) {
        return "access token signature";
      }
      Object cnf = at.getJWTClaimsSet().getClaim("cnf");
      if (!(cnf instanceof Map<?, ?> c) || !(c.get("jkt") instanceof String jkt)) {
        return "access token has no cnf.jkt";
      }
      SignedJWT p = SignedJWT.parse(proof);
      JWK jwk = p.getHeader().getJWK();
      JWTClaimsSet claims = p.getJWTClaimsSet();
      String htu = uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath();
      String ath =
          Base64.getUrlEncoder()
              .withoutPadding()
              .encodeToString(
                  MessageDigest.getInstance("SHA-256")
                      .digest(token.getBytes(StandardCharsets.US_ASCII)));
      if (!"dpop+jwt".equals(String.valueOf(p.getHeader().getType()))
          || jwk == null
          || jwk.isPrivate()
          || !p.verify(
              jwk instanceof ECKey ec ? new ECDSAVerifier(ec) : new RSASSAVerifier((RSAKey) jwk))) {
        return "proof header or signature";
      }
      if (!jkt.equals(jwk.computeThumbprint().toString())) {
        return "proof key is not the token's cnf.jkt";
      }
      if (!method.equals(claims.getStringClaim("htm"))
          || !htu.equals(claims.getStringClaim("htu"))) {
        return "proof htm/htu " + claims.getStringClaim("htm") + " " + claims.getStringClaim("htu");
      }
      if (claims.getIssueTime() == null
          || Math.abs(
                  claims.getIssueTime().toInstant().getEpochSecond()
                      - clock.instant().getEpochSecond())
              > 60
          || claims.getJWTID() == null
          || !proofIds.add(claims.getJWTID())) {
        return "proof iat or jti";
      }
      if (!ath.equals(claims.getStringClaim("ath"))) {
        return "proof ath";
      }
      if (nonce != null && !nonce.equals(claims.getStringClaim("nonce"))) {
        return "proof nonce";
      }
      return null;
    } catch (Exception e) {
      return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
  }

  /**
   * The {@code jkt} a valid DPoP proof on {@code exchange} names, "" without a proof (or with DPoP
   * off), or null after setting {@code error} to the answer an invalid proof gets.
   */
  private String dpopJkt(HttpExchange exchange, URI endpoint, AtomicReference<Answer> error) {
    String header = exchange.getRequestHeaders().getFirst("DPoP");
    if (!dpop || header == null) {
      return "";
    }
    String nonce = dpopNonce;
    if (nonce != null) {
      exchange.getResponseHeaders().set("DPoP-Nonce", nonce);
    }
    try {
      SignedJWT proof = SignedJWT.parse(header);
      dpopProofs.add(proof);
      JWTClaimsSet claims = proof.getJWTClaimsSet();
      JWK jwk = proof.getHeader().getJWK();
      Instant now = clock.instant();
      if (!"dpop+jwt".equals(String.valueOf(proof.getHeader().getType()))
          || jwk == null
          || jwk.isPrivate()
          || !proof.verify(
              jwk instanceof ECKey ec ? new ECDSAVerifier(ec) : new RSASSAVerifier((RSAKey) jwk))
          || !"POST".equals(claims.getStringClaim("htm"))
          || !endpoint.toString().equals(claims.getStringClaim("htu"))
          || claims.getIssueTime() == null
          || Math.abs(claims.getIssueTime().toInstant().getEpochSecond() - now.getEpochSecond())
              > 60
          || claims.getJWTID() == null
          || claims.getClaim("ath") != null
          || !proofIds.add(claims.getJWTID())) {
        error.set(new Answer(400, "{\"error\":\"invalid_dpop_proof\"}"));
        return null;
      }
      if (nonce != null && !nonce.equals(claims.getStringClaim("nonce"))) {
        dpopNonceErrors.incrementAndGet();
        error.set(new Answer(400, "{\"error\":\"use_dpop_nonce\"}"));
        return null;
      }
      return jwk.computeThumbprint().toString();
    } catch (Exception e) {
      error.set(new Answer(400, "{\"error\":\"invalid_dpop_proof\"}"));
      return null;
    }
  }

  /** The pushed authorization request endpoint (RFC 9126 §2). */
  public URI parEndpoint() {
    return URI.create(issuer + "/par");
  }

  /** Revokes every refresh token handed out so far: the next refresh gets {@code invalid_grant}. */
  public void revokeRefreshTokens() {
    refreshTokens.clear();
  }

  /** Answers every token request with {@code status} and {@code json} from now on (null: stop). */
  public void answer(int status, String json) {
    answer = json == null ? null : new Answer(status, json);
  }

  /** Rewrites every successful token response from now on (null: stop). */
  public void tamper(UnaryOperator<JSONObject> rewrite) {
    tamper.set(rewrite);
  }

  /** Rewrites the next successful token response only. */
  public void tamperNext(UnaryOperator<JSONObject> rewrite) {
    tamperNext.set(rewrite);
  }

  /** Delays every token response by {@code millis}. */
  public void delay(long millis) {
    delayMillis = millis;
  }

  /**
   * Serves a UserInfo endpoint (OIDC Core §5.3) and names it in the metadata: for a valid access
   * token this provider issued, {@code {"sub": <the token's subject>}} plus {@code claims} (null:
   * no endpoint, the default). The endpoint answers {@code 401} for any other token.
   */
  public void userInfo(Map<String, Object> claims) {
    userInfoClaims = claims == null ? null : new LinkedHashMap<>(claims);
  }

  /** The {@code sub} the UserInfo endpoint names in place of the token's (null: the token's). */
  public void userInfoSubject(String sub) {
    userInfoSubject = sub;
  }

  /**
   * Answers every UserInfo request with {@code status}, {@code contentType} and {@code body}
   * instead of the claims (null body: back to the claims).
   */
  public void userInfoAnswer(int status, String contentType, String body) {
    userInfoStatus = status;
    userInfoContentType = contentType;
    userInfoBody = body;
  }

  /** Delays the UserInfo answers by {@code millis} (0: no delay). */
  public void delayUserInfo(long millis) {
    userInfoDelayMillis = millis;
  }

  /** Delays the responses to refresh token requests by {@code millis} (0: no delay). */
  public void delayRefresh(long millis) {
    refreshDelayMillis = millis;
  }

  /**
   * Publishes a new signing key {@code kid} beside the current ones and signs every token with it
   * from now on, as a provider does after a key rotation.
   */
  public RSAKey rotateSigningKey(String kid) {
    RSAKey next = TestKeys.generate(kid);
    List<RSAKey> keys = new ArrayList<>(publishedKeys);
    keys.add(next);
    publishedKeys = List.copyOf(keys);
    signingKey = next;
    return next;
  }

  // ---- the authorization endpoint, played in-process
  // ---------------------------------------------

  /** An authorization response: the code and state for the client's redirection endpoint. */
  public record Callback(String code, String state, URI redirectUri) {
    /** The callback's query string, {@code code=…&state=…}. */
    public String query() {
      return "code=" + encode(code) + "&state=" + encode(state);
    }
  }

  /**
   * Plays the authorization endpoint for an authorization request URL: checks that it is one of
   * this provider's, asks for a code with PKCE S256, a state and a nonce, and returns the code it
   * issues for the current {@link #subject}.
   */
  public Callback authorize(String authorizationRequestUrl) {
    return issueCode(checkAuthorizationRequest(authorizationRequestUrl), subject);
  }

  private Map<String, String> checkAuthorizationRequest(String authorizationRequestUrl) {
    if (!authorizationRequestUrl.startsWith(authorizationEndpoint() + "?")) {
      throw new IllegalArgumentException(
          "not this provider's authorization endpoint: " + authorizationRequestUrl);
    }
    Map<String, String> q = query(URI.create(authorizationRequestUrl).getRawQuery());
    if (q.containsKey("request_uri")) {
      Map<String, String> request = pushed.remove(q.get("request_uri"));
      if (request == null || !request.get("client_id").equals(q.get("client_id"))) {
        throw new IllegalArgumentException("unknown, used or another client's request_uri");
      }
      q = request;
    } else if (requirePar) {
      throw new IllegalArgumentException("authorization request not pushed (PAR is required)");
    }
    return checkAuthorizationParameters(q);
  }

  private static Map<String, String> checkAuthorizationParameters(Map<String, String> q) {
    require(q, "response_type", "code");
    require(q, "code_challenge_method", "S256");
    for (String name :
        List.of("client_id", "redirect_uri", "scope", "state", "nonce", "code_challenge")) {
      if (q.get(name) == null || q.get(name).isEmpty()) {
        throw new IllegalArgumentException("authorization request without " + name);
      }
    }
    return q;
  }

  /** A code for {@code user}, granting the scopes asked for less those withheld from them. */
  private Callback issueCode(Map<String, String> q, String user) {
    Set<String> granted = new LinkedHashSet<>(Arrays.asList(q.get("scope").split(" ")));
    granted.removeAll(withheld);
    scopeUsers.forEach(
        (scope, users) -> {
          if (!users.contains(user)) {
            granted.remove(scope);
          }
        });
    String code = "code-" + counter.incrementAndGet() + "-" + randomToken(16);
    issuedSecrets.add(code);
    codes.put(
        code,
        new Grant(
            q.get("client_id"),
            user,
            extraClaims,
            String.join(" ", granted),
            q.get("nonce"),
            q.get("redirect_uri"),
            q.get("code_challenge")));
    return new Callback(code, q.get("state"), URI.create(q.get("redirect_uri")));
  }

  /** The form parameter {@code name} of the {@code n}th token request, decoded, or null. */
  public String param(int n, String name) {
    return form(bodies.get(n)).get(name);
  }

  // ---- HTTP ------------------------------------------------------------------------------------

  private record Answer(int status, String body) {}

  private record Grant(
      String clientId,
      String subject,
      Map<String, Object> claims,
      String scope,
      String nonce,
      String redirectUri,
      String challenge) {}

  private interface Handler {
    Answer handle(HttpExchange exchange, String body) throws Exception;
  }

  private void serve(HttpExchange exchange, Handler handler) throws IOException {
    try (exchange) {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Answer a;
      try {
        a = handler.handle(exchange, body);
      } catch (Exception e) {
        a = new Answer(500, "{\"error\":\"server_error\"}");
      }
      byte[] bytes = a.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      exchange.sendResponseHeaders(a.status(), bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  /**
   * The served authorization endpoint: a GET logs the current subject in and redirects back, or
   * shows the login form; the form posts back here with the user name. A request that is not this
   * provider's gets a 400 page and no code.
   */
  private void authorizationEndpoint(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String raw = exchange.getRequestURI().getRawQuery();
      Map<String, String> q;
      try {
        q = checkAuthorizationRequest(authorizationEndpoint() + "?" + (raw == null ? "" : raw));
      } catch (IllegalArgumentException e) {
        page(exchange, 400, "<p>Invalid authorization request.</p>");
        return;
      }
      String user = "POST".equals(exchange.getRequestMethod()) ? form(body).get("username") : null;
      if (user == null && !loginPage) {
        user = subject;
      }
      if (user == null || user.isBlank()) {
        page(
            exchange,
            200,
            "<form method=\"post\"><label>User name <input name=\"username\" autofocus></label>"
                + "<textarea name=\"claims\" hidden></textarea>"
                + "<button type=\"submit\">Log in</button></form>");
        return;
      }
      Callback cb = issueCode(q, user.strip());
      String response = cb.query();
      if (issParameterSupported) {
        response += "&iss=" + encode(issuer);
      }
      if ("form_post".equals(q.get("response_mode"))) {
        StringBuilder inputs = new StringBuilder();
        query(response)
            .forEach(
                (name, value) ->
                    inputs
                        .append("<input type=\"hidden\" name=\"")
                        .append(html(name))
                        .append("\" value=\"")
                        .append(html(value))
                        .append("\">"));
        page(
            exchange,
            200,
            "<form method=\"post\" action=\""
                + html(cb.redirectUri().toString())
                + "\">"
                + inputs
                + "<button type=\"submit\">Continue</button></form>"
                + "<script>document.forms[0].submit()</script>");
        return;
      }
      String back = cb.redirectUri().toString();
      redirect(exchange, back + (back.contains("?") ? "&" : "?") + response);
    }
  }

  /**
   * The end-session endpoint: back to {@code post_logout_redirect_uri} (with its state), if any.
   */
  private void endSessionEndpoint(HttpExchange exchange) throws IOException {
    try (exchange) {
      endSessionRequests.incrementAndGet();
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Map<String, String> q = query(exchange.getRequestURI().getRawQuery());
      form(body).forEach(q::putIfAbsent);
      String back = q.get("post_logout_redirect_uri");
      if (back == null || back.isEmpty()) {
        page(exchange, 200, "<p>You are logged out.</p>");
        return;
      }
      String state = q.get("state");
      redirect(
          exchange,
          state == null
              ? back
              : back + (back.contains("?") ? "&" : "?") + "state=" + encode(state));
    }
  }

  private static void redirect(HttpExchange exchange, String location) throws IOException {
    exchange.getResponseHeaders().set("Location", location);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(302, -1);
  }

  private static void page(HttpExchange exchange, int status, String content) throws IOException {
    byte[] bytes =
        ("<!DOCTYPE html><html><head><title>Fake provider</title></head><body>"
                + content
                + "</body></html>")
            .getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static String html(String s) {
    return s.replace("&", "&amp;")
        .replace("\"", "&quot;")
        .replace("<", "&lt;")
        .replace(">", "&gt;");
  }

  private Answer discovery(HttpExchange exchange, String body) {
    discoveryRequests.incrementAndGet();
    Map<String, Object> md = new LinkedHashMap<>();
    md.put("issuer", metadataIssuer != null ? metadataIssuer : issuer);
    md.put("authorization_endpoint", authorizationEndpoint().toString());
    md.put("token_endpoint", tokenEndpoint().toString());
    md.put("jwks_uri", issuer + "/jwks");
    md.put("end_session_endpoint", endSessionEndpoint().toString());
    if (userInfoClaims != null) {
      md.put("userinfo_endpoint", userInfoEndpoint().toString());
    }
    md.put("response_types_supported", List.of("code"));
    md.put("subject_types_supported", List.of("public"));
    md.put("id_token_signing_alg_values_supported", List.of("RS256"));
    md.put("code_challenge_methods_supported", List.of("S256"));
    md.put("authorization_response_iss_parameter_supported", issParameterSupported);
    md.put("pushed_authorization_request_endpoint", parEndpoint().toString());
    md.put("require_pushed_authorization_requests", requirePar);
    md.put(
        "token_endpoint_auth_methods_supported",
        clientKey != null
            ? List.of("private_key_jwt")
            : List.of("client_secret_basic", "client_secret_post", "private_key_jwt", "none"));
    md.put("token_endpoint_auth_signing_alg_values_supported", clientAssertionAlgs);
    return new Answer(200, new JSONObject(md).toJSONString());
  }

  /** RFC 9126 §2: checks the client and the parameters, and answers a one-time request_uri. */
  private Answer par(HttpExchange exchange, String body) {
    parRequests.incrementAndGet();
    parBodies.add(body);
    Map<String, String> form = form(body);
    AtomicReference<Answer> dpopError = new AtomicReference<>();
    if (dpopJkt(exchange, parEndpoint(), dpopError) == null) {
      return dpopError.get();
    }
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    String client;
    if (clientKey != null) {
      client = verifyClientAssertion(authorization, form);
      if (client == null) {
        return new Answer(401, "{\"error\":\"invalid_client\"}");
      }
    } else {
      client = clientId(authorization, form);
    }
    if (form.containsKey("request_uri") || !client.equals(form.get("client_id"))) {
      return error("invalid_request");
    }
    try {
      checkAuthorizationParameters(form);
    } catch (IllegalArgumentException e) {
      return error("invalid_request");
    }
    form.remove("client_assertion");
    form.remove("client_assertion_type");
    String requestUri = "urn:ietf:params:oauth:request_uri:" + randomToken(16);
    pushed.put(requestUri, form);
    return new Answer(201, "{\"request_uri\":\"" + requestUri + "\",\"expires_in\":60}");
  }

  /** OIDC Core §5.3: the claims of the user the bearer access token was issued for. */
  private void userInfoEndpoint(HttpExchange exchange) throws IOException {
    try (exchange) {
      userInfoRequests.incrementAndGet();
      if (userInfoDelayMillis > 0) {
        try {
          Thread.sleep(userInfoDelayMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      int status = userInfoStatus;
      String contentType = userInfoContentType;
      String body = userInfoBody;
      if (body == null) {
        String sub = tokenSubject(exchange.getRequestHeaders().getFirst("Authorization"));
        Map<String, Object> claims = userInfoClaims;
        if (sub == null || claims == null) {
          status = 401;
          contentType = "application/json";
          body = "{\"error\":\"invalid_token\"}";
          exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer error=\"invalid_token\"");
        } else {
          Map<String, Object> json = new LinkedHashMap<>(claims);
          json.put("sub", userInfoSubject != null ? userInfoSubject : sub);
          body = new JSONObject(json).toJSONString();
        }
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", contentType);
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    }
  }

  /** The subject of a bearer access token this provider issued and that has not expired. */
  private String tokenSubject(String authorization) {
    if (authorization == null || !authorization.startsWith("Bearer ")) {
      return null;
    }
    String token = authorization.substring("Bearer ".length());
    if (!issuedTokens.contains(token)) {
      return null;
    }
    try {
      JWTClaimsSet claims = SignedJWT.parse(token).getJWTClaimsSet();
      Date exp = claims.getExpirationTime();
      return exp != null && exp.toInstant().isAfter(clock.instant()) ? claims.getSubject() : null;
    } catch (java.text.ParseException e) {
      return null;
    }
  }

  private Answer jwks(HttpExchange exchange, String body) {
    jwksRequests.incrementAndGet();
    return new Answer(200, TestKeys.jwks(publishedKeys));
  }

  private Answer token(HttpExchange exchange, String body) throws Exception {
    tokenRequests.incrementAndGet();
    bodies.add(body);
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    authorizations.add(authorization == null ? "" : authorization);
    Map<String, String> form = form(body);
    long delay = delayMillis;
    if ("refresh_token".equals(form.get("grant_type"))) {
      refreshRequests.incrementAndGet();
      delay += refreshDelayMillis;
    }
    if (delay > 0) {
      Thread.sleep(delay);
    }
    AtomicReference<Answer> dpopError = new AtomicReference<>();
    String jkt = dpopJkt(exchange, tokenEndpoint(), dpopError);
    if (jkt == null) {
      return dpopError.get();
    }
    Answer fixed = answer;
    if (fixed != null) {
      return fixed;
    }
    String assertedClient = null;
    if (clientKey != null) {
      assertedClient = verifyClientAssertion(authorization, form);
      if (assertedClient == null) {
        return new Answer(401, "{\"error\":\"invalid_client\"}");
      }
    }
    JSONObject json;
    String grantType = String.valueOf(form.get("grant_type"));
    switch (grantType) {
      case "authorization_code" -> {
        Grant grant = form.get("code") == null ? null : codes.remove(form.get("code"));
        if (grant == null
            || (assertedClient != null && !assertedClient.equals(grant.clientId()))
            || !grant.redirectUri().equals(form.get("redirect_uri"))
            || form.get("code_verifier") == null
            || !grant.challenge().equals(s256(form.get("code_verifier")))) {
          return error("invalid_grant");
        }
        json = tokens(grant, true, true, jkt);
      }
      case "refresh_token" -> {
        String presented = form.get("refresh_token");
        Grant grant =
            presented == null
                ? null
                : rotate ? refreshTokens.remove(presented) : refreshTokens.get(presented);
        if (grant == null
            || (assertedClient != null && !assertedClient.equals(grant.clientId()))
            || !List.of("", jkt).contains(refreshTokenJkt.getOrDefault(presented, ""))) {
          return error("invalid_grant");
        }
        json = tokens(grant, false, rotate, jkt);
      }
      case "client_credentials" -> {
        String client = assertedClient != null ? assertedClient : clientId(authorization, form);
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("client_id", client);
        if (form.get("scope") != null) {
          claims.put("scope", form.get("scope"));
        }
        if (!jkt.isEmpty()) {
          claims.put("cnf", Map.of("jkt", jkt));
        }
        json = new JSONObject();
        json.put("access_token", accessToken(client, client, claims, 3600));
        json.put("token_type", jkt.isEmpty() ? "Bearer" : "DPoP");
        json.put("expires_in", 3600);
      }
      default -> {
        return error("unsupported_grant_type");
      }
    }
    UnaryOperator<JSONObject> once = tamperNext.getAndSet(null);
    if (once != null) {
      json = once.apply(json);
    }
    UnaryOperator<JSONObject> always = tamper.get();
    if (always != null) {
      json = always.apply(json);
    }
    if (json.get("access_token") instanceof String at) {
      issuedTokens.add(at);
    }
    for (String member : List.of("access_token", "refresh_token", "id_token")) {
      if (json.get(member) instanceof String s) {
        issuedSecrets.add(s);
      }
    }
    return new Answer(200, json.toJSONString());
  }

  /** A login's or a refresh's token response for {@code grant}. */
  private JSONObject tokens(Grant grant, boolean login, boolean newRefreshToken, String jkt)
      throws Exception {
    long lifetime = expiresIn;
    Instant now = clock.instant();
    Map<String, Object> atClaims = new LinkedHashMap<>();
    atClaims.put("client_id", grant.clientId());
    atClaims.put("scope", grant.scope());
    if (!jkt.isEmpty()) {
      atClaims.put("cnf", Map.of("jkt", jkt));
    }
    JSONObject json = new JSONObject();
    json.put("access_token", accessToken(grant.subject(), grant.clientId(), atClaims, lifetime));
    json.put("token_type", jkt.isEmpty() ? "Bearer" : "DPoP");
    json.put("expires_in", lifetime);
    json.put("scope", grant.scope());
    JWTClaimsSet.Builder id =
        new JWTClaimsSet.Builder()
            .issuer(issuer)
            .subject(grant.subject())
            .audience(grant.clientId())
            .claim("azp", grant.clientId())
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plusSeconds(3600)))
            .claim("preferred_username", grant.subject());
    grant.claims().forEach(id::claim);
    if (login) {
      id.claim("nonce", grant.nonce());
    }
    json.put("id_token", sign(id.build(), "JWT"));
    if (issueRefreshTokens && (newRefreshToken || login)) {
      String refresh = "rt-" + counter.incrementAndGet() + "-" + randomToken(16);
      refreshTokens.put(refresh, grant);
      refreshTokenJkt.put(refresh, jkt);
      json.put("refresh_token", refresh);
    }
    return json;
  }

  /**
   * An RFC 9068 access token ({@code typ at+jwt}) for {@code subject}, issued to {@code client}.
   */
  public String accessToken(
      String sub, String client, Map<String, Object> claims, long lifetimeSeconds) {
    Instant now = clock.instant();
    JWTClaimsSet.Builder b =
        new JWTClaimsSet.Builder()
            .issuer(issuer)
            .subject(sub)
            .audience("api")
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plusSeconds(lifetimeSeconds)))
            .jwtID(randomToken(12))
            .claim("client_id", client);
    claims.forEach(b::claim);
    return sign(b.build(), "at+jwt");
  }

  /**
   * An ID token as this provider would issue it to {@code client} for {@code sub}: like Keycloak's,
   * it names the client in {@code azp}, so only its being an ID token tells it from an access
   * token.
   */
  public String idToken(String sub, String client, Map<String, Object> claims) {
    Instant now = clock.instant();
    JWTClaimsSet.Builder b =
        new JWTClaimsSet.Builder()
            .issuer(issuer)
            .subject(sub)
            .audience(client)
            .claim("azp", client)
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plusSeconds(3600)));
    claims.forEach(b::claim);
    return sign(b.build(), "JWT");
  }

  /** Signs {@code claims} with the current signing key, header {@code typ} {@code type}. */
  public String sign(JWTClaimsSet claims, String type) {
    RSAKey key = signingKey;
    return TestKeys.sign(key, key.getKeyID(), claims, type);
  }

  /** The key that signs this provider's tokens now. */
  public RSAKey signingKey() {
    return signingKey;
  }

  /**
   * The client a token request's {@code private_key_jwt} assertion authenticates, or null when it
   * is absent, comes with another client authentication, or fails RFC 7523 §3's checks.
   */
  private String verifyClientAssertion(String authorization, Map<String, String> form) {
    String assertion = form.get("client_assertion");
    if (authorization != null
        || form.get("client_secret") != null
        || assertion == null
        || !"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
            .equals(form.get("client_assertion_type"))) {
      return null;
    }
    try {
      SignedJWT jwt = SignedJWT.parse(assertion);
      JWK key = clientKey;
      JWSVerifier verifier =
          key instanceof ECKey ec ? new ECDSAVerifier(ec) : new RSASSAVerifier((RSAKey) key);
      if (!clientAssertionAlgs.contains(jwt.getHeader().getAlgorithm().getName())
          || !jwt.verify(verifier)) {
        return null;
      }
      JWTClaimsSet claims = jwt.getJWTClaimsSet();
      Instant now = clock.instant();
      String client = claims.getIssuer();
      if (client == null
          || !client.equals(claims.getSubject())
          || (form.get("client_id") != null && !client.equals(form.get("client_id")))
          || claims.getAudience().stream()
              .noneMatch(
                  a ->
                      a.equals(tokenEndpoint().toString())
                          || a.equals(issuer)
                          || a.equals(parEndpoint().toString()))
          || claims.getExpirationTime() == null
          || !claims.getExpirationTime().toInstant().isAfter(now)
          || claims.getJWTID() == null
          || !assertionIds.add(claims.getJWTID())) {
        return null;
      }
      clientAssertions.add(claims);
      return client;
    } catch (java.text.ParseException | com.nimbusds.jose.JOSEException e) {
      return null;
    }
  }

  private static Answer error(String code) {
    return new Answer(400, "{\"error\":\"" + code + "\"}");
  }

  private static String clientId(String authorization, Map<String, String> form) {
    if (authorization != null && authorization.startsWith("Basic ")) {
      String decoded =
          new String(
              Base64.getDecoder().decode(authorization.substring(6)), StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      return URLDecoder.decode(
          colon < 0 ? decoded : decoded.substring(0, colon), StandardCharsets.UTF_8);
    }
    return String.valueOf(form.get("client_id"));
  }

  private static String s256(String verifier) throws Exception {
    byte[] hash =
        MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
  }

  private static void require(Map<String, String> q, String name, String value) {
    if (!value.equals(q.get(name))) {
      throw new IllegalArgumentException(
          "authorization request " + name + " is not " + value + ": " + q.get(name));
    }
  }

  /** A decoded query string or form body (the first value of each name). */
  public static Map<String, String> form(String body) {
    return query(body);
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String name =
          URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.putIfAbsent(name, value);
    }
    return out;
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** {@code bytes} random bytes, base64url: codes and refresh tokens no one can guess. */
  private static String randomToken(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
