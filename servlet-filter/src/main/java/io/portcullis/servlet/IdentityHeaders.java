package io.portcullis.servlet;

import java.util.ArrayList;
import java.util.List;

/**
 * The request headers only an authenticating proxy or SSO gateway should set, which {@link
 * PortcullisRequest} hides from the application on every path (THREATS E-06): behind Portcullis no
 * such proxy vouches for them, so any that arrive were sent by the client. Names compare ignoring
 * case, with {@code _} taken as {@code -} (CGI-style spellings such as {@code OIDC_CLAIM_email}); a
 * name ending in {@code *} covers every name with that prefix.
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
  static final List<String> BUILT_IN =
      List.of(
          // generic and forward-auth (Authelia, nginx auth_request, Traefik, Ory Oathkeeper …)
          "remote-user",
          "remote-groups",
          "remote-email",
          "remote-name",
          "x-remote-user",
          "x-remote-group*",
          "x-remote-extra-*",
          "x-user",
          "x-email",
          "x-username",
          "x-userid",
          "x-user-id",
          "x-user-name",
          "x-user-email",
          "x-user-groups",
          "x-user-roles",
          "x-auth-user",
          "x-auth-email",
          "x-userinfo",
          "x-id-token",
          "x-access-token",
          // oauth2-proxy, Vouch, Pomerium, authentik, Grafana, Kong
          "x-forwarded-user",
          "x-forwarded-email",
          "x-forwarded-preferred-username",
          "x-forwarded-groups",
          "x-forwarded-access-token",
          "x-auth-request-*",
          "x-vouch-*",
          "x-pomerium-*",
          "x-authentik-*",
          "x-webauth-*",
          "x-authenticated-*",
          "x-consumer-*",
          "x-credential-*",
          "x-anonymous-consumer",
          // Apache modules: mod_auth_openidc (OIDC_CLAIM_*, OIDC_access_token …), mellon,
          // Shibboleth
          "oidc-*",
          "mellon-*",
          "shib-*",
          // cloud front doors: Azure App Service, AWS ALB, Google IAP, Cloudflare Access
          "x-ms-client-principal*",
          "x-ms-token-*",
          "x-amzn-oidc-*",
          "x-goog-authenticated-user-*",
          "x-goog-iap-jwt-assertion",
          "cf-access-*",
          // Portcullis's own namespace
          "x-portcullis-*");

  /** The built-in list alone. */
  static final IdentityHeaders DEFAULT = new IdentityHeaders(List.of());

  private static final int BUCKETS = 128;

  /**
   * Hidden exact names and prefixes by a hash of their first {@link #keyLength} characters, so that
   * a header is compared with the few names that start like it (most with none).
   */
  private final String[][] exactByKey = new String[BUCKETS][];

  private final String[][] prefixesByKey = new String[BUCKETS][];
  private final int keyLength;

  /**
   * The built-in list plus {@code extra}, spelt as {@code PortcullisConfig.identityHeaders()} gives
   * them: lower case, {@code -} for separators, an optional trailing {@code *}.
   */
  IdentityHeaders(List<String> extra) {
    List<String> names = new ArrayList<>(BUILT_IN);
    names.addAll(extra);
    int shortest = Integer.MAX_VALUE;
    for (String name : names) {
      int length = name.endsWith("*") ? name.length() - 1 : name.length();
      if (length == 0) {
        throw new IllegalArgumentException("empty identity header prefix");
      }
      shortest = Math.min(shortest, length);
    }
    this.keyLength = Math.min(4, shortest);
    List<List<String>> exact = new ArrayList<>();
    List<List<String>> prefixes = new ArrayList<>();
    for (int i = 0; i < BUCKETS; i++) {
      exact.add(new ArrayList<>());
      prefixes.add(new ArrayList<>());
    }
    for (String name : names) {
      boolean prefix = name.endsWith("*");
      String n = prefix ? name.substring(0, name.length() - 1) : name;
      (prefix ? prefixes : exact).get(key(n)).add(n);
    }
    for (int i = 0; i < BUCKETS; i++) {
      exactByKey[i] = exact.get(i).toArray(new String[0]);
      prefixesByKey[i] = prefixes.get(i).toArray(new String[0]);
    }
  }

  /**
   * The bucket of a name at least {@link #keyLength} long: a hash of its folded first characters.
   */
  private int key(String name) {
    int h = 0;
    for (int i = 0; i < keyLength; i++) {
      h = h * 31 + fold(name.charAt(i));
    }
    return h & (BUCKETS - 1);
  }

  /**
   * Whether {@code name} is hidden. Runs on every header the application reads, so it compares in
   * place and allocates nothing.
   */
  boolean hides(String name) {
    int length = name.length();
    if (length < keyLength) {
      return false;
    }
    int key = key(name);
    for (String e : exactByKey[key]) {
      if (e.length() == length && matches(name, e)) {
        return true;
      }
    }
    for (String prefix : prefixesByKey[key]) {
      if (prefix.length() <= length && matches(name, prefix)) {
        return true;
      }
    }
    return false;
  }

  /**
   * A header name character as the hidden names spell it: ASCII letters in lower case, {@code _} as
   * {@code -}; other characters lower-cased too, though no valid header name (an RFC 9110 token)
   * has them: hide rather than show (the Kelvin sign K).
   */
  private static char fold(char c) {
    if (c >= 'A' && c <= 'Z') {
      return (char) (c + 32);
    }
    if (c == '_') {
      return '-';
    }
    return c < 128 ? c : Character.toLowerCase(c);
  }

  /** Whether {@code name} starts with {@code lower} (lower case, {@code -} for separators). */
  private static boolean matches(String name, String lower) {
    for (int i = 0; i < lower.length(); i++) {
      if (fold(name.charAt(i)) != lower.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
