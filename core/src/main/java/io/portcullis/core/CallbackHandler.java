package io.portcullis.core;

import com.github.benmanes.caffeine.cache.Cache;
import io.portcullis.core.internal.nimbus.IdTokenException;
import io.portcullis.core.internal.nimbus.NimbusIdTokenVerifier;
import io.portcullis.core.internal.nimbus.NimbusTokenClient;
import io.portcullis.core.internal.nimbus.ProviderMetadata;
import io.portcullis.core.internal.nimbus.TokenResult;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The redirection endpoint (RFC 6749 §3.1.2, §4.1.2; OIDC Core §3.1.2.5–3.1.3.7): checks the
 * authorization response against the pending login of this browser, exchanges the code, validates
 * the ID token and stores the login in a session with a new id.
 *
 * <p>Single use of {@code state}: the pending login's cookie is deleted, and the state's hash is
 * recorded in a bounded node-local cache for the login lifetime; recording is an atomic
 * put-if-absent done <em>before</em> the token request, so two deliveries of one callback cause one
 * token request (THREATS B-16). On another node the deleted cookie and the provider's single-use
 * code refuse a replay.
 */
final class CallbackHandler {
  private static final System.Logger LOG = System.getLogger("io.portcullis");
  private static final Set<String> RESPONSE_PARAMS =
      Set.of("code", "state", "error", "error_description", "error_uri", "iss", "session_state");

  /**
   * The longest value accepted per response parameter (characters). Real values are far shorter
   * (state: 43; codes: a few hundred; issuers: a URL); anything longer is refused before any cookie
   * is opened, any cache touched or any request sent to the provider.
   */
  static final Map<String, Integer> MAX_PARAM_LENGTH =
      Map.of(
          "state",
          512,
          "code",
          4096,
          "iss",
          2048,
          "error",
          1024,
          "error_description",
          1024,
          "error_uri",
          2048,
          "session_state",
          1024);

  private final PortcullisConfig config;
  private final ProviderMetadataSource metadata;
  private final StateCookieCodec codec;
  private final LoginStarter starter;
  private final NimbusTokenClient tokens;
  private final NimbusIdTokenVerifier idTokens;
  private final UserInfo userInfo;
  private final Clock clock;
  private final Cache<String, Boolean> consumed;
  private final SessionStore sessions;
  private final PortcullisMetrics metrics;
  private final @Nullable PreservedPost preservedPost;

  CallbackHandler(
      PortcullisConfig config,
      ProviderMetadataSource metadata,
      StateCookieCodec codec,
      LoginStarter starter,
      NimbusTokenClient tokens,
      NimbusIdTokenVerifier idTokens,
      UserInfo userInfo,
      Clock clock,
      SessionStore sessions,
      PortcullisMetrics metrics,
      @Nullable PreservedPost preservedPost) {
    this.userInfo = userInfo;
    this.preservedPost = preservedPost;
    this.sessions = sessions;
    this.metrics = metrics;
    this.config = config;
    this.metadata = metadata;
    this.codec = codec;
    this.starter = starter;
    this.tokens = tokens;
    this.idTokens = idTokens;
    this.clock = clock;
    this.consumed =
        Caches.newBuilder(clock)
            .expireAfterWrite(Duration.ofMillis(LoginStarter.LIFETIME_MILLIS + 60_000))
            .maximumSize(200_000)
            .build();
  }

