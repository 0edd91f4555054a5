package io.portcullis.core;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;

/**
 * The complete, validated Portcullis configuration: parsed once from layered sources into immutable
 * typed values, so that nothing is resolved per request (SPEC.md, "Configuration keys"). Instances
 * are immutable and thread-safe.
 */
public final class PortcullisConfig {

  private final Optional<URI> issuer;
  private final Optional<URI> authorizationEndpoint;
  private final Optional<URI> tokenEndpoint;
  private final Optional<URI> jwksUri;
  private final Optional<URI> userinfoEndpoint;
  private final Optional<URI> endSessionEndpoint;
  private final String clientId;
  private final Optional<String> clientSecret;
  private final ClientAuth clientAuth;
  private final Optional<String> m2mClientId;
  private final Optional<String> m2mClientSecret;
  private final List<String> scopes;
  private final String redirectPath;
  private final String logoutPath;
  private final Optional<String> postLogoutRedirectUri;
  private final AccessRules rules;
  private final Duration refreshBefore;
  private final Optional<URI> baseUrl;
  private final Map<String, String> authorizationParams;
  private final Optional<String> principalClaim;
  private final Optional<String> rolesClaim;
  private final Duration httpTimeout;
  private final ResponseMode responseMode;
  private final Optional<byte[]> stateKey;
  private final Optional<byte[]> previousStateKey;
  private final boolean scopeStepUp;
  private final boolean bearerOwnClients;
  private final Set<String> bearerAudience;
  private final List<String> trustedProxies;
  private final List<IpRange> trustedProxyRanges;
  private final List<String> identityHeaders;
  private final Optional<String> configFile;

  private PortcullisConfig(ConfigParser p) {
    issuer = p.issuer;
    authorizationEndpoint = p.authorizationEndpoint;
    tokenEndpoint = p.tokenEndpoint;
    jwksUri = p.jwksUri;
    userinfoEndpoint = p.userinfoEndpoint;
    endSessionEndpoint = p.endSessionEndpoint;
    clientId = p.clientId;
    clientSecret = p.clientSecret;
    clientAuth = p.clientAuth;
    m2mClientId = p.m2mClientId;
    m2mClientSecret = p.m2mClientSecret;
    scopes = p.scopes;
    redirectPath = p.redirectPath;
    logoutPath = p.logoutPath;
    postLogoutRedirectUri = p.postLogoutRedirectUri;
    rules = p.rules;
    refreshBefore = p.refreshBefore;
    baseUrl = p.baseUrl;
    authorizationParams = p.authorizationParams;
    principalClaim = p.principalClaim;
    rolesClaim = p.rolesClaim;
    httpTimeout = p.httpTimeout;
    responseMode = p.responseMode;
    stateKey = p.stateKey;
    previousStateKey = p.previousStateKey;
    scopeStepUp = p.scopeStepUp;
    bearerOwnClients = p.bearerOwnClients;
    bearerAudience = p.bearerAudience;
    trustedProxies = p.trustedProxies;
    trustedProxyRanges = p.trustedProxyRanges;
    identityHeaders = p.identityHeaders;
    configFile = p.configFile;
  }

  /**
   * Parses and validates the configuration layered from {@code lowestToHighestPrecedence}, a value
   * in a later source overriding one in an earlier source; a value that is empty after trimming
   * counts as not set (and so clears an earlier one).
   *
   * @throws InvalidConfigurationException listing every problem found: unknown keys, missing
   *     required keys and unparseable values, each naming key, source and what is expected
   */
  public static PortcullisConfig from(ConfigSource... lowestToHighestPrecedence) {
    Objects.requireNonNull(lowestToHighestPrecedence, "lowestToHighestPrecedence");
    for (ConfigSource source : lowestToHighestPrecedence) {
      Objects.requireNonNull(source, "lowestToHighestPrecedence element");
    }
    ConfigParser parser = new ConfigParser(List.of(lowestToHighestPrecedence));
    if (!parser.problems().isEmpty()) {
      throw new InvalidConfigurationException(parser.problems(), ConfigProblem.Spelling.KEYS);
    }
    return new PortcullisConfig(parser);
  }

  /**
   * Parses the configuration from one map whose names are the keys ({@code client-id}), as from
   * {@code from(ConfigSource.of("map", keyValues))}.
   *
   * @throws InvalidConfigurationException listing every problem found
   */
  public static PortcullisConfig of(Map<String, String> keyValues) {
    Objects.requireNonNull(keyValues, "keyValues");
    return from(ConfigSource.of("map", keyValues));
  }

