package io.portcullis.core;

import io.portcullis.core.internal.nimbus.NimbusTokenClient;
import io.portcullis.core.internal.nimbus.ProviderMetadata;
import io.portcullis.core.internal.nimbus.PushResult;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Starts the authorization code flow (OIDC Core §3.1.2.1): fresh {@code state}, {@code nonce} and
 * PKCE S256 verifier (RFC 7636 §4.1–4.2, from 32 random bytes each), all kept in an encrypted
 * cookie of their own (SPEC.md "Login state"), at most {@link #MAX_PENDING} per browser and {@link
 * #MAX_COOKIE_BYTES} of cookies in all. With {@code par} (or when the provider requires it), the
 * request is first pushed to the provider (RFC 9126 §2) and the browser carries only its {@code
 * request_uri} and {@code client_id} (§4).
 */
final class LoginStarter {
  private static final Logger LOG = System.getLogger("io.portcullis");

  static final String COOKIE_PREFIX = "PORTCULLIS_TX_";
  static final int MAX_PENDING = 8;
  static final long LIFETIME_MILLIS = 10 * 60 * 1000L;

  /**
   * At most this many {@link #COOKIE_PREFIX} cookies of a request are looked at per login start.
   */
  static final int MAX_COOKIES_READ = 2 * MAX_PENDING;

  /**
   * A state cookie value longer than this is garbage, not opened: browsers keep no cookie whose
   * name and value exceed 4096 bytes (RFC 6265 §6.1), so none of ours can be longer.
   */
  static final int MAX_COOKIE_CHARS = 4096;

  /**
   * All pre-login cookies of one request together stay within this many bytes of {@code Cookie}
   * header ({@code name=value} pairs and their {@code "; "} separators; SPEC.md "Login state"):
   * half of the 8 KB request header limit of Jetty and Tomcat by default, so that pending logins
   * never lock a browser out of the application (a 431 from the container, before Portcullis can
   * clean up).
   */
  static final int MAX_COOKIE_BYTES = 4096;

  /**
   * The longest return target kept in a state cookie: a longer one loses its query, else falls back
   * to {@code /}, so that one sealed cookie stays under about 1.9 KB and leaves room in {@link
   * #MAX_COOKIE_BYTES} for other pending logins.
   */
  static final int MAX_TARGET_CHARS = 1024;

  private final PortcullisConfig config;
  private final ProviderMetadataSource metadata;
  private final StateCookieCodec codec;
  private final Urls urls;
  private final Clock clock;
  private final PortcullisMetrics metrics;
  private final NimbusTokenClient tokens;

  LoginStarter(
      PortcullisConfig config,
      ProviderMetadataSource metadata,
      StateCookieCodec codec,
      Urls urls,
      Clock clock,
      PortcullisMetrics metrics,
      NimbusTokenClient tokens) {
    this.metrics = metrics;
    this.tokens = tokens;
    this.config = config;
    this.metadata = metadata;
    this.codec = codec;
    this.urls = urls;
    this.clock = clock;
  }

  /** Redirects a browser to the authorization endpoint, asking for {@code scopes}. */
  Outcome start(HttpExchange exchange, String target, Collection<String> scopes) {
    return start(exchange, target, scopes, "");
  }

  /**
   * The same for a step-up: {@code stepUpKey} (the scope set asked for) travels in the pre-login
   * cookie, so the callback can record it even without the session cookie.
   */
  Outcome start(HttpExchange exchange, String target, Collection<String> scopes, String stepUpKey) {
    return start(exchange, target, scopes, stepUpKey, null);
  }

  /**
   * The same, telling {@code started} (when not null) the pending login once its cookie is set and
   * the browser is about to be redirected: where {@code preserve-post} binds a kept form to it.
   */
  Outcome start(
      HttpExchange exchange,
      String target,
      Collection<String> scopes,
      String stepUpKey,
      @Nullable Consumer<PendingLogin> started) {
    Optional<ProviderMetadata> md = metadata.current();
    if (md.isEmpty()) {
      return new Outcome.Unavailable(metadata.retryAfter(), false);
    }
    Optional<String> appUrl = urls.applicationUrl(exchange);
    if (appUrl.isEmpty()) {
      return new Outcome.Rejected(Reason.HOST_INVALID, null, false);
    }
    URI redirectUri = URI.create(appUrl.get() + config.redirectPath());
    urls.checkFormPost(redirectUri);
    String scope = String.join(" ", scopes);
    PendingLogin pending =
        new PendingLogin(
            Randoms.token(32),
            Randoms.token(32),
            Randoms.token(32),
            redirectUri,
            md.get().issuer(),
            boundedTarget(target),
            scope,
            clock.millis(),
            stepUpKey);

    Map<String, String> params = new LinkedHashMap<>();
    params.put("response_type", "code");
    params.put("client_id", config.clientId());
    params.put("redirect_uri", redirectUri.toString());
    params.put("scope", scope);
    params.put("state", pending.state());
    params.put("nonce", pending.nonce());
    params.put("code_challenge", codeChallenge(pending.codeVerifier()));
    params.put("code_challenge_method", "S256");
    if (config.responseMode() == ResponseMode.FORM_POST) {
      params.put("response_mode", "form_post");
    }
    params.putAll(config.authorizationParams());

    if (config.par().orElse(md.get().parRequired())) {
      URI parEndpoint = md.get().parEndpoint();
      if (parEndpoint == null) {
        LOG.log(
            Level.WARNING,
            "portcullis: par=true but the provider's metadata names no"
                + " pushed_authorization_request_endpoint");
        return new Outcome.Rejected(
            Reason.PROVIDER_ERROR, Reason.PROVIDER_ERROR.code("par_unsupported"), null, false);
      }
      PushResult pushed =
          tokens.pushAuthorizationRequest(parEndpoint, md.get().tokenEndpoint(), params);
      if (pushed instanceof PushResult.Unreachable u) {
        LOG.log(Level.WARNING, "portcullis: " + u.description());
        return new Outcome.Unavailable(Duration.ofSeconds(30), false);
      }
      if (pushed instanceof PushResult.Failed f) {
        LOG.log(Level.WARNING, "portcullis: " + f.description());
        return new Outcome.Rejected(
            Reason.PROVIDER_ERROR, Reason.PROVIDER_ERROR.code(f.error()), null, false);
      }
      // RFC 9126 §4: the authorization request names the pushed one, and the client again.
      params.clear();
      params.put("client_id", config.clientId());
      params.put("request_uri", ((PushResult.Pushed) pushed).requestUri());
    }

    String name = cookieName(pending.state());
    String sealed = codec.seal(name, pending.serialize());
    evictOldest(exchange, name.length() + 1 + sealed.length());
    exchange.addSetCookie(cookie(name, sealed, LIFETIME_MILLIS / 1000, exchange));

    StringBuilder url = new StringBuilder(md.get().authorizationEndpoint().toString());
    url.append(url.indexOf("?") < 0 ? '?' : '&');
    for (Map.Entry<String, String> p : params.entrySet()) {
      append(url, p.getKey(), p.getValue());
    }
    url.setLength(url.length() - 1);
    metrics.increment(PortcullisMetrics.Counter.LOGINS_STARTED);
    if (started != null) {
      started.accept(pending);
    }
    return new Outcome.Redirect(url.toString(), true);
  }

  /**
   * Makes room for a new pending login whose cookie takes {@code newCookieBytes}: keeps the newest
   * earlier pending logins while they number at most {@code MAX_PENDING - 1} and all cookies, the
   * new one included, fit in {@link #MAX_COOKIE_BYTES}; deletes the others (oldest first) and
   * expired ones. The request's cookies are what the browser holds, so deleting with {@code
   * Max-Age=0} bounds what it sends next, whatever the URLs that started its logins.
   *
   * <p>Opens only the first {@link #MAX_COOKIES_READ} prefixed cookies (a request with a hundred of
   * them costs no more than sixteen decryptions) and deletes those that cannot be opened (forged,
   * truncated, oversized, sealed with another key). Prefixed cookies beyond those are deleted
   * unread, at most {@link #MAX_COOKIES_READ} per response, so that no browser keeps growing its
   * cookie header (to Jetty's 431) and no response carries an unbounded number of {@code
   * Set-Cookie} headers.
   */
  private void evictOldest(HttpExchange exchange, int newCookieBytes) {
    List<Kept> pending = new ArrayList<>();
    long now = clock.millis();
    int read = 0;
    int unreadDeleted = 0;
    for (Map.Entry<String, String> c : exchange.cookies().entrySet()) {
      if (!c.getKey().startsWith(COOKIE_PREFIX)) {
        continue;
      }
      if (read++ >= MAX_COOKIES_READ) {
        if (unreadDeleted++ < MAX_COOKIES_READ) {
          exchange.addSetCookie(cookie(c.getKey(), "", 0, exchange));
        }
        continue;
      }
      Optional<Long> created =
          c.getValue().length() > MAX_COOKIE_CHARS
              ? Optional.empty()
              : codec
                  .open(c.getKey(), c.getValue())
                  .flatMap(PendingLogin::parse)
                  .map(PendingLogin::createdAtMillis);
      if (created.isEmpty()
          || now - created.get() > LIFETIME_MILLIS
          || created.get() - now > 60_000) {
        exchange.addSetCookie(cookie(c.getKey(), "", 0, exchange));
      } else {
        pending.add(
            new Kept(c.getKey(), created.get(), c.getKey().length() + 1 + c.getValue().length()));
      }
    }
    pending.sort(Comparator.comparingLong(Kept::createdAtMillis).reversed());
    int bytes = newCookieBytes;
    int kept = 0;
    for (Kept p : pending) {
      bytes += 2 + p.bytes();
      if (++kept >= MAX_PENDING || bytes > MAX_COOKIE_BYTES) {
        exchange.addSetCookie(cookie(p.name(), "", 0, exchange));
      }
    }
  }

  /** An earlier pending login found in the request: its cookie name, start and cookie size. */
  private record Kept(String name, long createdAtMillis, int bytes) {}

  /**
   * The return target as kept in the state cookie: whole when at most {@link #MAX_TARGET_CHARS},
   * else without its query, else the application root. Every form is still a path of this
   * application ({@code target} already is one: {@link Urls#targetOf}, {@link Urls#safeTarget}).
   */
  static String boundedTarget(String target) {
    if (target.length() <= MAX_TARGET_CHARS) {
      return target;
    }
    int q = target.indexOf('?');
    return q > 0 && q <= MAX_TARGET_CHARS ? target.substring(0, q) : "/";
  }

  static String cookieName(String state) {
    return COOKIE_PREFIX + Randoms.hashKey(state, 16);
  }

  /**
   * A pre-login state cookie: {@code HttpOnly}, scoped to the application, {@code SameSite=Lax} (a
   * top-level redirect back carries it) or, for {@code form_post}, {@code SameSite=None; Secure},
   * since a cross-site POST carries only such cookies (browsers treat {@code http://localhost} as
   * secure).
   */
  String cookie(String name, String value, long maxAgeSeconds, HttpExchange exchange) {
    String path = exchange.contextPath().isEmpty() ? "/" : exchange.contextPath();
    StringBuilder c =
        new StringBuilder(name)
            .append('=')
            .append(value)
            .append("; Path=")
            .append(path)
            .append("; Max-Age=")
            .append(maxAgeSeconds)
            .append("; HttpOnly");
    boolean secure = urls.applicationUrl(exchange).map(u -> u.startsWith("https:")).orElse(false);
    if (config.responseMode() == ResponseMode.FORM_POST) {
      c.append("; Secure; SameSite=None");
    } else {
      if (secure) {
        c.append("; Secure");
      }
      c.append("; SameSite=Lax");
    }
    return c.toString();
  }

  static String codeChallenge(String verifier) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(Randoms.sha256(verifier));
  }

  private static void append(StringBuilder url, String name, String value) {
    url.append(Urls.encode(name)).append('=').append(Urls.encode(value)).append('&');
  }
}
