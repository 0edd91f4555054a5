package io.portcullis.core;

import io.portcullis.core.internal.nimbus.ClientKey;
import io.portcullis.core.internal.nimbus.DpopProver;
import io.portcullis.core.internal.nimbus.Http;
import io.portcullis.core.internal.nimbus.JwksCache;
import io.portcullis.core.internal.nimbus.NimbusIdTokenVerifier;
import io.portcullis.core.internal.nimbus.NimbusTokenClient;
import io.portcullis.core.internal.nimbus.NimbusUserInfoClient;
import io.portcullis.core.internal.nimbus.ProviderMetadata;
import io.portcullis.core.internal.nimbus.TenantIssuer;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The Portcullis engine: for each request, a decision. Thread-safe; build one per filter at
 * start-up and {@link #close()} it at shutdown.
 *
 * <p>A request runs through: path guard (SPEC.md "Access rules" normalisation, else 400) → callback
 * and logout endpoints → the first matching rule → the login in the session (unless a back-channel
 * logout or a session lifetime ended it) → the scope check (with step-up) → {@link Outcome}. An
 * authenticated request with a valid access token touches no provider, parses no JSON or JWT and
 * takes no lock.
 */
public final class Portcullis implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger("io.portcullis");
  private final PortcullisConfig config;
  private final Clock clock;
  private final ExecutorService executor;
  private final Http http;
  private final ProviderMetadataSource metadata;
  private final LoginStarter starter;
  private final CallbackHandler callback;
  private final LogoutHandler logout;
  private final TokenRefresher refresher;
  private final ClientCredentialsTokenSource clientCredentials;
  private final @Nullable BearerAuthenticator bearer;
  private final AccessRules rules;
  private final SessionStore sessions;
  private final SessionLifetimes lifetimes;
  private final String redirectPath;
  private final String logoutPath;
  private final @Nullable String healthPath;
  private final @Nullable String backchannelLogoutPath;
  private final @Nullable BackChannelLogoutHandler backchannelLogout;
  private final @Nullable String frontchannelLogoutPath;
  private final LogoutRegistry logouts;
  private final @Nullable String clientJwksPath;
  private final @Nullable String clientJwks;
  private final @Nullable DpopProver dpop;
  private final @Nullable PreservedPost preservedPost;
  private final Urls urls;
  private final ProviderClock providerClock;

  /** Whether the clock line has been logged with a comparison (it is, once). */
  private final AtomicBoolean clockLogged = new AtomicBoolean();

  /** Whether the provider's metadata has loaded once (the provider and clock lines are out). */
  private volatile boolean providerLogged;

  /** The session cookie check: what the adapter told of the container's session cookie. */
  private volatile Diagnostics.Finding sessionCookie;

  /** The checks that depend on configuration only (Diagnostics), computed once. */
  private final List<Diagnostics.Finding> configFindings;

  private final PortcullisMetrics metrics;

  /**
   * With {@code providers} (README "More than one provider"): every provider's engine, this one
   * (the first provider's) first, which routes each request to one of them; else empty.
   */
  private final List<Portcullis> engines;

  /** With {@code providers}: the rules choosing the provider a login starts with. */
  private final List<ProviderRule> providerRules;

  /** {@code tenants}: the allowed tenants of a multi-tenant issuer. */
  private final Set<String> tenants;

  private Portcullis(PortcullisConfig config, Clock clock, @Nullable LogoutRegistry logouts) {
    this(config, clock, logouts, new PortcullisMetrics(), true);
  }

  /**
   * {@code routes}: whether this engine routes among {@code config}'s providers (the first
   * provider's engine), else it is one of them, or the only one.
   */
  private Portcullis(
      PortcullisConfig config,
      Clock clock,
      @Nullable LogoutRegistry logouts,
      PortcullisMetrics metrics,
      boolean routes) {
    this.config = config;
    this.metrics = metrics;
    this.clock = clock;
    this.logouts = logouts != null ? logouts : LogoutRegistry.inMemory(clock);
    // Bounded: when full, provider work is refused and answered as "provider unavailable".
    this.executor = ProviderThreads.create("portcullis");
    this.providerClock = new ProviderClock(clock);
    this.http = new Http(config.httpTimeout(), providerClock.listening(metrics.listener()));
    this.metadata =
        new ProviderMetadataSource(NimbusWiring.discovery(config, http), clock, executor);
    byte[] key = config.stateKey().orElseGet(() -> Randoms.bytes(32));
    StateCookieCodec codec = new StateCookieCodec(key, config.previousStateKey().orElse(null));
    this.sessions = new SessionStore(SessionKeys.of(config));
    this.lifetimes = new SessionLifetimes(config);
    this.urls = new Urls(config);
    JwksCache jwks = new JwksCache(clock, http, executor);
    NimbusIdTokenVerifier verifier =
        new NimbusIdTokenVerifier(
            config.clientId(), config.clientSecret().orElse(null), jwks, clock, config.tenants());
    NimbusTokenClient tokenClient = NimbusWiring.tokenClient(config, http, clock, metadata);
    this.dpop = tokenClient.dpop();
    this.starter = new LoginStarter(config, metadata, codec, urls, clock, metrics, tokenClient);
    UserInfo userInfo = new UserInfo(config, new NimbusUserInfoClient(http));
    this.preservedPost =
        config.preservePost()
            ? new PreservedPost(config.preservePostMaxBytes(), codec, urls, clock)
            : null;
    this.callback =
        new CallbackHandler(
            config,
            metadata,
            codec,
            starter,
            tokenClient,
            verifier,
            userInfo,
            clock,
            sessions,
            metrics,
            preservedPost);
    this.refresher =
        new TokenRefresher(
            config, metadata, tokenClient, verifier, userInfo, clock, executor, sessions, metrics);
    this.bearer =
        config.acceptsOwnClientBearerTokens()
            ? new BearerAuthenticator(config, metadata, verifier, clock, metrics)
            : null;
    Duration wait = config.httpTimeout();
    this.clientCredentials =
        new ClientCredentialsTokenSource(
            config,
            () -> metadata.currentOrAwait(wait).map(ProviderMetadata::tokenEndpoint),
            tokenClient,
            clock,
            executor,
            metrics);
    this.logout = new LogoutHandler(config, metadata, urls, sessions);
    this.rules = config.rules();
    this.redirectPath = config.redirectPath();
    this.logoutPath = config.logoutPath();
    this.healthPath = config.healthPath().orElse(null);
    this.backchannelLogoutPath = config.backchannelLogoutPath().orElse(null);
    this.frontchannelLogoutPath = config.frontchannelLogoutPath().orElse(null);
    this.backchannelLogout =
        backchannelLogoutPath == null
            ? null
            : new BackChannelLogoutHandler(metadata, verifier, this.logouts, clock);
    this.clientJwksPath = config.clientJwksPath().orElse(null);
    this.clientJwks = config.clientKey().map(ClientKey::publicJwkSet).orElse(null);
    List<Diagnostics.Finding> findings = new ArrayList<>();
    for (Diagnostics.Finding finding : Diagnostics.configFindings(config)) {
      // With several providers, each names its provider but the rules, which are global.
      findings.add(finding.code().equals(Diagnostics.RULES) ? finding : finding.of(config));
    }
    if (dpop != null) {
      findings.add(Diagnostics.dpop(config, dpop).of(config));
    }
    this.configFindings = List.copyOf(findings);
    this.sessionCookie = Diagnostics.sessionCookie(config.responseMode(), null, null);
    metadata.providerName(config.providerName().orElse(null));
    metadata.onFirstLoad(
        () -> {
          Diagnostics.provider(config, true, 0, Optional.empty(), Duration.ZERO).of(config).log();
          providerLogged = true;
          logClock(true);
        });
    // With explicit endpoints no discovery request is made: the clock is compared at the first
    // provider response with a Date (the JWK Set or the token endpoint), and logged then.
    providerClock.onFirstKnown(
        () -> {
          if (providerLogged) {
            logClock(false);
          }
        });
    this.providerRules = config.providerRules();
    this.tenants = config.tenants();
    if (routes && !config.providers().isEmpty()) {
      List<Portcullis> all = new ArrayList<>();
      all.add(this);
      for (PortcullisConfig provider : config.providers().values()) {
        if (provider != config) {
          all.add(new Portcullis(provider, clock, this.logouts, metrics, false));
        }
      }
      this.engines = List.copyOf(all);
    } else {
      this.engines = List.of();
    }
  }

  /**
   * Logs the clock line: once with a comparison; at the first metadata load ({@code atLoad}) also
   * when there is none yet, saying why and when it follows.
   */
  private void logClock(boolean atLoad) {
    Diagnostics.Finding finding = clockFinding(true);
    if (providerClock.offset().isPresent()) {
      if (clockLogged.compareAndSet(false, true)) {
        finding.log();
      }
    } else if (atLoad) {
      finding.log();
    }
  }

  private Diagnostics.Finding clockFinding(boolean loaded) {
    boolean discovered =
        config.authorizationEndpoint().isEmpty()
            || config.tokenEndpoint().isEmpty()
            || config.jwksUri().isEmpty();
    return Diagnostics.clock(providerClock.offset(), loaded, discovered).of(config);
  }

  /**
   * Adapter SPI: tells the diagnostics the {@code SameSite} attribute of the container's session
   * cookie (check {@code session-cookie}, README "Start-up diagnostics") and logs that check's
   * line. A session cookie marked {@code SameSite=Strict} is not sent on the redirect chain a login
   * ends with, which starts at the provider: every login loops.
   *
   * @param sameSite the attribute as the container will send it ({@code Strict}, {@code Lax},
   *     {@code None}), or null when the container sets none or cannot tell
   * @param source where it was read (e.g. {@code SessionCookieConfig}); when {@code sameSite} is
   *     null, why it is absent or unknown
   */
  public void sessionCookieSameSite(@Nullable String sameSite, String source) {
    Objects.requireNonNull(source, "source");
    Diagnostics.Finding finding =
        Diagnostics.sessionCookie(config.responseMode(), sameSite, source);
    sessionCookie = finding;
    finding.log();
  }

  /** Creates an engine on the system clock and starts loading the provider's metadata. */
  public static Portcullis create(PortcullisConfig config) {
    return create(config, Clock.systemUTC());
  }

  /**
   * Creates an engine that reads time from {@code clock} and starts loading the provider's metadata
   * in the background: start-up never waits for, nor fails on, the provider.
   */
  public static Portcullis create(PortcullisConfig config, Clock clock) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(clock, "clock");
    return start(new Portcullis(config, clock, null));
  }

  /**
   * Creates an engine as {@link #create(PortcullisConfig, Clock)} does, whose back-channel logouts
   * ({@code backchannel-logout-path}) are kept in {@code logouts}: a registry the nodes of a
   * cluster share ({@link LogoutRegistry#shared}).
   */
  public static Portcullis create(PortcullisConfig config, Clock clock, LogoutRegistry logouts) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(logouts, "logouts");
    return start(new Portcullis(config, clock, logouts));
  }

  private static Portcullis start(Portcullis engine) {
    // Start-up self-diagnostics: the provider and clock lines follow when the metadata loads
    // (or its failure is logged, with the retry).
    if (engine.engines.isEmpty()) {
      engine.urls.redirectUriFinding().log();
      for (Diagnostics.Finding finding : engine.configFindings) {
        finding.log();
      }
      engine.metadata.start();
      return engine;
    }
    // With several providers: each provider's lines, naming it, then the global ones once.
    for (Portcullis each : engine.engines) {
      each.urls.redirectUriFinding().log();
      for (Diagnostics.Finding finding : each.configFindings) {
        if (finding.provider() != null) {
          finding.log();
        }
      }
    }
    for (Diagnostics.Finding finding : engine.configFindings) {
      if (finding.provider() == null) {
        finding.log();
      }
    }
    for (Portcullis each : engine.engines) {
      each.metadata.start();
    }
    return engine;
  }

  /** The configuration this engine runs with. */
  public PortcullisConfig config() {
    return config;
  }

  /** How many access rules decide (the configured {@code rules}, else the default one). */
  public int ruleCount() {
    return rules.size();
  }

  /**
   * Client-credentials tokens (RFC 6749 §4.4) for the application's own calls, keyed by scope set,
   * sharing this engine's provider metadata and threads ({@code m2m-client-id} / {@code
   * m2m-client-secret}, else the login client).
   */
  public ClientCredentialsTokenSource clientCredentials() {
    return clientCredentials;
  }

  /**
   * Returns the headers that carry {@code identity}'s access token on one downstream request to
   * {@code uri} with {@code method}: {@code Authorization: Bearer <token>}, or, for a token bound
   * to this engine's DPoP key ({@link TokenSet#dpopBound()}), {@code Authorization: DPoP <token>}
   * and a fresh {@code DPoP} proof for that method and URL with the token's hash ({@code ath}) and
   * {@code nonce} when not null (the resource server's {@code DPoP-Nonce}, RFC 9449 §9). Make new
   * headers for each request: a proof is single-use.
   *
   * @throws IllegalArgumentException when {@code method} is not an HTTP method in upper case or
   *     {@code uri} not an absolute http(s) URL
   * @throws IllegalStateException when the token is DPoP-bound but this engine runs without {@code
   *     dpop}
   */
  public DownstreamHeaders downstreamHeaders(
      Identity identity, String method, URI uri, @Nullable String nonce) {
    Objects.requireNonNull(identity, "identity");
    return DownstreamHeaders.of(
        identity.accessToken(),
        identity.tokens().dpopBound(),
        dpop,
        method,
        uri,
        nonce,
        clock.instant());
  }

  /**
   * This engine's counters and provider-call timers, which the adapters publish (README "Metrics").
   */
  public PortcullisMetrics metrics() {
    return metrics;
  }

  /** Waits up to {@code timeout} for the provider's metadata; true when it is loaded. */
  public boolean awaitProvider(Duration timeout) {
    Optional<ProviderMetadata> md = metadata.await(timeout);
    boolean all = md.isPresent();
    for (Portcullis other : engines) {
      if (other != this) {
        all &= other.metadata.await(timeout).isPresent();
      }
    }
    return all;
  }

  /**
   * The self-diagnostics as they stand now: the provider's state (never waiting; a load is started
   * when the back-off allows one), the clock against the provider's, the issuer, the {@code
   * redirect_uri}, the response mode's cookie, the session cookie's {@code SameSite} and shadowed
   * rules (README "Start-up diagnostics"). With several providers, every provider's checks, each
   * naming it, then the global ones; {@link Diagnostics#providerUp()} only when every provider's
   * metadata is loaded (README "Health path").
   */
  public Diagnostics diagnostics() {
    if (engines.isEmpty()) {
      boolean loaded = metadata.current().isPresent();
      return new Diagnostics(loaded, findings(loaded, true));
    }
    // With several providers: UP only when every provider's metadata is loaded, since the users of
    // one whose is not cannot log in; each provider's checks name it, the global ones come last.
    Map<String, Boolean> states = new LinkedHashMap<>();
    List<Diagnostics.Finding> findings = new ArrayList<>();
    for (Portcullis each : engines) {
      boolean loaded = each.metadata.current().isPresent();
      states.put(each.config.providerName().orElse(""), loaded);
      findings.addAll(each.findings(loaded, false));
    }
    findings.add(sessionCookie);
    for (Diagnostics.Finding finding : configFindings) {
      if (finding.provider() == null) {
        findings.add(finding);
      }
    }
    return new Diagnostics(states, findings);
  }

  /**
   * This engine's findings in order; {@code global}: with the session-cookie and rules checks, else
   * only the provider's own.
   */
  private List<Diagnostics.Finding> findings(boolean loaded, boolean global) {
    List<Diagnostics.Finding> findings = new ArrayList<>();
    findings.add(
        Diagnostics.provider(
                config, loaded, metadata.failures(), metadata.lastFailure(), metadata.retryAfter())
            .of(config));
    findings.add(clockFinding(loaded));
    for (Diagnostics.Finding finding : configFindings) {
      if (finding.code().equals(Diagnostics.ISSUER)) {
        findings.add(finding);
        findings.add(urls.redirectUriFinding());
      } else if (finding.code().equals(Diagnostics.RESPONSE_MODE)) {
        findings.add(urls.responseModeFinding());
        if (global) {
          findings.add(sessionCookie);
        }
      } else if (global || finding.provider() != null) {
        findings.add(finding);
      }
    }
    return findings;
  }

  /** Decides what happens to one request. */
  public Outcome handle(HttpExchange exchange) {
    return metrics.answered(decide(exchange, null));
  }

  /**
   * Decides a request for container-managed security (the servlet adapter's Jakarta Authentication
   * module): the container's own security constraints say whether the request needs a login, the
   * rules are not consulted. Everything else is {@link #handle}'s: the path guard, the callback and
   * logout endpoints, bearer tokens, refresh, the login start or {@code 401} when a login is
   * needed, and the login found in the session when it is not.
   *
   * @param exchange the request
   * @param mandatory whether the container requires an authenticated user for it (a protected
   *     resource, or {@code HttpServletRequest.authenticate})
   * @return {@link Outcome.Proceed} with the identity (null: nobody logged in, and none needed), or
   *     the answer to send
   */
  public Outcome authenticate(HttpExchange exchange, boolean mandatory) {
    return metrics.answered(decide(exchange, mandatory ? Access.authenticated() : Access.permit()));
  }

  /**
   * Ends the login of {@code exchange}'s session here (not at the provider): {@code
   * HttpServletRequest.logout()} under container-managed security. The session itself stays.
   */
  public void endLogin(HttpExchange exchange) {
    SessionStore.clear(Objects.requireNonNull(exchange, "exchange"));
  }

  /** {@link #handle} with {@code fixed} access, or the rules' decision when it is null. */
  private Outcome decide(HttpExchange exchange, @Nullable Access fixed) {
    Objects.requireNonNull(exchange, "exchange");
    RequestPath path = requestPath(exchange);
    if (path == null) {
      return new Outcome.Rejected(Reason.PATH_INVALID, null, RequestKind.isApiByHeaders(exchange));
    }
    if (!engines.isEmpty()) {
      Portcullis owner = route(exchange, path.value());
      if (owner == null) {
        return decide(exchange, fixed, path, true);
      }
      if (owner != this) {
        return owner.decide(exchange, fixed, path, false);
      }
    }
    return decide(exchange, fixed, path, false);
  }

  /**
   * {@link #decide(HttpExchange, Access)} for this engine's provider, on the checked path; {@code
   * choose}: a browser that needs a login gets the selection page instead of this provider's login.
   */
  private Outcome decide(
      HttpExchange exchange, @Nullable Access fixed, RequestPath path, boolean choose) {
    String value = path.value();
    if (isEndpoint(value, redirectPath)) {
      return callback.handle(exchange, RequestKind.isApiByHeaders(exchange));
    }
    if (isEndpoint(value, logoutPath)) {
      return logout.handle(exchange, RequestKind.isApiByHeaders(exchange));
    }
    if (healthPath != null && isEndpoint(value, healthPath)) {
      // Answered before the rules and any login: the provider's state and the checks' codes.
      String method = exchange.method();
      return method.equals("GET") || method.equals("HEAD")
          ? new Outcome.Health(diagnostics())
          : new Outcome.Rejected(Reason.HEALTH_METHOD, null, true);
    }
    if (backchannelLogoutPath != null
        && backchannelLogout != null
        && isEndpoint(value, backchannelLogoutPath)) {
      return backchannelLogout.handle(exchange);
    }
    if (frontchannelLogoutPath != null && isEndpoint(value, frontchannelLogoutPath)) {
      return frontchannelLogout(exchange);
    }
    if (clientJwksPath != null
        && clientJwks != null
        && isEndpoint(value, clientJwksPath)
        && (exchange.method().equals("GET") || exchange.method().equals("HEAD"))) {
      // The client's public keys, for a provider that reads them from a JWKS URL: no login.
      return new Outcome.ClientJwks(clientJwks);
    }
    // Whether the request is an API request matters only for an answer other than Proceed, so
    // its header lookups are made only then (RequestKind.isApi), never on the authenticated path.
    Access access = fixed != null ? fixed : rules.decide(exchange.method(), path);
    if (bearer != null && access.kind() != Access.Kind.DENY) {
      String token = BearerAuthenticator.bearerToken(exchange);
      if (token != null) {
        return decideBearer(bearer, token, access, path);
      }
    }
    if (config.bearerOnly()) {
      return bearerOnly(access, path);
    }
    LoginSession session = sessions.get(exchange);
    if (session != null && !isOwn(session)) {
      session = null; // another provider's login: never refreshed, ended or trusted here
    }
    if (session != null && isLoggedOut(session)) {
      exchange.invalidateSession(); // THREATS E-08: the provider ended it; no session id reused
      session = null;
    }
    Reason ended = null;
    if (session != null && lifetimes.enabled()) {
      long now = clock.millis();
      ended = lifetimes.ended(session, now);
      if (ended != null) {
        // A clean logout, as the logout endpoint's (no provider call): the record and its tokens
        // go with the session, and the next login gets a new one.
        exchange.invalidateSession();
        metrics.rejected(ended);
        SessionLifetimes.logEnded(ended);
        session = null;
      } else {
        LoginSession touched = lifetimes.touched(session, now);
        if (touched != null) {
          sessions.put(exchange, touched);
          session = touched;
        }
      }
    }
    if (session != null
        && access.kind() != Access.Kind.DENY
        && refresher.isDue(session, clock.millis())) {
      boolean expired = session.identity().tokens().isExpired(clock.instant());
      if (session.refreshToken() == null) {
        // No refresh token (no offline_access): once expired, a browser goes through the
        // authorization endpoint again (it returns at once while the provider session lives).
        if (expired) {
          SessionStore.clear(exchange);
          session = null;
        }
      } else {
        TokenRefresher.Result result = refresher.refresh(exchange, session);
        if (result instanceof TokenRefresher.Result.Refreshed r) {
          session = r.session();
        } else if (result instanceof TokenRefresher.Result.Ended) {
          SessionStore.clear(exchange); // THREATS F-04, E-08: the tokens are gone for good
          session = null;
        } else if (expired) {
          if (access.needsLogin()) {
            return new Outcome.Unavailable(
                ((TokenRefresher.Result.Unavailable) result).retryAfter(),
                RequestKind.isApi(exchange));
          }
          session = null;
        }
      }
    }
    switch (access.kind()) {
      case PERMIT:
        return session == null
            ? Outcome.Proceed.ANONYMOUS
            : new Outcome.Proceed(session.identity());
      case DENY:
        LOG.log(Level.INFO, () -> "oidc.authz.denied path=" + value + " required=deny");
        return new Outcome.Forbidden(Set.of(), RequestKind.isApi(exchange));
      default:
        break;
    }
    if (session == null) {
      String target = Urls.targetOf(path, exchange.rawQuery());
      if (preservedPost != null && preservedPost.applies(exchange)) {
        return startKeepingForm(preservedPost, exchange, target);
      }
      if (RequestKind.isApi(exchange)) {
        return new Outcome.Challenge(
            exchange.contextPath() + redirectPath + "?return_to=" + Urls.encode(target), ended);
      }
      return choose
          ? selectionPage(exchange, target)
          : starter.start(exchange, target, config.scopes());
    }
    if (access.kind() == Access.Kind.SCOPES) {
      Set<String> granted = session.identity().scopes();
      if (!granted.containsAll(access.scopes())) {
        return missingScopes(exchange, session, path, access.scopes(), RequestKind.isApi(exchange));
      }
    }
    return new Outcome.Proceed(session.identity());
  }

  /**
   * {@code preserve-post}: a browser's same-origin form that needs a login is read and, once the
   * login has started, kept for it; a form that cannot be kept is refused (with a link that starts
   * the login without it) rather than lost silently.
   */
  private Outcome startKeepingForm(PreservedPost preserved, HttpExchange exchange, String target) {
    PreservedPost.Kept kept = preserved.read(exchange, target);
    PreservedPost.Form form = kept.form();
    if (form == null) {
      Reason reason = Objects.requireNonNull(kept.refused(), "refused");
      LOG.log(reason.level(), "oidc.login.rejected reason=" + reason.code() + " tx=-");
      return new Outcome.Rejected(
          reason,
          exchange.contextPath() + redirectPath + "?return_to=" + Urls.encode(target),
          false);
    }
    return starter.start(exchange, target, config.scopes(), "", preserved.keeper(exchange, form));
  }

  /**
   * The path the rules decide on, or null (logged) when the request must be refused with 400: the
   * raw path must normalise, its context part must be the canonical one, and it must name the path
   * the container dispatches to — the rules never decide on one path while the application serves
   * another (SPEC.md "Security baseline").
   */
  private @Nullable RequestPath requestPath(HttpExchange exchange) {
    String raw = exchange.rawPath();
    if (raw == null) {
      logRejected(Reason.PATH_CONTEXT);
      return null;
    }
    RequestPath path = RequestPath.parseOrNull(raw);
    if (path == null) {
      logRejected(Reason.PATH_INVALID);
      return null;
    }
    String dispatched = exchange.dispatchedPath();
    // The usual case compares two strings and allocates nothing.
    if (dispatched != null
        && !dispatched.equals(path.value())
        && !path.equals(RequestPath.fromDecodedOrNull(dispatched))) {
      logRejected(Reason.PATH_AMBIGUOUS);
      return null;
    }
    return path;
  }

  private void logRejected(Reason reason) {
    metrics.rejected(reason);
    LOG.log(reason.level(), "http.request.rejected reason=" + reason.code());
  }

  /**
   * Decides a dispatch inside the application that is not a client's request: a forward, an
   * include, an error page or an async dispatch. The rules decide on the path dispatched to (from
   * {@link HttpExchange#dispatchedPath()}) with the identity the initial request established; no
   * login is started, no token refreshed, no endpoint answered: what the user may not see is {@code
   * 403}.
   *
   * @param exchange the dispatched request
   * @param identity the identity the initial request proceeded with, or null when the dispatched
   *     request does not carry it (an async dispatch of the unwrapped request): then the request's
   *     bearer token or the session's login, as they are now, without refresh
   * @return {@link Outcome.Proceed} or {@link Outcome.Forbidden}
   */
  public Outcome handleDispatch(HttpExchange exchange, @Nullable Identity identity) {
    return metrics.answered(decideDispatch(exchange, identity));
  }

  private Outcome decideDispatch(HttpExchange exchange, @Nullable Identity identity) {
    Objects.requireNonNull(exchange, "exchange");
    if (identity == null && !engines.isEmpty()) {
      Portcullis owner = ownerOf(exchange);
      if (owner != null && owner != this) {
        return owner.decideDispatch(exchange, null);
      }
    }
    if (identity == null) {
      identity = currentIdentity(exchange);
    }
    String dispatched = exchange.dispatchedPath();
    RequestPath path = dispatched == null ? null : RequestPath.fromDecodedOrNull(dispatched);
    if (path == null) {
      LOG.log(Level.INFO, "oidc.authz.denied path=(not normalisable) dispatch=true");
      return new Outcome.Forbidden(Set.of(), RequestKind.isApi(exchange));
    }
    Access access = rules.decide(exchange.method(), path);
    switch (access.kind()) {
      case PERMIT:
        return identity == null ? Outcome.Proceed.ANONYMOUS : new Outcome.Proceed(identity);
      case DENY:
        LOG.log(
            Level.INFO,
            () -> "oidc.authz.denied path=" + path.value() + " required=deny dispatch=true");
        return new Outcome.Forbidden(Set.of(), RequestKind.isApi(exchange));
      default:
        break;
    }
    if (identity == null) {
      LOG.log(
          Level.INFO,
          () ->
              "oidc.authz.denied path=" + path.value() + " required=authentication dispatch=true");
      return new Outcome.Forbidden(Set.of(), RequestKind.isApi(exchange));
    }
    Set<String> missing = lacking(identity, access);
    return missing.isEmpty()
        ? new Outcome.Proceed(identity)
        : forbidden(path, missing, RequestKind.isApi(exchange));
  }

  /** The identity of a bearer token or of the session's login with an unexpired token, or null. */
  private @Nullable Identity currentIdentity(HttpExchange exchange) {
    if (bearer != null) {
      String token = BearerAuthenticator.bearerToken(exchange);
      if (token != null) {
        return bearer.authenticate(token) instanceof BearerAuthenticator.Result.Valid valid
            ? valid.identity()
            : null;
      }
    }
    LoginSession session = sessions.get(exchange);
    return session == null
            || !isOwn(session)
            || session.identity().tokens().isExpired(clock.instant())
            || isLoggedOut(session)
            || (lifetimes.enabled() && lifetimes.ended(session, clock.millis()) != null)
        ? null
        : session.identity();
  }

  /**
   * OpenID Connect Front-Channel Logout 1.0 §2, §3: the provider's page frames this path with its
   * {@code iss} and the provider session's {@code sid}; the login of this browser's session ends
   * only when both are exactly its own (THREATS G-14: another issuer, another user's {@code sid} or
   * none end nothing). Answered {@code 200} either way, so the request tells nothing.
   */
  private Outcome frontchannelLogout(HttpExchange exchange) {
    String method = exchange.method();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      return new Outcome.Rejected(Reason.METHOD, null, true);
    }
    List<String> iss = exchange.parameterValues("iss");
    List<String> sid = exchange.parameterValues("sid");
    LoginSession login = sessions.get(exchange);
    boolean match =
        login != null
            && isOwn(login)
            && iss.size() == 1
            && sid.size() == 1
            && login.sessionId() != null
            && iss.get(0).equals(login.identity().issuer())
            && Randoms.constantTimeEquals(sid.get(0), login.sessionId());
    if (match) {
      exchange.invalidateSession();
    }
    LOG.log(Level.INFO, match ? "oidc.frontchannel.logout" : "oidc.frontchannel.ignored");
    return new Outcome.FrontChannelLogout(match);
  }

  /**
   * Whether the provider logged {@code login} out by back-channel logout (on any node): only with
   * {@code backchannel-logout-path} set; one lookup in memory, no allocation when nothing matches.
   */
  private boolean isLoggedOut(LoginSession login) {
    if (backchannelLogout == null) {
      return false;
    }
    Identity identity = login.identity();
    if (!logouts.isRevoked(
        identity.issuer(), login.sessionId(), identity.subject(), login.issuedAtMillis())) {
      return false;
    }
    LOG.log(Level.INFO, "oidc.session.logged_out: the provider ended this login (back-channel)");
    return true;
  }

  /**
   * {@code bearer-only} (keycloak.json {@code bearer-only}): a request without a bearer token is
   * never sent to log in and never reads a session; where a login is needed it gets {@code 401}.
   */
  private Outcome bearerOnly(Access access, RequestPath path) {
    switch (access.kind()) {
      case PERMIT:
        return Outcome.Proceed.ANONYMOUS;
      case DENY:
        LOG.log(Level.INFO, () -> "oidc.authz.denied path=" + path.value() + " required=deny");
        return new Outcome.Forbidden(Set.of(), true);
      default:
        return new Outcome.Challenge(null);
    }
  }

  /** A request authenticated by its own bearer token: no session, no login, no step-up. */
  private Outcome decideBearer(
      BearerAuthenticator authenticator, String token, Access access, RequestPath path) {
    BearerAuthenticator.Result result = authenticator.authenticate(token);
    if (!(result instanceof BearerAuthenticator.Result.Valid)
        && access.kind() == Access.Kind.PERMIT) {
      return Outcome.Proceed.ANONYMOUS;
    }
    if (result instanceof BearerAuthenticator.Result.Unavailable) {
      return new Outcome.Unavailable(metadata.retryAfter(), true);
    }
    if (result instanceof BearerAuthenticator.Result.Invalid) {
      return new Outcome.InvalidToken();
    }
    Identity identity = ((BearerAuthenticator.Result.Valid) result).identity();
    Set<String> missing = lacking(identity, access);
    return missing.isEmpty() ? new Outcome.Proceed(identity) : forbidden(path, missing, true);
  }

  /**
   * SPEC.md "Step-up for scopes": a browser is sent to the provider once per scope set, asking for
   * what it has plus what the rule needs; an API request, or a set already asked for, gets 403.
   */
  private Outcome missingScopes(
      HttpExchange exchange,
      LoginSession session,
      RequestPath path,
      Set<String> required,
      boolean api) {
    Set<String> missing = new TreeSet<>(required);
    missing.removeAll(session.identity().scopes());
    if (api || !config.scopeStepUp()) {
      return forbidden(path, missing, api);
    }
    List<String> wanted = Scopes.union(config.scopes(), session.identity().scopes());
    wanted = Scopes.union(wanted, new TreeSet<>(required));
    String key = String.join(" ", new TreeSet<>(wanted));
    if (session.stepUpAsked().contains(key)) {
      return forbidden(path, missing, false);
    }
    Outcome outcome =
        starter.start(
            exchange, Urls.targetOf(path, exchange.rawQuery()), new ArrayList<>(wanted), key);
    if (outcome instanceof Outcome.Redirect) {
      sessions.put(exchange, session.withStepUpAsked(key));
    }
    return outcome;
  }

  /**
   * The scopes {@code access} needs that {@code identity} lacks; empty (no allocation) when none.
   */
  private static Set<String> lacking(Identity identity, Access access) {
    if (access.kind() != Access.Kind.SCOPES || identity.scopes().containsAll(access.scopes())) {
      return Set.of();
    }
    Set<String> missing = new TreeSet<>(access.scopes());
    missing.removeAll(identity.scopes());
    return missing;
  }

  private static Outcome forbidden(RequestPath path, Set<String> missing, boolean api) {
    LOG.log(
        Level.INFO,
        () -> "oidc.authz.denied path=" + path.value() + " required=" + String.join(" ", missing));
    return new Outcome.Forbidden(missing, api);
  }

  private static boolean isEndpoint(String path, String endpoint) {
    return path.equals(endpoint)
        || (path.length() == endpoint.length() + 1
            && path.endsWith("/")
            && path.startsWith(endpoint));
  }

  // ---- more than one provider ----------------------------------------------------------------

  /**
   * The engine of the provider that decides {@code exchange} (README "More than one provider"):
   * this one for the health path, which reports on every provider; the provider whose callback or
   * back-channel logout path it is; else the provider that issued the request's bearer token or the
   * session's login (by its issuer, exactly); else the provider the first matching {@code
   * provider-rules} rule names; else null: the user chooses.
   */
  private @Nullable Portcullis route(HttpExchange exchange, String path) {
    if (healthPath != null && isEndpoint(path, healthPath)) {
      return this; // whatever the login or rules: this engine reports on every provider
    }
    for (Portcullis engine : engines) {
      if (isEndpoint(path, engine.redirectPath)
          || (engine.backchannelLogoutPath != null
              && isEndpoint(path, engine.backchannelLogoutPath))) {
        return engine;
      }
    }
    Portcullis owner = ownerOf(exchange);
    if (owner != null) {
      return owner;
    }
    String host = null;
    for (ProviderRule rule : providerRules) {
      if (rule.host() != null && host == null) {
        host = urls.applicationUrl(exchange).map(u -> java.net.URI.create(u).getHost()).orElse("");
      }
      if (rule.matches(host, path)) {
        for (Portcullis engine : engines) {
          if (engine.config.providerName().orElse("").equals(rule.provider())) {
            return engine;
          }
        }
      }
    }
    return null;
  }

  /**
   * The selection page (README "More than one provider"): a link per provider, by its display name,
   * to its callback path with {@code return_to}, which starts that provider's login and returns to
   * {@code target}. No script, no form: following a link only starts a login bound to this browser.
   */
  private Outcome selectionPage(HttpExchange exchange, String target) {
    StringBuilder body = new StringBuilder("<p>Sign in with:</p><ul>");
    for (Portcullis engine : engines) {
      String href =
          exchange.contextPath() + engine.redirectPath + "?return_to=" + Urls.encode(target);
      body.append("<li><a href=\"")
          .append(Responses.escape(href))
          .append("\">")
          .append(Responses.escape(engine.config.displayName()))
          .append("</a></li>");
    }
    return new Outcome.Page(200, "Sign in", body.append("</ul>").toString());
  }

  /**
   * The engine of the provider that issued the request's bearer token (by its unverified {@code
   * iss}: that engine then verifies it with its own keys and issuer; a token of no provider goes to
   * the first, which refuses it), or the session's login; null when there is neither, or the
   * login's issuer is none of the providers'.
   */
  private @Nullable Portcullis ownerOf(HttpExchange exchange) {
    if (config.acceptsOwnClientBearerTokens()) {
      String token = BearerAuthenticator.bearerToken(exchange);
      if (token != null) {
        Portcullis owner = byIssuer(unverifiedIssuer(token));
        return owner != null ? owner : this;
      }
    }
    for (Portcullis engine : engines) {
      LoginSession login = engine.sessions.peek(exchange);
      if (login != null) {
        return byIssuer(login.identity().issuer());
      }
    }
    return null;
  }

  private @Nullable Portcullis byIssuer(@Nullable String issuer) {
    if (issuer == null) {
      return null;
    }
    for (Portcullis engine : engines) {
      if (engine.isIssuer(issuer)) {
        return engine;
      }
    }
    return null;
  }

  /** This provider's issuer: as its metadata says once loaded, else as configured. */
  private @Nullable String issuer() {
    Optional<ProviderMetadata> md = metadata.current();
    if (md.isPresent()) {
      return md.get().issuer();
    }
    return config.issuer().map(java.net.URI::toString).orElse(null);
  }

  /**
   * Whether {@code login} is of this engine's provider: always with one provider; with several,
   * when its issuer is this provider's.
   */
  private boolean isOwn(LoginSession login) {
    return config.providerName().isEmpty() || isIssuer(login.identity().issuer());
  }

  /** Whether {@code iss} is this provider's issuer, or one of its allowed tenants' issuers. */
  private boolean isIssuer(String iss) {
    String own = issuer();
    return own != null && TenantIssuer.matches(own, iss, tenants);
  }

  /** The {@code iss} claim of a JWT, read without any check: only to choose a provider. */
  private static @Nullable String unverifiedIssuer(String token) {
    int first = token.indexOf('.');
    int second = first < 0 ? -1 : token.indexOf('.', first + 1);
    if (second < 0 || second - first > 16_384) {
      return null;
    }
    try {
      byte[] payload = java.util.Base64.getUrlDecoder().decode(token.substring(first + 1, second));
      Object claims = Json.parse(new String(payload, java.nio.charset.StandardCharsets.UTF_8));
      return claims instanceof java.util.Map<?, ?> m && m.get("iss") instanceof String iss
          ? iss
          : null;
    } catch (IllegalArgumentException | Json.SyntaxException e) {
      return null;
    }
  }

  /** Stops the background threads. */
  @Override
  public void close() {
    for (Portcullis other : engines) {
      if (other != this) {
        other.close();
      }
    }
    clientCredentials.close();
    executor.shutdownNow();
    http.close();
    try {
      // Containers warn about threads a web application leaves running on undeploy.
      executor.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
