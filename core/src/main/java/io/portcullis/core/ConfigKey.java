package io.portcullis.core;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The one table of Portcullis configuration keys (SPEC.md, "Configuration keys"): every source
 * (init-params, {@code portcullis.properties}, system properties, environment, Spring) is read
 * through these keys, and documentation is generated from them.
 *
 * <p>Each constant is the key's whole declaration: name, {@link Type type}, typed default, the rule
 * that parses it ({@code ConfigParser}), description and documented default. {@code
 * PortcullisConfig} stores and shows ({@code toString()}) the values by key, the Spring starter
 * binds one property per key of the declared type, and tests check the README table and the Spring
 * metadata against these declarations. A new key also needs its getter in {@code PortcullisConfig},
 * its property in the starter and its README row.
 */
public enum ConfigKey {
  /** {@code issuer}: the OpenID provider issuer. */
  ISSUER(
      "issuer",
      Type.TEXT,
      Optional.empty(),
      ConfigParser::issuer,
      "OpenID provider issuer; metadata from discovery (OIDC, then RFC 8414)",
      "required"),
  /** {@code authorization-endpoint}: explicit authorization endpoint. */
  AUTHORIZATION_ENDPOINT(
      "authorization-endpoint",
      Type.TEXT,
      Optional.empty(),
      ConfigParser.endpoint(),
      "explicit authorization endpoint (with token-endpoint and jwks-uri: no discovery)",
      "from discovery"),
  /** {@code token-endpoint}: explicit token endpoint. */
  TOKEN_ENDPOINT(
      "token-endpoint",
      Type.TEXT,
      Optional.empty(),
      ConfigParser.endpoint(),
      "explicit token endpoint (with authorization-endpoint and jwks-uri: no discovery)",
      "from discovery"),
  /** {@code jwks-uri}: explicit JWK set URI. */
  JWKS_URI(
      "jwks-uri",
      Type.TEXT,
      Optional.empty(),
      ConfigParser.endpoint(),
      "explicit JWK set URI that verifies ID tokens, for servers without discovery",
      "from discovery"),
  /** {@code userinfo-endpoint}: explicit UserInfo endpoint. */
  USERINFO_ENDPOINT(
      "userinfo-endpoint",
      Type.TEXT,
      Optional.empty(),
      ConfigParser.endpoint(),
      "explicit UserInfo endpoint, for servers without discovery",
      "from discovery"),
  /** {@code end-session-endpoint}: explicit RP-initiated logout endpoint. */
  END_SESSION_ENDPOINT(
      "end-session-endpoint",
      Type.TEXT,
      Optional.empty(),
      ConfigParser.endpoint(),
      "explicit end-session (RP-initiated logout) endpoint, for servers without discovery",
      "from discovery"),
  /** {@code client-id}: the client identifier. */
  CLIENT_ID("client-id", Type.TEXT, "", ConfigParser::clientId, "client identifier", "required"),
  /** {@code client-secret}: the client secret. */
  CLIENT_SECRET(
      "client-secret",
      Type.TEXT,
      Optional.empty(),
      ConfigParser.whenSet(ConfigParser::text),
      "client secret",
      "none (public client + PKCE)",
      true),
  /** {@code client-key-file}: the client's private key for {@code private_key_jwt}. */
  CLIENT_KEY_FILE(
      "client-key-file",
      Type.TEXT,
      Optional.empty(),
      ConfigParser.whenSet(ConfigParser::clientKeyFile),
      "path of the client's private key for private_key_jwt (RFC 7523): a PKCS#8 PEM (BEGIN"
          + " PRIVATE KEY, RSA or EC) or a JWK / JWK Set JSON file with one private RSA or EC key;"
          + " it signs the client assertions (RS256, the JWK's alg, or ES256/ES384/ES512 by curve)",
      "none"),
  /** {@code client-key-id}: the {@code kid} of the client's key. */
  CLIENT_KEY_ID(
      "client-key-id",
      Type.TEXT,
      Optional.empty(),
      ConfigParser::clientKeyId,
      "kid of client-key-file's key in client assertions and the published JWK Set",
      "the JWK's kid, else its RFC 7638 thumbprint"),
  /** {@code client-auth}: how the client authenticates at the token endpoint. */
  CLIENT_AUTH(
      "client-auth",
      Type.TEXT,
      ClientAuth.NONE,
      ConfigParser::clientAuth,
      "client authentication at the token endpoint: client_secret_basic, client_secret_post,"
          + " private_key_jwt or none",
      "client_secret_basic when a secret is set, private_key_jwt when client-key-file is set, else"
          + " none"),
  /** {@code m2m-client-id}: the client of the client credentials grant. */
  M2M_CLIENT_ID(
      "m2m-client-id",
      Type.TEXT,
      Optional.empty(),
      ConfigParser::m2mClientId,
      "client identifier for client credentials (machine-to-machine) tokens",
      "client-id"),
  /** {@code m2m-client-secret}: the secret of the client credentials grant's client. */
  M2M_CLIENT_SECRET(
      "m2m-client-secret",
      Type.TEXT,
      Optional.empty(),
      ConfigParser::m2mClientSecret,
      "client secret for client credentials tokens; required when m2m-client-id is set",
      "client-secret when m2m-client-id is not set",
      true),
  /** {@code scopes}: scopes requested at login. */
  SCOPES(
      "scopes",
      Type.WORDS,
      List.of("openid", "profile"),
      ConfigParser.whenSet(ConfigParser::scopes),
      "scopes requested at login, space separated",
      "openid profile"),
  /** {@code redirect-path}: the callback path. */
  REDIRECT_PATH(
      "redirect-path",
      Type.TEXT,
      "/oauth2/callback",
      ConfigParser.whenSet(ConfigParser::path),
      "callback path inside the application",
      "/oauth2/callback"),
  /** {@code logout-path}: the local logout path. */
  LOGOUT_PATH(
      "logout-path",
      Type.TEXT,
      "/logout",
      ConfigParser::logoutPath,
      "local logout (then RP-initiated logout at the provider when it supports it)",
      "/logout"),
  /** {@code post-logout-redirect-uri}: where the provider sends the user after logout. */
  POST_LOGOUT_REDIRECT_URI(
      "post-logout-redirect-uri",
      Type.TEXT,
      Optional.empty(),
      ConfigParser.whenSet(ConfigParser::postLogoutRedirectUri),
      "where the provider sends the user after logout",
      "the application root"),
  /** {@code health-path}: the opt-in health answer's path. */
  HEALTH_PATH(
      "health-path",
      Type.TEXT,
      Optional.empty(),
      ConfigParser.whenSet(ConfigParser::healthPath),
      "opt-in health path: GET answers JSON, 200 with status UP when the provider's metadata is"
          + " loaded, else 503 DOWN, with the start-up checks' codes and levels; answered before"
          + " the rules, without login",
      "none (no health path)"),
  /** {@code backchannel-logout-path}: the OpenID Connect Back-Channel Logout endpoint. */
  BACKCHANNEL_LOGOUT_PATH(
      "backchannel-logout-path",
      Type.TEXT,
      Optional.empty(),
      ConfigParser.whenSet(ConfigParser::backchannelLogoutPath),
      "opt-in back-channel logout endpoint (the backchannel_logout_uri registered at the"
          + " provider): a POST of a logout_token ends that sid's or sub's logins on every node,"
          + " answered before the rules, without login",
      "none (no back-channel logout)"),
  /** {@code frontchannel-logout-path}: the OpenID Connect Front-Channel Logout endpoint. */
  FRONTCHANNEL_LOGOUT_PATH(
      "frontchannel-logout-path",
      Type.TEXT,
      Optional.empty(),
      ConfigParser.whenSet(ConfigParser::frontchannelLogoutPath),
      "opt-in front-channel logout endpoint (the frontchannel_logout_uri registered at the"
          + " provider): a GET with the provider's iss and the login's sid ends this browser's"
          + " login; answered before the rules",
      "none (no front-channel logout)"),
  /** {@code client-jwks-path}: where the application publishes its public JWK Set. */
  CLIENT_JWKS_PATH(
      "client-jwks-path",
      Type.TEXT,
      Optional.empty(),
      ConfigParser.whenSet(ConfigParser::clientJwksPath),
      "opt-in path where GET answers the public JWK Set of client-key-file (no private part), for"
          + " a provider that reads the client's keys from a JWKS URL; answered before the rules,"
          + " without login",
      "none (not published)"),
  /** {@code rules}: the access rules. */
  RULES(
      "rules",
      Type.LINES,
      AccessRules.defaults(),
      ConfigParser.whenSet(ConfigParser::rules),
      "access rules, one per line: [METHODS] PATTERN ACCESS",
      "/** authenticated"),
  /** {@code providers}: the names of several providers, each with its provider keys. */
  PROVIDERS(
      "providers",
      Type.LIST,
      List.of(),
      ConfigParser.whenSet(ConfigParser::providers),
      "names of several providers, comma separated; each given by provider.NAME.KEY keys"
          + " (README \"More than one provider\"); a selection page when no provider-rules match",
      "none (one provider, given by the keys themselves)"),
  /** {@code provider-rules}: which provider a login starts with, by host or path. */
  PROVIDER_RULES(
      "provider-rules",
      Type.LIST,
      List.of(),
      ConfigParser.whenSet(ConfigParser::providerRules),
      "with providers: rules choosing the provider a login starts with, comma separated, first"
          + " match wins: host:HOST=NAME or PATTERN=NAME",
      "none (the selection page)"),
  /** {@code display-name}: a provider's name on the selection page. */
  DISPLAY_NAME(
      "display-name",
      Type.TEXT,
      Optional.empty(),
      ConfigParser.whenSet(ConfigParser::text),
      "with providers: the provider's name on the selection page (provider.NAME.display-name)",
      "the provider's name in providers"),
  /** {@code tenants}: the tenants a multi-tenant ({tenantid}) issuer's tokens may come from. */
  TENANTS(
      "tenants",
      Type.LIST,
      List.of(),
      ConfigParser.whenSet(ConfigParser::tenants),
      "tenant ids (tid) whose tokens are accepted when the provider's metadata names a"
          + " multi-tenant issuer with {tenantid} (Microsoft Entra common / organizations), comma"
          + " separated; required for such an issuer",
      "none (a {tenantid} issuer is refused)"),
  /** {@code refresh-before}: how early, in seconds, the access token is refreshed. */
  REFRESH_BEFORE(
      "refresh-before",
      Type.SECONDS,
      Duration.ofSeconds(60),
      ConfigParser.seconds(0, Integer.MAX_VALUE),
      "refresh the access token when it expires within this many seconds",
      "60"),
  /** {@code session-idle-timeout}: a login unused this long ends (0: off). */
  SESSION_IDLE_TIMEOUT(
      "session-idle-timeout",
      Type.SECONDS,
      Duration.ZERO,
      ConfigParser.seconds(0, Integer.MAX_VALUE),
      "a login that no request used for this many seconds ends (browser: log in again; API: 401"
          + " session.idle), whatever the container's session timeout and the refresh token's"
          + " lifetime; 0 is off",
      "0"),
  /** {@code session-max-lifetime}: a login ends this long after it was made (0: off). */
  SESSION_MAX_LIFETIME(
      "session-max-lifetime",
      Type.SECONDS,
      Duration.ZERO,
      ConfigParser.seconds(0, Integer.MAX_VALUE),
      "a login ends this many seconds after the user logged in, however active and however often"
          + " its tokens were refreshed (browser: log in again; API: 401 session.expired); 0 is off",
      "0"),
  /** {@code base-url}: the application's public URL. */
  BASE_URL(
      "base-url",
      Type.TEXT,
      Optional.empty(),
      ConfigParser.whenSet(ConfigParser::baseUrl),
      "the application's public URL, when behind a proxy",
      "derived from the request"),
  /** {@code authorization-params}: extra authorization request parameters. */
  AUTHORIZATION_PARAMS(
      "authorization-params",
      Type.TEXT,
      Map.of(),
      ConfigParser.whenSet(ConfigParser::authorizationParams),
      "extra authorization request parameters, name=value pairs separated by &"
          + " (prompt=consent&audience=api)",
      "none"),
  /** {@code principal-claim}: the claim returned by {@code getRemoteUser()}. */
  PRINCIPAL_CLAIM(
      "principal-claim",
      Type.TEXT,
      Optional.empty(),
      ConfigParser.whenSet(ConfigParser::text),
      "claim returned by getRemoteUser()",
      "preferred_username, else sub"),
  /** {@code roles-claim}: the claim whose values count as roles. */
  ROLES_CLAIM(
      "roles-claim",
      Type.TEXT,
      Optional.empty(),
      ConfigParser.whenSet(ConfigParser::rolesClaim),
      "claim (dotted path allowed, e.g. realm_access.roles) whose values count for isUserInRole"
          + " besides granted scopes",
      "none"),
  /** {@code userinfo}: when claims are read from the UserInfo endpoint. */
  USERINFO(
      "userinfo",
      Type.TEXT,
      "auto",
      ConfigParser.whenSet(ConfigParser::userinfo),
      "read claims from the provider's UserInfo endpoint after the login and each refresh, merged"
          + " into the ID token's: auto (when the ID token lacks principal-claim or roles-claim and"
          + " the provider has a UserInfo endpoint), always or never",
      "auto"),
  /** {@code http-timeout}: the deadline of each call to the provider, response body included. */
  HTTP_TIMEOUT(
      "http-timeout",
      Type.SECONDS,
      Duration.ofSeconds(5),
      ConfigParser.seconds(1, 300),
      "deadline, seconds, of every call to the provider (connect, send and the whole response)",
      "5"),
  /** {@code response-mode}: how the authorization response is returned. */
  RESPONSE_MODE(
      "response-mode",
      Type.TEXT,
      ResponseMode.QUERY,
      ConfigParser.whenSet(ConfigParser::responseMode),
      "how the provider returns the authorization response: query or form_post",
      "query"),
  /** {@code par}: whether authorization requests are pushed first (RFC 9126). */
  PAR(
      "par",
      Type.TEXT,
      "auto",
      ConfigParser.whenSet(ConfigParser::par),
      "push each authorization request to the provider's pushed_authorization_request_endpoint"
          + " first, authenticated as at the token endpoint, and redirect with its request_uri"
          + " (RFC 9126): auto (when the provider's metadata says"
          + " require_pushed_authorization_requests), true or false",
      "auto"),
  /** {@code dpop}: whether tokens are bound to the client's DPoP key (RFC 9449). */
  DPOP(
      "dpop",
      Type.FLAG,
      false,
      ConfigParser.whenSet(ConfigParser::flag),
      "bind access (and refresh) tokens to a key of this application (DPoP, RFC 9449): every"
          + " token and pushed authorization request carries a proof, the provider's DPoP-Nonce is"
          + " followed, and PortcullisRequests.downstreamHeaders makes the Authorization and DPoP"
          + " headers of downstream calls",
      "false"),
  /** {@code dpop-key-file}: the DPoP key, shared by the nodes of a cluster. */
  DPOP_KEY_FILE(
      "dpop-key-file",
      Type.TEXT,
      Optional.empty(),
      ConfigParser.whenSet(ConfigParser::dpopKeyFile),
      "path of the DPoP private key: a PKCS#8 PEM (BEGIN PRIVATE KEY) or a JWK / JWK Set JSON"
          + " file with one private EC (ES256/ES384/ES512 by curve) or RSA (PS256, or the JWK's"
          + " alg) key; set it when several nodes serve one app, so that all prove with one key",
      "an EC P-256 key generated at each start"),
  /** {@code state-key}: the key that encrypts pre-login state cookies. */
  STATE_KEY(
      "state-key",
      Type.TEXT,
      Optional.empty(),
      ConfigParser.whenSet(ConfigParser::stateKey),
      "base64 key (256 bits) that encrypts pre-login state cookies and the tokens in the session;"
          + " required when several nodes serve one app",
      "random per start",
      true),
  /** {@code previous-state-key}: a former {@code state-key}, still accepted for reading. */
  PREVIOUS_STATE_KEY(
      "previous-state-key",
      Type.TEXT,
      Optional.empty(),
      ConfigParser.whenSet(ConfigParser::previousStateKey),
      "base64 key (256 bits) still accepted, besides state-key, to read session records and state"
          + " cookies: set the former state-key here while rotating it",
      "none",
      true),
  /** {@code scope-step-up}: whether missing scopes are asked for on demand. */
  SCOPE_STEP_UP(
      "scope-step-up",
      Type.FLAG,
      true,
      ConfigParser.whenSet(ConfigParser::flag),
      "ask the provider for missing scopes when a browser reaches a rule that needs them",
      "true"),
  /** {@code preserve-post}: whether a browser's form POST is kept across a login. */
  PRESERVE_POST(
      "preserve-post",
      Type.FLAG,
      false,
      ConfigParser.whenSet(ConfigParser::flag),
      "keep a browser's same-origin form POST (application/x-www-form-urlencoded, up to"
          + " preserve-post-max-bytes) that needs a login, in the session, and after the login"
          + " post it once more to the same URL from an auto-submitting page; another body type"
          + " or a larger body is refused (415, 413) instead of starting a login that would lose"
          + " it",
      "false"),
  /** {@code preserve-post-max-bytes}: the largest form body {@code preserve-post} keeps. */
  PRESERVE_POST_MAX_BYTES(
      "preserve-post-max-bytes",
      Type.TEXT,
      65536,
      ConfigParser.bytes(1, 1024 * 1024),
      "the largest form body, in bytes, that preserve-post keeps (at most 1048576)",
      "65536"),
  /** {@code bearer-only}: whether the application answers bearer-token requests only. */
  BEARER_ONLY(
      "bearer-only",
      Type.FLAG,
      false,
      ConfigParser.whenSet(ConfigParser::flag),
      "take bearer tokens only: a request that needs a login and has no valid bearer token gets"
          + " 401, never a login redirect (keycloak.json bearer-only; implies bearer-tokens"
          + " own-clients)",
      "false"),
  /** {@code bearer-tokens}: which incoming bearer access tokens are accepted. */
  BEARER_TOKENS(
      "bearer-tokens",
      Type.TEXT,
      "none",
      ConfigParser::bearerTokens,
      "incoming Authorization: Bearer access tokens accepted in place of a login: none, or"
          + " own-clients (access tokens the provider issued to client-id or m2m-client-id; an"
          + " access token is an RFC 9068 JWT, header typ at+jwt, or one whose aud names"
          + " bearer-audience)",
      "none"),
  /**
   * {@code bearer-audience}: the audiences that mark a bearer JWT as an access token for this app.
   */
  BEARER_AUDIENCE(
      "bearer-audience",
      Type.WORDS,
      Set.of(),
      ConfigParser.whenSet(ConfigParser::bearerAudience),
      "space-separated aud values that mark an incoming bearer JWT as an access token for this"
          + " application (never client-id or m2m-client-id: ID tokens carry those)",
      "none (only typ at+jwt)"),
  /** {@code trusted-proxies}: proxies whose forwarding headers are believed. */
  TRUSTED_PROXIES(
      "trusted-proxies",
      Type.LIST,
      ConfigParser.Proxies.NONE,
      ConfigParser.whenSet(ConfigParser::trustedProxies),
      "IP addresses or CIDR ranges whose Forwarded / X-Forwarded-* headers are believed when"
          + " computing the redirect URI",
      "none"),
  /** {@code identity-headers}: more request headers hidden from the application. */
  IDENTITY_HEADERS(
      "identity-headers",
      Type.LIST,
      List.of(),
      ConfigParser.whenSet(ConfigParser::identityHeaders),
      "request header names hidden from the application besides the built-in identity headers"
          + " of proxies and SSO gateways, comma or space separated; a trailing * hides a prefix",
      "none (the built-in list)"),
  /** {@code container-auth}: the container's own security constraints, through Portcullis. */
  CONTAINER_AUTH(
      "container-auth",
      Type.FLAG,
      false,
      ConfigParser.whenSet(ConfigParser::flag),
      "true: no filter; Portcullis registers itself as the container's Jakarta Authentication"
          + " module, so web.xml security constraints, @ServletSecurity, isUserInRole,"
          + " authenticate and logout work from the tokens (set as a context-param"
          + " portcullis.container-auth or in the other sources)",
      "false"),
  /**
   * {@code container-error-pages}: the statuses whose browser error answers go through the
   * container's {@code sendError}, so that the application's own error pages show them.
   */
  CONTAINER_ERROR_PAGES(
      "container-error-pages",
      Type.LIST,
      Set.of(),
      ConfigParser.whenSet(ConfigParser::errorPageStatuses),
      "statuses, comma or space separated, of 400 401 403 405 502 503, whose browser error answers"
          + " go through the container's sendError, so that the application's error-page mapping"
          + " for the status shows them (the reason code in the request attribute"
          + " io.portcullis.reason); list only statuses the application maps; API answers stay JSON",
      "none (Portcullis's own pages)"),
  /** {@code config-file}: a properties file read instead of the classpath one. */
  CONFIG_FILE(
      "config-file",
      Type.TEXT,
      Optional.empty(),
      ConfigParser.whenSet(ConfigParser::text),
      "path of a properties file to read instead of portcullis.properties on the classpath",
      "portcullis.properties on the classpath"),
  /** {@code keycloak-config-file}: a Keycloak adapter keycloak.json read as the lowest source. */
  KEYCLOAK_CONFIG_FILE(
      "keycloak-config-file",
      Type.TEXT,
      Optional.empty(),
      ConfigParser.whenSet(ConfigParser::text),
      "path of a Keycloak adapter keycloak.json whose keys are read below every other source"
          + " (README \"keycloak.json\")",
      "WEB-INF/keycloak.json when the application has one");