  Outcome handle(HttpExchange exchange, boolean api) {
    List<String> names = exchange.parameterNames();
    for (String name : names) {
      Integer max = MAX_PARAM_LENGTH.get(name);
      if (max != null && exchange.parameterValues(name).stream().anyMatch(v -> v.length() > max)) {
        return reject(exchange, null, Reason.PARAM_TOO_LONG, api);
      }
    }
    boolean isResponse = names.stream().anyMatch(RESPONSE_PARAMS::contains);
    if (!isResponse && names.contains("return_to")) {
      return startLogin(exchange, api);
    }
    boolean formPost = config.responseMode() == ResponseMode.FORM_POST;
    String method = exchange.method();
    if (!(method.equals("GET") || (formPost && method.equals("POST")))) {
      return reject(exchange, null, Reason.METHOD, api);
    }
    for (String name : names) {
      if (exchange.parameterValues(name).size() > 1) {
        return reject(exchange, null, Reason.DUPLICATE_PARAM, api);
      }
    }
    String state = single(exchange, "state");
    if (state == null || state.isEmpty()) {
      return reject(exchange, null, Reason.STATE_MISSING, api);
    }
    String cookieName = LoginStarter.cookieName(state);
    String sealed = exchange.cookies().get(cookieName);
    String consumedKey = Randoms.hashKey(state, 43);
    if (sealed == null) {
      boolean used = consumed.getIfPresent(consumedKey) != null;
      return reject(exchange, state, used ? Reason.STATE_USED : Reason.STATE_UNKNOWN, api);
    }
    Optional<PendingLogin> found = codec.open(cookieName, sealed).flatMap(PendingLogin::parse);
    exchange.addSetCookie(starter.cookie(cookieName, "", 0, exchange));
    if (found.isEmpty()) {
      return reject(exchange, state, Reason.STATE_UNKNOWN, api);
    }
    PendingLogin pending = found.get();
    if (!Randoms.constantTimeEquals(pending.state(), state)) {
      return reject(exchange, state, Reason.STATE_MISMATCH, api);
    }
    if (consumed.asMap().putIfAbsent(consumedKey, Boolean.TRUE) != null) {
      LoginSession current = sessions.get(exchange);
      if (current != null) {
        return new Outcome.Redirect(exchange.contextPath() + pending.target(), true);
      }
      return reject(exchange, state, Reason.STATE_USED, api);
    }
    // A form kept for this login (preserve-post) is taken now, once: whatever follows, this
    // pending login is used up, and the session may be replaced below.
    PreservedPost.Form form = preservedPost == null ? null : preservedPost.take(exchange, state);
    if (clock.millis() - pending.createdAtMillis() > LoginStarter.LIFETIME_MILLIS
        || clock.millis() < pending.createdAtMillis() - 60_000) {
      return reject(exchange, state, Reason.STATE_EXPIRED, api);
    }
    Optional<ProviderMetadata> md = metadata.current();
    if (md.isEmpty()) {
      return reject(exchange, state, Reason.PROVIDER_UNAVAILABLE, api);
    }
    if (!md.get().issuer().equals(pending.issuer())) {
      // RFC 9700 §4.4.2: a login sent to another provider answered at this one's callback
      return reject(exchange, state, Reason.ISS_MISMATCH, api);
    }
    // RFC 9207 §2.4: compare iss when present; required when the provider advertises it.
    String iss = single(exchange, "iss");
    if (iss != null && !iss.equals(pending.issuer())) {
      return reject(exchange, state, Reason.ISS_MISMATCH, api);
    }
    if (iss == null && md.get().issParameterSupported()) {
      return reject(exchange, state, Reason.ISS_MISSING, api);
    }
    String error = single(exchange, "error");
    String code = single(exchange, "code");
    if (error != null && code != null) {
      return reject(exchange, state, Reason.AMBIGUOUS_RESPONSE, api);
    }
    if (error != null) {
      Reason reason =
          switch (error) {
            case "access_denied" -> Reason.PROVIDER_ACCESS_DENIED;
            case "server_error" -> Reason.PROVIDER_SERVER_ERROR;
            case "temporarily_unavailable" -> Reason.PROVIDER_TEMPORARILY_UNAVAILABLE;
            default -> Reason.PROVIDER_ERROR;
          };
      return reject(exchange, state, reason, reason.code(error), api);
    }
    if (code == null || code.isBlank()) {
      // Only blanks is no code (and the token client's library refuses it with an exception).
      return reject(exchange, state, Reason.CODE_MISSING, api);
    }
    TokenResult result =
        tokens.exchangeCode(
            md.get().tokenEndpoint(), code, pending.redirectUri(), pending.codeVerifier());
    if (result instanceof TokenResult.Unreachable u) {
      LOG.log(Level.WARNING, "portcullis: " + u.description());
      return reject(exchange, state, Reason.TOKEN_UNAVAILABLE, api);
    }
    if (result instanceof TokenResult.Failed f) {
      return reject(exchange, state, Reason.TOKEN_ERROR, Reason.TOKEN_ERROR.code(f.error()), api);
    }
    TokenResult.Tokens t = (TokenResult.Tokens) result;
    if (t.idToken() == null) {
      return reject(exchange, state, Reason.ID_TOKEN_MISSING, api);
    }
    Map<String, Object> claims;
    try {
      claims = idTokens.verify(t.idToken(), md.get(), pending.nonce());
    } catch (IdTokenException e) {
      return reject(exchange, state, Reason.ofIdToken(e.check()), api);
    }
    // OIDC Core §5.3: UserInfo when userinfo says so, its sub the ID token's; merged claims name
    // the user and give the roles.
    Map<String, Object> merged = claims;
    String userInfoJson = null;
    if (userInfo.wanted(claims, md.get())) {
      UserInfo.Result read =
          userInfo.fetch(
              md.get(), t.accessToken(), (String) Objects.requireNonNull(claims.get("sub"), "sub"));
      if (read instanceof UserInfo.Result.Fetched fetched) {
        merged = UserInfo.merge(claims, fetched.claims());
        userInfoJson = fetched.json();
      } else {
        Reason reason = ((UserInfo.Result.Failed) read).reason();
        if (reason == Reason.USERINFO_SUB_MISMATCH || userInfo.required()) {
          return reject(exchange, state, reason, api);
        }
        // userinfo=auto: UserInfo only adds to the ID token, which suffices for the login.
        LOG.log(
            Level.WARNING,
            "portcullis: userinfo could not be read at login, the ID token's claims alone are"
                + " used; reason="
                + reason.code());
      }
    }
    Identity identity = identity(merged, t, pending.scopes(), md.get());
    LoginSession previous = sessions.get(exchange);
    Set<String> asked = Set.of();
    String logoutToken = Randoms.token(24);
    long now = clock.millis();
    long loginAt = now;
    if (previous != null && !previous.identity().subject().equals(identity.subject())) {
      exchange.invalidateSession(); // THREATS E-04: nothing of the previous user survives
    } else {
      exchange.renewSessionId(); // THREATS E-01: session fixation
      if (previous != null) {
        asked = previous.stepUpAsked();
        if (previous.loginAtMillis() > 0) {
          // A step-up continues the login: session-max-lifetime still counts from its start.
          loginAt = Math.min(previous.loginAtMillis(), now);
        }
      }
    }
    if (!pending.stepUpKey().isEmpty() && !asked.contains(pending.stepUpKey())) {
      // Remember the step-up even when this callback came without the session cookie (a
      // cross-site form_post does not carry a SameSite=Lax cookie): never ask the same set again.
      Set<String> withStepUp = new java.util.LinkedHashSet<>(asked);
      withStepUp.add(pending.stepUpKey());
      asked = withStepUp;
    }
    sessions.put(
        exchange,
        new LoginSession(identity, t.refreshToken(), t.idToken(), logoutToken, asked)
            .withUserInfo(userInfoJson)
            // the last-activity mark only with an idle timeout: 0 (not tracked) otherwise
            .withTimes(loginAt, config.sessionIdleTimeout().isZero() ? 0 : now));
    metrics.increment(PortcullisMetrics.Counter.LOGINS_COMPLETED);
    LOG.log(
        Level.DEBUG,
        () -> "portcullis: login tx=" + Randoms.fingerprint(state) + " user=" + identity.name());
    if (form != null) {
      return new Outcome.ReplayPost(
          exchange.contextPath() + form.target(), form.fields(), form.charset().name());
    }
    return new Outcome.Redirect(exchange.contextPath() + pending.target(), true);
  }