  /** Returns the provider's issuer, from which metadata is discovered, when configured. */
  public Optional<URI> issuer() {
    return issuer;
  }

  /** Returns the explicit authorization endpoint (RFC 6749 §3.1), when configured. */
  public Optional<URI> authorizationEndpoint() {
    return authorizationEndpoint;
  }

  /** Returns the explicit token endpoint (RFC 6749 §3.2), when configured. */
  public Optional<URI> tokenEndpoint() {
    return tokenEndpoint;
  }

  /** Returns the explicit JWK set URI that verifies ID tokens, when configured. */
  public Optional<URI> jwksUri() {
    return jwksUri;
  }

  /** Returns the explicit UserInfo endpoint (OIDC Core §5.3), when configured. */
  public Optional<URI> userinfoEndpoint() {
    return userinfoEndpoint;
  }

  /** Returns the explicit end-session endpoint (OIDC RP-Initiated Logout), when configured. */
  public Optional<URI> endSessionEndpoint() {
    return endSessionEndpoint;
  }

  /** Returns the client identifier (RFC 6749 §2.2); never empty. */
  public String clientId() {
    return clientId;
  }

  /** Returns the client secret, when the client is confidential. Never log it. */
  public Optional<String> clientSecret() {
    return clientSecret;
  }

  /**
   * Returns how the client authenticates at the token endpoint: consistent with {@link
   * #clientSecret()}, and never {@link ClientAuth#PRIVATE_KEY_JWT} for now.
   */
  public ClientAuth clientAuth() {
    return clientAuth;
  }

  /**
   * Returns the client identifier for client credentials tokens (RFC 6749 §4.4): {@code
   * m2m-client-id}, else {@code client-id}; present in every valid configuration.
   */
  public Optional<String> m2mClientId() {
    return m2mClientId;
  }

  /**
   * Returns the client secret for client credentials tokens: {@code m2m-client-secret}, or {@code
   * client-secret} when {@code m2m-client-id} is not set; empty when that client is public, which
   * the client credentials grant does not allow (OAuth 2.1 §4.2). Never log it.
   */
  public Optional<String> m2mClientSecret() {
    return m2mClientSecret;
  }

  /** Returns the scopes asked for at login, in order, without duplicates, including openid. */
  public List<String> scopes() {
    return scopes;
  }

  /** Returns the callback path inside the application, starting with {@code /}. */
  public String redirectPath() {
    return redirectPath;
  }

  /** Returns the local logout path, starting with {@code /} and unlike the callback path. */
  public String logoutPath() {
    return logoutPath;
  }

  /**
   * Returns where the provider sends the user after logout, an absolute URL or a path of this
   * application; empty means the application root.
   */
  public Optional<String> postLogoutRedirectUri() {
    return postLogoutRedirectUri;
  }

  /** Returns the parsed access rules; {@code /** authenticated} when none are configured. */
  public AccessRules rules() {
    return rules;
  }

  /** Returns how long before its expiry the access token is refreshed; zero or more. */
  public Duration refreshBefore() {
    return refreshBefore;
  }

  /** Returns the application's public URL; empty means it is derived from the request. */
  public Optional<URI> baseUrl() {
    return baseUrl;
  }

  /**
   * Returns the extra authorization request parameters, decoded, in configured order; none of them
   * is a parameter Portcullis sets itself.
   */
  public Map<String, String> authorizationParams() {
    return authorizationParams;
  }

  /**
   * Returns the claim that names the user; empty means {@code preferred_username}, else {@code
   * sub}.
   */
  public Optional<String> principalClaim() {
    return principalClaim;
  }

  /** Returns the claim, possibly a dotted path, whose values count as roles, when configured. */
  public Optional<String> rolesClaim() {
    return rolesClaim;
  }

  /** Returns the deadline of each call to the provider (connect, send, whole response), 1 to 300 seconds. */
  public Duration httpTimeout() {
    return httpTimeout;
  }

  /** Returns how the provider returns the authorization response. */
  public ResponseMode responseMode() {
    return responseMode;
  }

  /**
   * Returns a copy of the 32-byte key that protects pre-login state cookies; empty means a random
   * key per start. Never log it.
   */
  public Optional<byte[]> stateKey() {
    return stateKey.map(byte[]::clone);
  }

  /**
   * Returns a copy of the former {@code state-key}, still accepted for reading session records and
   * state cookies while a key is rotated; empty when none. Never log it.
   */
  public Optional<byte[]> previousStateKey() {
    return previousStateKey.map(byte[]::clone);
  }

