package io.portcullis.core;

import io.portcullis.core.internal.nimbus.DpopProver;
import io.portcullis.core.internal.nimbus.NimbusIdTokenVerifier;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Portcullis's self-diagnostics: one finding per thing an operator gets wrong most often, each
 * logged once at start-up ({@code INFO} when fine, {@code WARNING} when not) and shown by the
 * health output ({@code health-path}, the Spring starter's health indicator). A snapshot, from
 * {@link Portcullis#diagnostics()}; immutable.
 *
 * <p>Every message is one line for an operator that names the key to change; none holds a token, a
 * code or a secret (it may name the issuer, the {@code redirect_uri} and rules, which are
 * configuration, not secrets).
 */
public final class Diagnostics {
  private static final System.Logger LOG = System.getLogger("io.portcullis");

  /** {@value}: whether the provider's metadata is loaded, or why not and when it is retried. */
  public static final String PROVIDER = "provider";

  /** {@value}: the {@code redirect_uri} sent to the provider, and what it is built from. */
  public static final String REDIRECT_URI = "redirect-uri";

  /** {@value}: the local clock against the provider's {@code Date} header. */
  public static final String CLOCK = "clock";

  /** {@value}: whether the issuer is reached over HTTPS. */
  public static final String ISSUER = "issuer";

  /** {@value}: whether the pre-login cookie survives the way the callback arrives. */
  public static final String RESPONSE_MODE = "response-mode";

  /** {@value}: whether the session cookie's {@code SameSite} lets the login's redirects see it. */
  public static final String SESSION_COOKIE = "session-cookie";

  /** {@value}: with {@code dpop=true}, which DPoP key tokens are bound to. */
  public static final String DPOP = "dpop";

  /** {@value}: rules that can never match, shadowed by an earlier rule. */
  public static final String RULES = "rules";

  /**
   * One check's result.
   *
   * @param code the stable name of the check (a constant of {@link Diagnostics})
   * @param level {@link Level#INFO} when fine, {@link Level#WARNING} when not
   * @param message one line for an operator, naming the key to change; never a secret
   * @param provider with several providers ({@code providers}), the name of the provider a
   *     per-provider check is about; null for a global check ({@code rules}, {@code
   *     session-cookie}) and with one provider
   */
  public record Finding(String code, Level level, String message, @Nullable String provider) {
    /** Validates. */
    public Finding {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(level, "level");
      Objects.requireNonNull(message, "message");
    }

    /** A finding of no particular provider. */
    public Finding(String code, Level level, String message) {
      this(code, level, message, null);
    }

    /** This finding, naming {@code config}'s provider when it is one of several. */
    Finding of(PortcullisConfig config) {
      Optional<String> name = config.providerName();
      return name.isEmpty() ? this : new Finding(code, level, message, name.get());
    }

    /** Whether this finding is a warning. */
    public boolean isWarning() {
      return level.getSeverity() >= Level.WARNING.getSeverity();
    }

    /** Logs {@code portcullis.check CODE: message}, or {@code CODE [PROVIDER]} with a provider. */
    void log() {
      LOG.log(
          level,
          "portcullis.check "
              + code
              + (provider == null ? "" : " [" + provider + "]")
              + ": "
              + message);
    }
  }

  private final boolean providerUp;
  private final Map<String, Boolean> providers;
  private final List<Finding> findings;

  Diagnostics(boolean providerUp, List<Finding> findings) {
    this.providerUp = providerUp;
    this.providers = Map.of();
    this.findings = List.copyOf(findings);
  }

  /** With several providers: {@code providers} maps each name, in order, to its metadata state. */
  Diagnostics(Map<String, Boolean> providers, List<Finding> findings) {
    this.providerUp = !providers.containsValue(false);
    this.providers = Collections.unmodifiableMap(new LinkedHashMap<>(providers));
    this.findings = List.copyOf(findings);
  }

  /**
   * Whether the provider's metadata is loaded: logins can start (health {@code UP}); with several
   * providers, whether every provider's is (the users of one whose is not cannot log in).
   */
  public boolean providerUp() {
    return providerUp;
  }

  /**
   * With several providers ({@code providers}): each provider's name, in that order, and whether
   * its metadata is loaded; empty with one provider.
   */
  public Map<String, Boolean> providers() {
    return providers;
  }

  /**
   * Every finding, in a fixed order of checks: provider, clock, issuer, redirect-uri,
   * response-mode, session-cookie, rules, dpop. With several providers, each provider's checks
   * (provider, clock, issuer, redirect-uri, response-mode, dpop; {@link Finding#provider()} names
   * it) in {@code providers} order, then the global ones: session-cookie, rules.
   */
  public List<Finding> findings() {
    return findings;
  }

  /** The findings of one check ({@link #RULES} may have several). */
  public List<Finding> findings(String code) {
    return findings.stream().filter(f -> f.code().equals(code)).toList();
  }

  /** Whether any finding is a warning. */
  public boolean hasWarnings() {
    return findings.stream().anyMatch(Finding::isWarning);
  }

  @Override
  public String toString() {
    return "Diagnostics{providerUp="
        + providerUp
        + (providers.isEmpty() ? "" : ", providers=" + providers)
        + ", findings="
        + findings
        + "}";
  }

  // ---- the checks -----------------------------------------------------------------------------

  /** The checks that depend on configuration only, in order; computed once per engine. */
  static List<Finding> configFindings(PortcullisConfig config) {
    List<Finding> out = new ArrayList<>();
    out.add(issuer(config));
    out.add(responseMode(config));
    if (config.containerAuth()) {
      out.add(
          new Finding(
              RULES,
              Level.INFO,
              "not used: container-auth=true, the container's security constraints decide"));
    } else {
      out.addAll(rules(config.rules()));
    }
    return out;
  }

  /**
   * The provider check. {@code loaded}: the metadata is there; else {@code failures} attempts
   * failed, the last with {@code lastFailure} (a message without secrets), the next after {@code
   * retryAfter}.
   */
  /**
   * Which key DPoP proofs are signed with, by its RFC 7638 thumbprint: {@code dpop-key-file}'s
   * (INFO), or one generated at this start, which says what that means for a cluster and restarts:
   * INFO, but WARNING when {@code state-key} is set, the sign of several nodes serving one app.
   */
  static Finding dpop(PortcullisConfig config, DpopProver prover) {
    String key = "jkt " + prover.thumbprint() + ", " + prover.algorithm();
    if (config.dpopKeyFile().isPresent()) {
      return new Finding(
          DPOP, Level.INFO, "tokens are bound to the key of dpop-key-file (" + key + ")");
    }
    String message =
        "tokens are bound to a key generated at this start ("
            + key
            + "): another node or the next start proves with another key, so the access tokens of"
            + " the sessions it reads do not work downstream there until they are refreshed (a"
            + " public client's refresh fails: the login ends); set dpop-key-file when several"
            + " nodes serve one app";
    return new Finding(DPOP, config.stateKey().isPresent() ? Level.WARNING : Level.INFO, message);
  }

  static Finding provider(
      PortcullisConfig config,
      boolean loaded,
      int failures,
      Optional<String> lastFailure,
      Duration retryAfter) {
    String where = providerName(config);
    if (loaded) {
      return new Finding(PROVIDER, Level.INFO, "metadata loaded from " + where);
    }
    if (failures == 0) {
      return new Finding(
          PROVIDER,
          Level.WARNING,
          "metadata from " + where + " not loaded yet (first attempt in progress)");
    }
    return new Finding(
        PROVIDER,
        Level.WARNING,
        "metadata from "
            + where
            + " not loaded after "
            + failures
            + (failures == 1 ? " attempt" : " attempts")
            + ", retrying in "
            + Math.max(1, retryAfter.toSeconds())
            + " s (protected paths answer 503 meanwhile); last failure: "
            + lastFailure.orElse("unknown")
            + "; check issuer (or the explicit endpoints) and the network");
  }

  /**
   * The clock check: {@code offset} is the provider's {@code Date} minus the local clock at its
   * last response that had one (discovery, JWK Set or token endpoint); empty when none had yet
   * ({@code discovered} false: no discovery request is made, explicit endpoints, so the first
   * comparison waits for the first JWK Set or token call).
   */
  static Finding clock(Optional<Duration> offset, boolean loaded, boolean discovered) {
    Duration allowance = NimbusIdTokenVerifier.CLOCK_SKEW;
    if (offset.isEmpty()) {
      String why =
          !loaded
              ? "the provider's metadata is not loaded yet"
              : !discovered
                  ? "no discovery request is made (authorization-endpoint, token-endpoint and"
                      + " jwks-uri are explicit); compared at the first response from the"
                      + " provider's JWK Set or token endpoint (the first login), and logged then"
                  : "the provider's responses so far had no Date header";
      return new Finding(CLOCK, Level.INFO, "not compared with the provider's clock yet: " + why);
    }
    long seconds = offset.get().toSeconds();
    String relation =
        seconds == 0
            ? "agrees with"
            : Math.abs(seconds) + " s " + (seconds > 0 ? "behind" : "ahead of");
    if (offset.get().abs().compareTo(allowance) > 0) {
      return new Finding(
          CLOCK,
          Level.WARNING,
          "the local clock is "
              + relation
              + " the provider's (its Date header), beyond the "
              + allowance.toSeconds()
              + " s that token checks allow: ID tokens will be refused as expired or not yet"
              + " valid; synchronise this host's clock (NTP)");
    }
    return new Finding(
        CLOCK,
        Level.INFO,
        "the local clock "
            + (seconds == 0 ? "agrees with" : "is " + relation)
            + " the provider's (its Date header), within the "
            + allowance.toSeconds()
            + " s that token checks allow");
  }

  /**
   * The {@code redirect_uri} check at start-up: exact with {@code base-url}; else built per request
   * from the Host header, a warning when the provider is not on a loopback host (a real
   * deployment), or once a request named a host that is not loopback ({@code seen}: that host and
   * the {@code redirect_uri} it gave).
   */
  static Finding redirectUri(PortcullisConfig config, Optional<String> seen) {
    Optional<URI> base = config.baseUrl();
    if (base.isPresent()) {
      String b = base.get().toString();
      return new Finding(
          REDIRECT_URI,
          Level.INFO,
          "redirect_uri is "
              + (b.endsWith("/") ? b.substring(0, b.length() - 1) : b)
              + config.redirectPath()
              + " (base-url + redirect-path); register exactly this at the provider");
    }
    if (seen.isPresent()) {
      return new Finding(REDIRECT_URI, Level.WARNING, hostDecides(config, seen.get()));
    }
    Optional<URI> provider = config.authorizationEndpoint().or(config::issuer);
    if (provider.isPresent() && !IpRange.isLoopback(provider.get().getHost())) {
      return new Finding(
          REDIRECT_URI,
          Level.WARNING,
          hostDecides(
              config, "the provider " + provider.get().getHost() + " is not on a loopback host"));
    }
    return new Finding(
        REDIRECT_URI,
        Level.INFO,
        hostDecides(config, "the provider is on a loopback host: a development set-up")
            + "; a warning follows at the first request naming a host that is not loopback");
  }

  /** Says that, without {@code base-url}, the Host header decides; {@code why} names the case. */
  private static String hostDecides(PortcullisConfig config, String why) {
    return "base-url is not set ("
        + why
        + "), so the redirect_uri sent to the provider and the post-logout redirect are built"
        + " from each request's Host header (or Forwarded / X-Forwarded-Host from"
        + " trusted-proxies) + the context path + redirect-path ("
        + config.redirectPath()
        + "); set base-url to the application's public URL, and trusted-proxies behind a proxy";
  }

  /**
   * The issuer check. Plain {@code http} outside loopback hosts never gets here: the configuration
   * refuses it ({@code issuer}, {@code *-endpoint}), and discovery refuses discovered endpoints
   * that are not HTTPS (the provider check then says so).
   */
  static Finding issuer(PortcullisConfig config) {
    Optional<URI> issuer = config.issuer();
    if (issuer.isEmpty()) {
      return new Finding(ISSUER, Level.INFO, "no issuer: explicit endpoints");
    }
    URI uri = issuer.get();
    if ("http".equalsIgnoreCase(uri.getScheme())) {
      return new Finding(
          ISSUER,
          Level.INFO,
          "issuer "
              + uri
              + " uses plain http, allowed only because "
              + uri.getHost()
              + " is a loopback host (development); a provider elsewhere must use https");
    }
    return new Finding(ISSUER, Level.INFO, "issuer " + uri + " is reached over https");
  }

  /**
   * The response-mode check. With {@code form_post} the callback arrives as a cross-site POST,
   * which carries only the {@code SameSite=None; Secure} pre-login cookie Portcullis sets for it;
   * browsers never send a {@code Secure} cookie to a plain-http address other than a loopback host.
   * So a {@code redirect_uri} on {@code http://} elsewhere fails every login ({@code
   * state.unknown}). With {@code base-url} that is known at start-up; without it, at the first
   * login start that builds such a {@code redirect_uri} ({@code seenHttpRedirect}).
   */
  static Finding responseMode(PortcullisConfig config) {
    if (config.responseMode() != ResponseMode.FORM_POST) {
      return new Finding(
          RESPONSE_MODE,
          Level.INFO,
          "response-mode=query: the callback is a top-level GET, which carries the SameSite=Lax"
              + " pre-login cookie");
    }
    Optional<URI> base = config.baseUrl();
    if (base.isEmpty()) {
      return new Finding(
          RESPONSE_MODE,
          Level.INFO,
          "response-mode=form_post: the pre-login cookie is SameSite=None; Secure, which browsers"
              + " send only to https (or loopback) addresses; base-url is not set, so a warning"
              + " follows at the first login whose redirect_uri is plain http elsewhere");
    }
    return formPostFor(base.get().getScheme(), base.get().getHost(), "base-url " + base.get());
  }

  /** The {@code form_post} finding for a {@code redirect_uri} with this scheme and host. */
  static Finding formPostFor(String scheme, String host, String what) {
    if ("http".equalsIgnoreCase(scheme) && !IpRange.isLoopback(host)) {
      return new Finding(
          RESPONSE_MODE,
          Level.WARNING,
          "response-mode=form_post with "
              + what
              + ": the callback is a cross-site POST to a plain-http address, to which browsers"
              + " never send the SameSite=None; Secure pre-login cookie, so every login fails"
              + " (state.unknown); serve the application over https and set base-url to its https"
              + " URL, or set response-mode=query");
    }
    return new Finding(
        RESPONSE_MODE,
        Level.INFO,
        "response-mode=form_post with "
            + what
            + ": the SameSite=None; Secure pre-login cookie reaches the callback");
  }

  /**
   * The session cookie check. A login ends with a redirect chain that starts at the provider: its
   * redirect (or, with {@code form_post}, its cross-site POST) to the callback, then the callback's
   * redirect to the page asked for. Browsers send a {@code SameSite=Strict} cookie on no request of
   * a chain another site started, so with a {@code Strict} session cookie the page never sees the
   * session the login was stored in and sends the browser to log in again: a loop, whatever the
   * response mode. {@code Lax} cookies go with top-level {@code GET} navigations, so with {@code
   * Lax} (or no attribute) the login completes.
   *
   * @param sameSite the attribute as the container sends it, or null when it sets none or cannot
   *     tell
   * @param source where it was read, or why it is absent or unknown; null when the adapter told
   *     nothing
   */
  static Finding sessionCookie(
      ResponseMode mode, @Nullable String sameSite, @Nullable String source) {
    String fix =
        "set the session cookie's SameSite to Lax (web.xml <session-config><cookie-config>"
            + "<attribute>, SessionCookieConfig, Tomcat's CookieProcessor sameSiteCookies, Spring"
            + " Boot's server.servlet.session.cookie.same-site)";
    if (sameSite == null || sameSite.isBlank()) {
      return new Finding(
          SESSION_COOKIE,
          Level.INFO,
          (source == null
                  ? "the session cookie's SameSite is not known (no servlet adapter told it)"
                  : "the session cookie's SameSite is " + source)
              + "; a session cookie marked SameSite=Strict makes every login loop: if it is,"
              + " "
              + fix);
    }
    String value = sameSite.trim();
    String from = " (" + (source == null ? "the container" : source) + ")";
    boolean formPost = mode == ResponseMode.FORM_POST;
    if (value.equalsIgnoreCase("Strict")) {
      return new Finding(
          SESSION_COOKIE,
          Level.WARNING,
          "the session cookie is SameSite=Strict"
              + from
              + ": a login ends with a redirect chain that starts at the provider ("
              + (formPost ? "its cross-site form_post" : "its redirect")
              + " to the callback, then the callback's redirect to the page asked for), on which"
              + " browsers do not send a SameSite=Strict cookie, so that page does not see the"
              + " login and sends the browser to log in again: every login loops; "
              + fix);
    }
    if (value.equalsIgnoreCase("Lax")) {
      return new Finding(
          SESSION_COOKIE,
          Level.INFO,
          "the session cookie is SameSite=Lax"
              + from
              + ": browsers send it on the top-level GET redirects a login ends with"
              + (formPost
                  ? "; the form_post callback itself (a cross-site POST) does not carry it, so the"
                      + " login is kept in a new session"
                  : ""));
    }
    if (value.equalsIgnoreCase("None")) {
      return new Finding(
          SESSION_COOKIE,
          Level.INFO,
          "the session cookie is SameSite=None"
              + from
              + ": browsers send it on every request, and keep it only when it is Secure"
              + " (https)");
    }
    return new Finding(
        SESSION_COOKIE,
        Level.INFO,
        "the session cookie's SameSite is \""
            + value
            + "\""
            + from
            + ", which browsers do not know: they treat the cookie as if it had none");
  }

  /** The rules check: one warning per rule an earlier rule shadows, else one line. */
  static List<Finding> rules(AccessRules rules) {
    List<AccessRules.Shadowed> shadowed = rules.shadowed();
    if (shadowed.isEmpty()) {
      return List.of(
          new Finding(
              RULES,
              Level.INFO,
              rules.size()
                  + (rules.size() == 1 ? " rule" : " rules")
                  + ", none shadowed by an earlier one"));
    }
    List<Finding> out = new ArrayList<>();
    for (AccessRules.Shadowed s : shadowed) {
      out.add(
          new Finding(
              RULES,
              Level.WARNING,
              "rule "
                  + s.rulePosition()
                  + " \""
                  + s.rule()
                  + "\" never applies: rule "
                  + s.byPosition()
                  + " \""
                  + s.by()
                  + "\" comes first and matches every request it would (the first matching rule"
                  + " decides); move it up or remove it in rules"));
    }
    return out;
  }

  private static String providerName(PortcullisConfig config) {
    return config
        .issuer()
        .map(URI::toString)
        .or(() -> config.authorizationEndpoint().map(URI::toString))
        .orElse("(explicit endpoints)");
  }

  /**
   * The JSON of the health answer: status, provider state, and each finding's code and level; with
   * several providers also each provider's state ({@code providers}) and each per-provider
   * finding's provider.
   */
  String toHealthJson() {
    StringBuilder json =
        new StringBuilder("{\"status\":")
            .append(providerUp ? "\"UP\"" : "\"DOWN\"")
            .append(",\"provider\":")
            .append(providerUp ? "\"loaded\"" : "\"not loaded\"");
    if (!providers.isEmpty()) {
      json.append(",\"providers\":{");
      String sep = "";
      for (Map.Entry<String, Boolean> p : providers.entrySet()) {
        json.append(sep)
            .append(Responses.quote(p.getKey()))
            .append(':')
            .append(p.getValue() ? "\"loaded\"" : "\"not loaded\"");
        sep = ",";
      }
      json.append('}');
    }
    json.append(",\"checks\":[");
    for (int i = 0; i < findings.size(); i++) {
      Finding f = findings.get(i);
      json.append(i == 0 ? "" : ",").append("{\"code\":").append(Responses.quote(f.code()));
      String provider = f.provider();
      if (provider != null) {
        json.append(",\"provider\":").append(Responses.quote(provider));
      }
      json.append(",\"level\":").append(Responses.quote(f.level().getName())).append('}');
    }
    return json.append("]}").toString();
  }
}