  private Outcome startLogin(HttpExchange exchange, boolean api) {
    if (api) {
      return new Outcome.Rejected(Reason.LOGIN_API, null, true);
    }
    String target = Urls.safeTarget(single(exchange, "return_to"));
    return starter.start(exchange, target, config.scopes());
  }

  /**
   * The login's identity. Granted scopes are what the response's {@code scope} names; a response
   * without {@code scope} grants the requested scopes that are configured {@code scopes} only,
   * never what a step-up added to the request (RFC 6749 §5.1 lets a provider omit the requested
   * scope; believing it would let a step-up grant itself: CVE-2022-31690). Roles come from the
   * verified ID token, or else from the access token only when it is a JWT the provider signed, of
   * the issuer and not expired.
   */
  Identity identity(
      Map<String, Object> claims,
      TokenResult.Tokens t,
      String requestedScopes,
      ProviderMetadata md) {
    Instant now = clock.instant();
    Set<String> scopes = new LinkedHashSet<>();
    if (t.scope() != null) {
      Scopes.collect(t.scope(), scopes);
    } else {
      Scopes.collect(requestedScopes, scopes);
      scopes.retainAll(config.scopes());
    }
    // the ID token verifier has checked that sub and iss are there
    String subject = (String) Objects.requireNonNull(claims.get("sub"), "sub");
    String name = null;
    if (config.principalClaim().isPresent()
        && claims.get(config.principalClaim().get()) instanceof String s
        && !s.isEmpty()) {
      name = s;
    } else if (config.principalClaim().isEmpty()
        && claims.get("preferred_username") instanceof String s
        && !s.isEmpty()) {
      name = s;
    }
    if (name == null) {
      name = subject;
    }
    Set<String> roles = new LinkedHashSet<>();
    if (config.rolesClaim().isPresent()) {
      Claims.collectRoles(Claims.lookup(claims, config.rolesClaim().get()), roles);
      if (roles.isEmpty()) {
        try {
          Claims.collectRoles(
              Claims.lookup(
                  idTokens.verifyAccessToken(t.accessToken(), md).claims(),
                  config.rolesClaim().get()),
              roles);
        } catch (IdTokenException e) {
          // an opaque or unverifiable access token: no roles from it
        }
      }
    }
    TokenSet tokenSet =
        new TokenSet(
            t.accessToken(),
            TokenLifetime.expiresAt(now, t.expiresInSeconds()),
            scopes,
            t.dpopBound());
    String issuer = (String) Objects.requireNonNull(claims.get("iss"), "iss");
    return new Identity(name, subject, issuer, claims, roles, tokenSet);
  }

  private Outcome reject(
      HttpExchange exchange, @Nullable String state, Reason reason, boolean api) {
    return reject(exchange, state, reason, reason.code(), api);
  }

  /**
   * {@code code}: the reason's code, or for a family the code of one member. The reason itself is
   * counted with the engine's answer ({@link PortcullisMetrics#answered}).
   */
  private Outcome reject(
      HttpExchange exchange, @Nullable String state, Reason reason, String code, boolean api) {
    metrics.increment(PortcullisMetrics.Counter.LOGINS_REJECTED);
    LOG.log(
        reason.level(),
        "oidc.login.rejected reason="
            + code
            + " tx="
            + (state == null ? "-" : Randoms.fingerprint(state)));
    String retry = exchange.contextPath() + config.redirectPath() + "?return_to=%2F";
    return new Outcome.Rejected(reason, code, retry, api);
  }

  private static @Nullable String single(HttpExchange exchange, String name) {
    List<String> values = exchange.parameterValues(name);
    return values.isEmpty() ? null : values.get(0);
  }
}