  /** Returns whether missing scopes are asked for when a browser reaches a rule needing them. */
  public boolean scopeStepUp() {
    return scopeStepUp;
  }

  /**
   * Returns whether {@code Authorization: Bearer} JWT access tokens issued to this application's
   * own clients are accepted in place of a login ({@code bearer-tokens=own-clients}).
   */
  public boolean acceptsOwnClientBearerTokens() {
    return bearerOwnClients;
  }

  /**
   * Returns the audiences ({@code bearer-audience}) whose presence in a bearer JWT's {@code aud}
   * marks it as an access token for this application; empty when only RFC 9068's {@code typ}
   * {@code at+jwt} does. Never holds the client ids.
   */
  public Set<String> bearerAudience() {
    return bearerAudience;
  }

  /** Returns the trusted proxy entries (addresses or CIDR ranges) as configured, in order. */
  public List<String> trustedProxies() {
    return trustedProxies;
  }

  /**
   * Returns true when {@code ipAddress}, an IPv4 or IPv6 literal such as {@code
   * request.getRemoteAddr()}, lies in a trusted proxy range; never resolves host names, so anything
   * else is untrusted.
   */
  public boolean isTrustedProxy(String ipAddress) {
    Objects.requireNonNull(ipAddress, "ipAddress");
    for (IpRange range : trustedProxyRanges) {
      if (range.contains(ipAddress)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Returns the request headers hidden from the application besides the built-in identity
   * headers ({@code identity-headers}): lower case, {@code _} written {@code -}, a trailing {@code
   * *} meaning every name with that prefix.
   */
  public List<String> identityHeaders() {
    return identityHeaders;
  }

  /** Lists every set or defaulted key with its value, secrets shown as {@code ****}. */
  @Override
  public String toString() {
    StringJoiner out = new StringJoiner(", ", "PortcullisConfig{", "}");
    issuer.ifPresent(v -> out.add("issuer=" + v));
    authorizationEndpoint.ifPresent(v -> out.add("authorization-endpoint=" + v));
    tokenEndpoint.ifPresent(v -> out.add("token-endpoint=" + v));
    jwksUri.ifPresent(v -> out.add("jwks-uri=" + v));
    userinfoEndpoint.ifPresent(v -> out.add("userinfo-endpoint=" + v));
    endSessionEndpoint.ifPresent(v -> out.add("end-session-endpoint=" + v));
    out.add("client-id=" + clientId);
    clientSecret.ifPresent(v -> out.add("client-secret=****"));
    out.add("client-auth=" + clientAuth.value());
    m2mClientId.ifPresent(v -> out.add("m2m-client-id=" + v));
    m2mClientSecret.ifPresent(v -> out.add("m2m-client-secret=****"));
    out.add("scopes=" + String.join(" ", scopes));
    out.add("redirect-path=" + redirectPath);
    out.add("logout-path=" + logoutPath);
    postLogoutRedirectUri.ifPresent(v -> out.add("post-logout-redirect-uri=" + v));
    out.add("rules=" + rules.toString().replace("\r", "").replace("\n", "\\n"));
    out.add("refresh-before=" + refreshBefore.toSeconds());
    baseUrl.ifPresent(v -> out.add("base-url=" + v));
    if (!authorizationParams.isEmpty()) {
      StringJoiner params = new StringJoiner("&");
      authorizationParams.forEach((k, v) -> params.add(k + "=" + v));
      out.add("authorization-params=" + params);
    }
    principalClaim.ifPresent(v -> out.add("principal-claim=" + v));
    rolesClaim.ifPresent(v -> out.add("roles-claim=" + v));
    out.add("http-timeout=" + httpTimeout.toSeconds());
    out.add("response-mode=" + responseMode.value());
    stateKey.ifPresent(v -> out.add("state-key=****"));
    previousStateKey.ifPresent(v -> out.add("previous-state-key=****"));
    out.add("scope-step-up=" + scopeStepUp);
    out.add("bearer-tokens=" + (bearerOwnClients ? "own-clients" : "none"));
    if (!bearerAudience.isEmpty()) {
      out.add("bearer-audience=" + String.join(" ", bearerAudience));
    }
    if (!trustedProxies.isEmpty()) {
      out.add("trusted-proxies=" + String.join(",", trustedProxies));
    }
    if (!identityHeaders.isEmpty()) {
      out.add("identity-headers=" + String.join(",", identityHeaders));
    }
    configFile.ifPresent(v -> out.add("config-file=" + v));
    return out.toString();
  }
}
