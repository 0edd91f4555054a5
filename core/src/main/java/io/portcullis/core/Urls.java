package io.portcullis.core;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The absolute URLs Portcullis must build (its {@code redirect_uri}, the post-logout URI) and the
 * only post-login targets it will ever redirect to: paths of this application.
 */
final class Urls {
  private static final int MAX_QUERY = 2048;

  private final PortcullisConfig config;

  /**
   * Whether the Host warning ({@link Diagnostics#REDIRECT_URI}) has been given: at start-up by the
   * engine when the provider is not on a loopback host (a real deployment), else at the first
   * request whose host is not loopback (a development set-up reached from elsewhere).
   */
  private final AtomicBoolean hostWarned = new AtomicBoolean();

  /** The first non-loopback host a request named, with the redirect_uri it gave; or null. */
  private volatile @Nullable String seenHost;

  /** Whether {@code form_post} has been found to build a plain-http redirect_uri elsewhere. */
  private final AtomicBoolean formPostWarned = new AtomicBoolean();

  private volatile Diagnostics.@Nullable Finding formPostFinding;

  Urls(PortcullisConfig config) {
    this.config = config;
    hostWarned.set(Diagnostics.redirectUri(config, Optional.empty()).isWarning());
  }

  /** The {@link Diagnostics#REDIRECT_URI} finding as things stand. */
  Diagnostics.Finding redirectUriFinding() {
    return Diagnostics.redirectUri(config, Optional.ofNullable(seenHost)).of(config);
  }

  /**
   * The {@link Diagnostics#RESPONSE_MODE} finding as things stand: the start-up one, or the warning
   * of the first {@code form_post} login whose {@code redirect_uri} was plain http elsewhere.
   */
  Diagnostics.Finding responseModeFinding() {
    Diagnostics.Finding found = formPostFinding;
    return (found != null ? found : Diagnostics.responseMode(config)).of(config);
  }

  /**
   * Without {@code base-url}, warns once when a {@code form_post} login sends a {@code
   * redirect_uri} to which browsers will not send the pre-login cookie.
   */
  void checkFormPost(URI redirectUri) {
    if (config.responseMode() != ResponseMode.FORM_POST
        || config.baseUrl().isPresent()
        || formPostWarned.get()) {
      return;
    }
    Diagnostics.Finding finding =
        Diagnostics.formPostFor(
            redirectUri.getScheme(),
            hostOf(redirectUri.getRawAuthority()),
            "redirect_uri " + redirectUri + " (from the request; base-url is not set)");
    if (finding.isWarning() && formPostWarned.compareAndSet(false, true)) {
      formPostFinding = finding;
      finding.of(config).log();
    }
  }

  /**
   * The application's public URL without a trailing slash: {@code base-url} when set; else the
   * origin the request was sent to (from {@code Forwarded} / {@code X-Forwarded-*} only when the
   * peer is one of {@code trusted-proxies}, THREATS C-06) plus the context path. Empty when the
   * request names an invalid host.
   */
  Optional<String> applicationUrl(HttpExchange exchange) {
    if (config.baseUrl().isPresent()) {
      String base = config.baseUrl().get().toString();
      return Optional.of(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
    }
    String scheme = exchange.scheme().toLowerCase(Locale.ROOT);
    String host = exchange.serverName();
    int port = exchange.serverPort();
    String hostPort = null;
    if (!config.trustedProxies().isEmpty() && config.isTrustedProxy(exchange.remoteAddress())) {
      String proto = null;
      String fwdHost = null;
      String forwarded = exchange.header("Forwarded");
      if (forwarded != null) {
        String first = forwarded.split(",", 2)[0];
        for (String pair : first.split(";")) {
          String[] kv = pair.trim().split("=", 2);
          if (kv.length == 2) {
            String v = kv[1].trim();
            if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
              v = v.substring(1, v.length() - 1);
            }
            if (kv[0].trim().equalsIgnoreCase("proto")) {
              proto = v;
            } else if (kv[0].trim().equalsIgnoreCase("host")) {
              fwdHost = v;
            }
          }
        }
      } else {
        proto = firstValue(exchange.header("X-Forwarded-Proto"));
        fwdHost = firstValue(exchange.header("X-Forwarded-Host"));
      }
      if (proto != null) {
        proto = proto.toLowerCase(Locale.ROOT);
        if (proto.equals("http") || proto.equals("https")) {
          scheme = proto;
          if (fwdHost == null) {
            port = proto.equals("https") ? 443 : 80;
          }
        }
      }
      if (fwdHost != null && isValidHostPort(fwdHost)) {
        hostPort = fwdHost;
      }
    }
    if (hostPort == null) {
      if (!isValidHostPort(host)) {
        return Optional.empty();
      }
      boolean ipv6 = host.indexOf(':') >= 0 && !host.startsWith("[");
      String h = ipv6 ? "[" + host + "]" : host;
      boolean defaultPort =
          (scheme.equals("http") && port == 80)
              || (scheme.equals("https") && port == 443)
              || port <= 0;
      hostPort = defaultPort ? h : h + ":" + port;
    }
    String url = scheme + "://" + hostPort + exchange.contextPath();
    if (!hostWarned.get()
        && !IpRange.isLoopback(hostOf(hostPort))
        && hostWarned.compareAndSet(false, true)) {
      // hostPort passed isValidHostPort: letters, digits, ".-:[]" only, safe in a log line; the
      // context path is the container's.
      seenHost =
          "first request for host "
              + hostPort
              + ", which gave redirect_uri "
              + url
              + config.redirectPath();
      redirectUriFinding().log();
    }
    return Optional.of(url);
  }