  private static final Map<String, ConfigKey> BY_KEY =
      Stream.of(values())
          .collect(Collectors.toUnmodifiableMap(ConfigKey::key, Function.identity()));

  private final String key;
  private final Type type;
  private final Object defaultValue;
  private final ConfigParser.Rule rule;
  private final String description;
  private final String defaultText;
  private final boolean secret;

  ConfigKey(
      String key,
      Type type,
      Object defaultValue,
      ConfigParser.Rule rule,
      String description,
      String defaultText) {
    this(key, type, defaultValue, rule, description, defaultText, false);
  }

  ConfigKey(
      String key,
      Type type,
      Object defaultValue,
      ConfigParser.Rule rule,
      String description,
      String defaultText,
      boolean secret) {
    this.key = key;
    this.type = type;
    this.defaultValue = defaultValue;
    this.rule = rule;
    this.description = description;
    this.defaultText = defaultText;
    this.secret = secret;
  }

  /**
   * The shape of a key's value as a typed front end (Spring Boot) binds it; every other source
   * gives text.
   */
  public enum Type {
    /** Text. */
    TEXT(""),
    /** A whole number of seconds; bound as a {@link java.time.Duration}. */
    SECONDS(""),
    /** {@code true} or {@code false}; bound as a {@code boolean}. */
    FLAG(""),
    /** A list whose items are joined with spaces. */
    WORDS(" "),
    /** A list whose items are joined with commas. */
    LIST(","),
    /** A list of lines. */
    LINES("\n");

