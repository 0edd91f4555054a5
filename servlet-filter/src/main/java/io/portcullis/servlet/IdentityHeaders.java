package io.portcullis.servlet;

import java.util.ArrayList;
import java.util.List;

/**
 * The request headers only an authenticating proxy or SSO gateway should set, which {@link
 * PortcullisRequest} hides from the application on every path (THREATS E-06): behind Portcullis
 * no such proxy vouches for them, so any that arrive were sent by the client. Names compare
 * ignoring case, with {@code _} taken as {@code -} (CGI-style spellings such as {@code
 * OIDC_CLAIM_email}); a name ending in {@code *} covers every name with that prefix.
 *
 * <p>Built in: the headers of Apache mod_auth_openidc, mod_auth_mellon and Shibboleth,
 * oauth2-proxy, Vouch, Pomerium, Authelia, authentik, Grafana's auth proxy, Kong, the Kubernetes
 * front proxy, Azure App Service Authentication, AWS ALB, Google IAP and Cloudflare Access, and
 * generic {@code X-User}-style names; {@code identity-headers} adds more. Client-certificate
 * headers ({@code X-SSL-Client-*}, {@code X-Forwarded-Client-Cert}) are not built in: Portcullis
 * does not replace TLS client authentication, so a proxy may still set them legitimately.
 */
final class IdentityHeaders {
  /** Hidden names, lower case, {@code -} for separators; a trailing {@code *} marks a prefix. */
  static final List<String> BUILT_IN = List.of(
      // generic and forward-auth (Authelia, nginx auth_request, Traefik, Ory Oathkeeper …)
      "remote-user", "remote-groups", "remote-email", "remote-name", "x-remote-user", "x-remote-group*",
      "x-remote-extra-*", "x-user", "x-email", "x-username", "x-userid", "x-user-id", "x-user-name", "x-user-email",
      "x-user-groups", "x-user-roles", "x-auth-user", "x-auth-email", "x-userinfo", "x-id-token", "x-access-token",
      // oauth2-proxy, Vouch, Pomerium, authentik, Grafana, Kong
      "x-forwarded-user", "x-forwarded-email", "x-forwarded-preferred-username", "x-forwarded-groups",
      "x-forwarded-access-token", "x-auth-request-*", "x-vouch-*", "x-pomerium-*", "x-authentik-*", "x-webauth-*",
      "x-authenticated-*", "x-consumer-*", "x-credential-*", "x-anonymous-consumer",
      // Apache modules: mod_auth_openidc (OIDC_CLAIM_*, OIDC_access_token …), mellon, Shibboleth
      "oidc-*", "mellon-*", "shib-*",
      // cloud front doors: Azure App Service, AWS ALB, Google IAP, Cloudflare Access
      "x-ms-client-principal*", "x-ms-token-*", "x-amzn-oidc-*", "x-goog-authenticated-user-*",
      "x-goog-iap-jwt-assertion", "cf-access-*",
      // Portcullis's own namespace
      "x-portcullis-*");

  /** The built-in list alone. */
  static final IdentityHeaders DEFAULT = new IdentityHeaders(List.of());

  private final String[] exact;
  private final String[] prefixes;
  /** Lower-case ASCII first characters of any hidden name: most headers stop at this table. */
  private final boolean[] firstChars = new boolean[128];
  private final int minLength;

  /**
   * The built-in list plus {@code extra}, spelt as {@code PortcullisConfig.identityHeaders()}
   * gives them: lower case, {@code -} for separators, an optional trailing {@code *}.
   */
  IdentityHeaders(List<String> extra) {
    List<String> exactNames = new ArrayList<>();
    List<String> prefixNames = new ArrayList<>();
    int min = Integer.MAX_VALUE;
    for (List<String> list : List.of(BUILT_IN, extra)) {
      for (String name : list) {
        boolean prefix = name.endsWith("*");
        String n = prefix ? name.substring(0, name.length() - 1) : name;
        if (n.isEmpty()) {
          throw new IllegalArgumentException("empty identity header prefix");
        }
        (prefix ? prefixNames : exactNames).add(n);
        min = Math.min(min, n.length());
        char first = n.charAt(0);
        if (first < 128) {
          firstChars[first] = true;
        }
      }
    }
    this.exact = exactNames.toArray(new String[0]);
    this.prefixes = prefixNames.toArray(new String[0]);
    this.minLength = min;
  }

  /**
   * Whether {@code name} is hidden. Runs on every header the application reads, so it compares in
   * place and allocates nothing.
   */
  boolean hides(String name) {
    int length = name.length();
    if (length < minLength) {
      return false;
    }
    char c = name.charAt(0);
    if (c >= 'A' && c <= 'Z') {
      c = (char) (c + 32);
    } else if (c == '_') {
      c = '-';
    }
    if (c < 128 && !firstChars[c]) {
      return false; // most headers (Accept, Cookie, Host, User-Agent …) stop here
    }
    for (String e : exact) {
      if (e.length() == length && matches(name, e)) {
        return true;
      }
    }
    for (String prefix : prefixes) {
      if (prefix.length() <= length && matches(name, prefix)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code name} starts with {@code lower} (lower case, {@code -} for separators). */
  private static boolean matches(String name, String lower) {
    for (int i = 0; i < lower.length(); i++) {
      char c = name.charAt(i);
      char expected = lower.charAt(i);
      if (c == expected || (expected == '-' && c == '_')) {
        continue;
      }
      if (c >= 'A' && c <= 'Z' && (char) (c + 32) == expected) {
        continue;
      }
      if (c >= 128 && Character.toLowerCase(c) == expected) {
        continue; // not a valid header name (RFC 9110 token), but hide rather than show: the Kelvin sign K
      }
      return false;
    }
    return true;
  }
}