  /** The host of a valid {@code host[:port]}, without brackets or port. */
  private static String hostOf(String hostPort) {
    if (hostPort.startsWith("[")) {
      int end = hostPort.indexOf(']');
      return end < 0 ? hostPort : hostPort.substring(0, end + 1);
    }
    int colon = hostPort.indexOf(':');
    return colon < 0 || colon != hostPort.lastIndexOf(':')
        ? hostPort
        : hostPort.substring(0, colon);
  }

  private static @Nullable String firstValue(@Nullable String header) {
    if (header == null) {
      return null;
    }
    String v = header.split(",", 2)[0].trim();
    return v.isEmpty() ? null : v;
  }

  /** A host, optionally with a port: letters, digits, {@code .-}, or a bracketed IPv6 literal. */
  static boolean isValidHostPort(String value) {
    if (value.isEmpty() || value.length() > 255) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '-'
              || c == ':'
              || c == '['
              || c == ']';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /**
   * The post-login target for a request to {@code path}: its normalised, re-encoded path plus the
   * query when it is harmless. Always a path starting with one {@code /}.
   */
  static String targetOf(RequestPath path, @Nullable String rawQuery) {
    String target = path.encoded();
    if (rawQuery != null
        && !rawQuery.isEmpty()
        && rawQuery.length() <= MAX_QUERY
        && isPrintableAscii(rawQuery)
        && rawQuery.indexOf('#') < 0) {
      target = target + "?" + rawQuery;
    }
    return target;
  }

  /**
   * A request-supplied return target (THREATS C-02), accepted only when it is a path of this
   * application: one leading {@code /} not followed by {@code /} or {@code \}, no control
   * characters or backslashes anywhere, and a path that normalises safely. Anything else gives
   * {@code "/"}.
   */
  static String safeTarget(@Nullable String candidate) {
    if (candidate == null
        || candidate.isEmpty()
        || candidate.length() > 4096
        || !isPrintableAscii(candidate)) {
      return "/";
    }
    if (candidate.charAt(0) != '/' || candidate.indexOf('\\') >= 0) {
      return "/";
    }
    if (candidate.length() > 1 && (candidate.charAt(1) == '/' || candidate.charAt(1) == '\\')) {
      return "/";
    }
    int q = candidate.indexOf('?');
    String rawPath = q < 0 ? candidate : candidate.substring(0, q);
    String query = q < 0 ? null : candidate.substring(q + 1);
    if (rawPath.indexOf('#') >= 0 || (query != null && query.indexOf('#') >= 0)) {
      return "/";
    }
    Optional<RequestPath> path = RequestPath.parse(rawPath);
    if (path.isEmpty()) {
      return "/";
    }
    String target = targetOf(path.get(), query);
    // Belt and braces: whatever happened above, never hand out a network-path reference.
    return target.startsWith("//") || target.startsWith("/\\") ? "/" : target;
  }

  private static boolean isPrintableAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        return false;
      }
    }
    return true;
  }

  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