    private final String separator;

    Type(String separator) {
      this.separator = separator;
    }

    /** Returns true for the list types, whose bound form is a {@code List<String>}. */
    public boolean isList() {
      return !separator.isEmpty();
    }
  }

  /** Returns the shape of this key's value as a typed front end binds it. */
  public Type type() {
    return type;
  }

  /**
   * Returns the text a value bound by a typed front end stands for, as every source gives it: a
   * {@link java.time.Duration} as whole seconds (any other duration in ISO-8601, which is refused
   * as not whole seconds), a {@code Boolean} as {@code true} or {@code false}, a list's items
   * joined as {@link #type()} says, and text as is.
   */
  public String textOf(Object bound) {
    Objects.requireNonNull(bound, "bound");
    if (bound instanceof Duration d) {
      return d.getNano() == 0 ? Long.toString(d.getSeconds()) : d.toString();
    }
    if (bound instanceof List<?> items) {
      return items.stream()
          .map(String::valueOf)
          .collect(Collectors.joining(type.isList() ? type.separator : ","));
    }
    return String.valueOf(bound);
  }

  /** The typed value when the key is not set, before defaults derived from other keys. */
  Object defaultValue() {
    return defaultValue;
  }

  /** How the value is made from the key's setting. */
  ConfigParser.Rule rule() {
    return rule;
  }

  /** Returns the key as written in init-params and properties files, e.g. {@code client-id}. */
  public String key() {
    return key;
  }

  /** Returns the environment variable that sets this key, e.g. {@code PORTCULLIS_CLIENT_ID}. */
  public String envName() {
    return "PORTCULLIS_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  /** Returns the system property that sets this key, e.g. {@code portcullis.client-id}. */
  public String systemProperty() {
    return "portcullis." + key;
  }

  /** Returns, for documentation, what applies when the key is not set. */
  public String defaultText() {
    return defaultText;
  }

  /** Returns a one-line description of the key for documentation and messages. */
  public String description() {
    return description;
  }

  /** Returns true when the value must never appear in logs, messages or {@code toString()}. */
  public boolean secret() {
    return secret;
  }

  /** Returns the constant whose {@link #key()} is exactly {@code key}, if any. */
  public static Optional<ConfigKey> byKey(String key) {
    Objects.requireNonNull(key, "key");
    return Optional.ofNullable(BY_KEY.get(key));
  }

  /** Tells a user every way to set this key, for "missing" messages. */
  String howToSet() {
    return "set init-param \""
        + key
        + "\", "
        + key
        + " in portcullis.properties, -D"
        + systemProperty()
        + " or environment variable "
        + envName();
  }
}
