package io.portcullis.spring;

import io.portcullis.core.ConfigKey;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.BeanWrapper;
import org.springframework.beans.BeanWrapperImpl;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.convert.Delimiter;
import org.springframework.boot.convert.DurationUnit;

/**
 * The Portcullis settings under {@code portcullis.}: one property per {@link ConfigKey}, with the
 * same kebab-case name ({@code portcullis.client-id}), plus {@code portcullis.enabled} and {@code
 * portcullis.client-credentials.scopes}, which only the Spring adapter reads. Each is bound as its
 * key's {@link ConfigKey#type() type} says, by Boot's conventions: durations ({@code 90}, {@code
 * 90s}, {@code 2m}; a plain number is seconds), booleans and lists (comma separated or YAML lists);
 * the rest as text. The values, as text again, are parsed by {@code PortcullisConfig}, so
 * validation and messages are those of every other source: a value Boot cannot convert is left
 * unset here and handed as written to that parser ({@link SpringConfigSource#bindHandler}). Unknown
 * names under {@code portcullis.} fail start-up.
 */
@ConfigurationProperties(prefix = PortcullisProperties.PREFIX, ignoreUnknownFields = false)
public class PortcullisProperties {
  /** The property prefix, {@code portcullis}. */
  public static final String PREFIX = "portcullis";

  /**
   * Whether Portcullis protects the application; with false no Portcullis bean is created.
   * Portcullis is also off while portcullis.issuer or portcullis.client-id is not set.
   */
  private boolean enabled = true;

  /** OpenID provider issuer; metadata from discovery (OIDC, then RFC 8414). Default: required. */
  private @Nullable String issuer;

  /**
   * Explicit authorization endpoint (with token-endpoint and jwks-uri: no discovery). Default: from
   * discovery.
   */
  private @Nullable String authorizationEndpoint;

  /**
   * Explicit token endpoint (with authorization-endpoint and jwks-uri: no discovery). Default: from
   * discovery.
   */
  private @Nullable String tokenEndpoint;

  /**
   * Explicit JWK set URI that verifies ID tokens, for servers without discovery. Default: from
   * discovery.
   */
  private @Nullable String jwksUri;

  /** Explicit UserInfo endpoint, for servers without discovery. Default: from discovery. */
  private @Nullable String userinfoEndpoint;

  /**
   * Explicit end-session (RP-initiated logout) endpoint, for servers without discovery. Default:
   * from discovery.
   */
  private @Nullable String endSessionEndpoint;

  /** Client identifier. Default: required. */
  private @Nullable String clientId;

  /** Client secret. Default: none (public client + PKCE). Secret: never logged. */
  private @Nullable String clientSecret;

  /**
   * Path of the client's private key for private_key_jwt (RFC 7523): a PKCS#8 PEM (BEGIN PRIVATE
   * KEY, RSA or EC) or a JWK / JWK Set JSON file with one private RSA or EC key; it signs the
   * client assertions (RS256, the JWK's alg, or ES256/ES384/ES512 by curve). Default: none.
   */
  private @Nullable String clientKeyFile;

  /**
   * Kid of client-key-file's key in client assertions and the published JWK Set. Default: the JWK's
   * kid, else its RFC 7638 thumbprint.
   */
  private @Nullable String clientKeyId;

  /**
   * Client authentication at the token endpoint: client_secret_basic, client_secret_post,
   * private_key_jwt or none. Default: client_secret_basic when a secret is set, private_key_jwt
   * when client-key-file is set, else none.
   */
  private @Nullable String clientAuth;

  /** Client identifier for client credentials (machine-to-machine) tokens. Default: client-id. */
  private @Nullable String m2mClientId;

  /**
   * Client secret for client credentials tokens; required when m2m-client-id is set. Default:
   * client-secret when m2m-client-id is not set. Secret: never logged.
   */
  private @Nullable String m2mClientSecret;

  /** Scopes requested at login, space separated. Default: openid profile. */
  private @Nullable List<String> scopes;

  /** Callback path inside the application. Default: /oauth2/callback. */
  private @Nullable String redirectPath;

  /**
   * Local logout (then RP-initiated logout at the provider when it supports it). Default: /logout.
   */
  private @Nullable String logoutPath;

  /** Where the provider sends the user after logout. Default: the application root. */
  private @Nullable String postLogoutRedirectUri;

  /**
   * Opt-in health path: GET answers JSON, 200 with status UP when the provider's metadata is
   * loaded, else 503 DOWN, with the start-up checks' codes and levels; answered before the rules,
   * without login. Default: none (no health path).
   */
  private @Nullable String healthPath;

  /**
   * Opt-in back-channel logout endpoint (the backchannel_logout_uri registered at the provider): a
   * POST of a logout_token ends that sid's or sub's logins on every node, answered before the
   * rules, without login. Default: none (no back-channel logout).
   */
  private @Nullable String backchannelLogoutPath;

  /**
   * Opt-in front-channel logout endpoint (the frontchannel_logout_uri registered at the provider):
   * a GET with the provider's iss and the login's sid ends this browser's login; answered before
   * the rules. Default: none (no front-channel logout).
   */
  private @Nullable String frontchannelLogoutPath;

  /**
   * Opt-in path where GET answers the public JWK Set of client-key-file (no private part), for a
   * provider that reads the client's keys from a JWKS URL; answered before the rules, without
   * login. Default: none (not published).
   */
  private @Nullable String clientJwksPath;

  /**
   * Access rules, one per line: [METHODS] PATTERN ACCESS; a YAML list of rule lines or one block
   * string. The first rule that matches decides. Default: /&#42;&#42; authenticated.
   */
  @Delimiter(Delimiter.NONE)
  private @Nullable List<String> rules;

  /**
   * Refresh the access token when it expires within this many seconds (a plain number is seconds,
   * or e.g. 2m). Default: 60.
   */
  @DurationUnit(ChronoUnit.SECONDS)
  private @Nullable Duration refreshBefore;

  /**
   * Names of several providers, comma separated; each given by provider.NAME.KEY keys (README "More
   * than one provider"); a selection page when no provider-rules match. Default: none (one
   * provider, given by the keys themselves).
   */
  private @Nullable List<String> providers;

  /**
   * With providers: rules choosing the provider a login starts with, comma separated, first match
   * wins: host:HOST=NAME or PATTERN=NAME. Default: none (the selection page).
   */
  private @Nullable List<String> providerRules;

  /**
   * With providers: the provider's name on the selection page (provider.NAME.display-name).
   * Default: the provider's name in providers.
   */
  private @Nullable String displayName;

  /**
   * Tenant ids (tid) whose tokens are accepted when the provider's metadata names a multi-tenant
   * issuer with {tenantid} (Microsoft Entra common / organizations), comma separated; required for
   * such an issuer. Default: none (a {tenantid} issuer is refused).
   */
  private @Nullable List<String> tenants;

  /**
   * With providers: each provider's own keys, portcullis.provider.NAME.KEY (e.g.
   * portcullis.provider.partners.client-id), over the keys themselves (README "More than one
   * provider").
   */
  private Map<String, Map<String, String>> provider = new LinkedHashMap<>();

  /**
   * Read claims from the provider's UserInfo endpoint after the login and each refresh, merged into
   * the ID token's: auto (when the ID token lacks principal-claim or roles-claim and the provider
   * has a UserInfo endpoint), always or never. Default: auto.
   */
  private @Nullable String userinfo;

  /**
   * A login that no request used for this many seconds ends (a plain number is seconds, or e.g.
   * 30m): a browser logs in again, an API request gets 401 session.idle; 0 is off. Default: 0.
   */
  @DurationUnit(ChronoUnit.SECONDS)
  private @Nullable Duration sessionIdleTimeout;

  /**
   * A login ends this many seconds after the user logged in (a plain number is seconds, or e.g.
   * 8h), however active and however often its tokens were refreshed: a browser logs in again, an
   * API request gets 401 session.expired; 0 is off. Default: 0.
   */
  @DurationUnit(ChronoUnit.SECONDS)
  private @Nullable Duration sessionMaxLifetime;

  /** The application's public URL, when behind a proxy. Default: derived from the request. */
  private @Nullable String baseUrl;

  /**
   * Extra authorization request parameters, name=value pairs separated by &amp;
   * (prompt=consent&amp;audience=api). Default: none.
   */
  private @Nullable String authorizationParams;

  /** Claim returned by getRemoteUser(). Default: preferred_username, else sub. */
  private @Nullable String principalClaim;

  /**
   * Claim (dotted path allowed, e.g. realm_access.roles) whose values count for isUserInRole
   * besides granted scopes. Default: none.
   */
  private @Nullable String rolesClaim;

  /**
   * Deadline, seconds, of every call to the provider (connect, send and the whole response); a
   * plain number is seconds, or e.g. 10s. Default: 5.
   */
  @DurationUnit(ChronoUnit.SECONDS)
  private @Nullable Duration httpTimeout;

  /** How the provider returns the authorization response: query or form_post. Default: query. */
  private @Nullable String responseMode;

  /**
   * Push each authorization request to the provider's pushed_authorization_request_endpoint first,
   * authenticated as at the token endpoint, and redirect with its request_uri (RFC 9126): auto
   * (when the provider's metadata says require_pushed_authorization_requests), true or false.
   * Default: auto.
   */
  private @Nullable String par;

  /**
   * Bind access (and refresh) tokens to a key of this application (DPoP, RFC 9449): every token and
   * pushed authorization request carries a proof, the provider's DPoP-Nonce is followed, and
   * PortcullisRequests.downstreamHeaders makes the Authorization and DPoP headers of downstream
   * calls. Default: false.
   */
  private @Nullable Boolean dpop;

  /**
   * Path of the DPoP private key: a PKCS#8 PEM (BEGIN PRIVATE KEY) or a JWK / JWK Set JSON file
   * with one private EC (ES256/ES384/ES512 by curve) or RSA (PS256, or the JWK's alg) key; set it
   * when several nodes serve one app, so that all prove with one key. Default: an EC P-256 key
   * generated at each start.
   */
  private @Nullable String dpopKeyFile;

  /**
   * Base64 key (256 bits) that encrypts pre-login state cookies and the tokens in the session;
   * required when several nodes serve one app. Default: random per start. Secret: never logged.
   */
  private @Nullable String stateKey;

  /**
   * Base64 key (256 bits) still accepted, besides state-key, to read session records and state
   * cookies: set the former state-key here while rotating it. Default: none. Secret: never logged.
   */
  private @Nullable String previousStateKey;

  /**
   * Ask the provider for missing scopes when a browser reaches a rule that needs them. Default:
   * true.
   */
  private @Nullable Boolean scopeStepUp;

  /**
   * Keep a browser's same-origin form POST (application/x-www-form-urlencoded, up to
   * preserve-post-max-bytes) that needs a login, in the session, and after the login post it once
   * more to the same URL from an auto-submitting page; another body type or a larger body is
   * refused (415, 413) instead of starting a login that would lose it. Default: false.
   */
  private @Nullable Boolean preservePost;

  /**
   * The largest form body, in bytes, that preserve-post keeps (at most 1048576). Default: 65536.
   */
  private @Nullable String preservePostMaxBytes;

  /**
   * Take bearer tokens only: a request that needs a login and has no valid bearer token gets 401,
   * never a login redirect (keycloak.json bearer-only; implies bearer-tokens own-clients). Default:
   * false.
   */
  private @Nullable Boolean bearerOnly;

  /**
   * Incoming Authorization: Bearer access tokens accepted in place of a login: none, or own-clients
   * (access tokens the provider issued to client-id or m2m-client-id; an access token is an RFC
   * 9068 JWT, header typ at+jwt, or one whose aud names bearer-audience). Default: none.
   */
  private @Nullable String bearerTokens;

  /**
   * Space-separated aud values that mark an incoming bearer JWT as an access token for this
   * application (never client-id or m2m-client-id: ID tokens carry those). Default: none (only typ
   * at+jwt).
   */
  private @Nullable List<String> bearerAudience;

  /**
   * IP addresses or CIDR ranges whose Forwarded / X-Forwarded-* headers are believed when computing
   * the redirect URI. Default: none.
   */
  private @Nullable List<String> trustedProxies;

  /**
   * Request header names hidden from the application besides the built-in identity headers of
   * proxies and SSO gateways, comma or space separated; a trailing * hides a prefix. Default: none
   * (the built-in list).
   */
  private @Nullable List<String> identityHeaders;

  /**
   * True: no filter; Portcullis registers itself as the container's Jakarta Authentication module
   * (web.xml applications). Not for Spring Boot, whose applications Spring Security secures: true
   * is refused at start-up. Default: false.
   */
  private @Nullable Boolean containerAuth;

  /**
   * Statuses, comma or space separated, of 400 401 403 405 502 503, whose browser error answers go
   * through the container's sendError, so that the application's error-page mapping for the status
   * shows them (the reason code in the request attribute io.portcullis.reason); list only statuses
   * the application maps; API answers stay JSON. Default: none (Portcullis's own pages).
   */
  private @Nullable List<String> containerErrorPages;

  /**
   * Path of a properties file to read instead of portcullis.properties on the classpath. Default:
   * portcullis.properties on the classpath.
   */
  private @Nullable String configFile;

  /**
   * Path of a Keycloak adapter keycloak.json whose keys are read below every other source (README
   * "keycloak.json"), or classpath: and a resource name. Default: none in a Spring Boot application
   * (WEB-INF/keycloak.json in a WAR filter).
   */
  private @Nullable String keycloakConfigFile;

  /** Settings of the client-credentials interceptor for outgoing calls. */
  private final ClientCredentials clientCredentials = new ClientCredentials();

  /** Returns whether Portcullis is enabled ({@code portcullis.enabled}, default true). */
  public boolean isEnabled() {
    return enabled;
  }

  /** Sets {@code portcullis.enabled}. */
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  /** Returns {@code portcullis.issuer} as bound, or null when not set. */
  public @Nullable String getIssuer() {
    return issuer;
  }

  /** Sets {@code portcullis.issuer}. */
  public void setIssuer(@Nullable String issuer) {
    this.issuer = issuer;
  }

  /** Returns {@code portcullis.authorization-endpoint} as bound, or null when not set. */
  public @Nullable String getAuthorizationEndpoint() {
    return authorizationEndpoint;
  }

  /** Sets {@code portcullis.authorization-endpoint}. */
  public void setAuthorizationEndpoint(@Nullable String authorizationEndpoint) {
    this.authorizationEndpoint = authorizationEndpoint;
  }

  /** Returns {@code portcullis.token-endpoint} as bound, or null when not set. */
  public @Nullable String getTokenEndpoint() {
    return tokenEndpoint;
  }

  /** Sets {@code portcullis.token-endpoint}. */
  public void setTokenEndpoint(@Nullable String tokenEndpoint) {
    this.tokenEndpoint = tokenEndpoint;
  }

  /** Returns {@code portcullis.jwks-uri} as bound, or null when not set. */
  public @Nullable String getJwksUri() {
    return jwksUri;
  }

  /** Sets {@code portcullis.jwks-uri}. */
  public void setJwksUri(@Nullable String jwksUri) {
    this.jwksUri = jwksUri;
  }

  /** Returns {@code portcullis.userinfo-endpoint} as bound, or null when not set. */
  public @Nullable String getUserinfoEndpoint() {
    return userinfoEndpoint;
  }

  /** Sets {@code portcullis.userinfo-endpoint}. */
  public void setUserinfoEndpoint(@Nullable String userinfoEndpoint) {
    this.userinfoEndpoint = userinfoEndpoint;
  }

  /** Returns {@code portcullis.end-session-endpoint} as bound, or null when not set. */
  public @Nullable String getEndSessionEndpoint() {
    return endSessionEndpoint;
  }

  /** Sets {@code portcullis.end-session-endpoint}. */
  public void setEndSessionEndpoint(@Nullable String endSessionEndpoint) {
    this.endSessionEndpoint = endSessionEndpoint;
  }

  /** Returns {@code portcullis.client-id} as bound, or null when not set. */
  public @Nullable String getClientId() {
    return clientId;
  }

  /** Sets {@code portcullis.client-id}. */
  public void setClientId(@Nullable String clientId) {
    this.clientId = clientId;
  }

  /** Returns {@code portcullis.client-secret} as bound, or null when not set. */
  public @Nullable String getClientSecret() {
    return clientSecret;
  }

  /** Sets {@code portcullis.client-secret}. */
  public void setClientSecret(@Nullable String clientSecret) {
    this.clientSecret = clientSecret;
  }

  /** Returns {@code portcullis.client-key-file} as bound, or null when not set. */
  public @Nullable String getClientKeyFile() {
    return clientKeyFile;
  }

  /** Sets {@code portcullis.client-key-file}. */
  public void setClientKeyFile(@Nullable String clientKeyFile) {
    this.clientKeyFile = clientKeyFile;
  }

  /** Returns {@code portcullis.client-key-id} as bound, or null when not set. */
  public @Nullable String getClientKeyId() {
    return clientKeyId;
  }

  /** Sets {@code portcullis.client-key-id}. */
  public void setClientKeyId(@Nullable String clientKeyId) {
    this.clientKeyId = clientKeyId;
  }

  /** Returns {@code portcullis.client-jwks-path} as bound, or null when not set. */
  public @Nullable String getClientJwksPath() {
    return clientJwksPath;
  }

  /** Sets {@code portcullis.client-jwks-path}. */
  public void setClientJwksPath(@Nullable String clientJwksPath) {
    this.clientJwksPath = clientJwksPath;
  }

  /** Returns {@code portcullis.dpop} as bound, or null when not set. */
  public @Nullable Boolean getDpop() {
    return dpop;
  }

  /** Sets {@code portcullis.dpop}. */
  public void setDpop(@Nullable Boolean dpop) {
    this.dpop = dpop;
  }

  /** Returns {@code portcullis.dpop-key-file} as bound, or null when not set. */
  public @Nullable String getDpopKeyFile() {
    return dpopKeyFile;
  }

  /** Sets {@code portcullis.dpop-key-file}. */
  public void setDpopKeyFile(@Nullable String dpopKeyFile) {
    this.dpopKeyFile = dpopKeyFile;
  }

  /** Returns {@code portcullis.par} as bound, or null when not set. */
  public @Nullable String getPar() {
    return par;
  }

  /** Sets {@code portcullis.par}. */
  public void setPar(@Nullable String par) {
    this.par = par;
  }

  /** Returns {@code portcullis.client-auth} as bound, or null when not set. */
  public @Nullable String getClientAuth() {
    return clientAuth;
  }

  /** Sets {@code portcullis.client-auth}. */
  public void setClientAuth(@Nullable String clientAuth) {
    this.clientAuth = clientAuth;
  }

  /** Returns {@code portcullis.m2m-client-id} as bound, or null when not set. */
  public @Nullable String getM2mClientId() {
    return m2mClientId;
  }

  /** Sets {@code portcullis.m2m-client-id}. */
  public void setM2mClientId(@Nullable String m2mClientId) {
    this.m2mClientId = m2mClientId;
  }

  /** Returns {@code portcullis.m2m-client-secret} as bound, or null when not set. */
  public @Nullable String getM2mClientSecret() {
    return m2mClientSecret;
  }

  /** Sets {@code portcullis.m2m-client-secret}. */
  public void setM2mClientSecret(@Nullable String m2mClientSecret) {
    this.m2mClientSecret = m2mClientSecret;
  }

  /** Returns {@code portcullis.scopes} as bound, or null when not set. */
  public @Nullable List<String> getScopes() {
    return scopes;
  }

  /** Sets {@code portcullis.scopes}. */
  public void setScopes(@Nullable List<String> scopes) {
    this.scopes = scopes;
  }

  /** Returns {@code portcullis.redirect-path} as bound, or null when not set. */
  public @Nullable String getRedirectPath() {
    return redirectPath;
  }

  /** Sets {@code portcullis.redirect-path}. */
  public void setRedirectPath(@Nullable String redirectPath) {
    this.redirectPath = redirectPath;
  }

  /** Returns {@code portcullis.logout-path} as bound, or null when not set. */
  public @Nullable String getLogoutPath() {
    return logoutPath;
  }

  /** Sets {@code portcullis.logout-path}. */
  public void setLogoutPath(@Nullable String logoutPath) {
    this.logoutPath = logoutPath;
  }

  /** Returns {@code portcullis.health-path} as bound, or null when not set. */
  public @Nullable String getHealthPath() {
    return healthPath;
  }

  /** Sets {@code portcullis.health-path}. */
  public void setHealthPath(@Nullable String healthPath) {
    this.healthPath = healthPath;
  }

  /** Returns {@code portcullis.backchannel-logout-path} as bound, or null when not set. */
  public @Nullable String getBackchannelLogoutPath() {
    return backchannelLogoutPath;
  }

  /** Sets {@code portcullis.backchannel-logout-path}. */
  public void setBackchannelLogoutPath(@Nullable String backchannelLogoutPath) {
    this.backchannelLogoutPath = backchannelLogoutPath;
  }

  /** Returns {@code portcullis.frontchannel-logout-path} as bound, or null when not set. */
  public @Nullable String getFrontchannelLogoutPath() {
    return frontchannelLogoutPath;
  }

  /** Sets {@code portcullis.frontchannel-logout-path}. */
  public void setFrontchannelLogoutPath(@Nullable String frontchannelLogoutPath) {
    this.frontchannelLogoutPath = frontchannelLogoutPath;
  }

  /** Returns {@code portcullis.post-logout-redirect-uri} as bound, or null when not set. */
  public @Nullable String getPostLogoutRedirectUri() {
    return postLogoutRedirectUri;
  }

  /** Sets {@code portcullis.post-logout-redirect-uri}. */
  public void setPostLogoutRedirectUri(@Nullable String postLogoutRedirectUri) {
    this.postLogoutRedirectUri = postLogoutRedirectUri;
  }

  /** Returns the access rules as bound: list items, or one block string as a single item. */
  public @Nullable List<String> getRules() {
    return rules;
  }

  /** Sets the access rules, one rule line per item (an item may hold several lines). */
  public void setRules(@Nullable List<String> rules) {
    this.rules = rules;
  }

  /** Returns {@code portcullis.providers} as bound, or null when not set. */
  public @Nullable List<String> getProviders() {
    return providers;
  }

  /** Sets {@code portcullis.providers}. */
  public void setProviders(@Nullable List<String> providers) {
    this.providers = providers;
  }

  /** Returns {@code portcullis.provider-rules} as bound, or null when not set. */
  public @Nullable List<String> getProviderRules() {
    return providerRules;
  }

  /** Sets {@code portcullis.provider-rules}. */
  public void setProviderRules(@Nullable List<String> providerRules) {
    this.providerRules = providerRules;
  }

  /** Returns {@code portcullis.display-name} as bound, or null when not set. */
  public @Nullable String getDisplayName() {
    return displayName;
  }

  /** Sets {@code portcullis.display-name}. */
  public void setDisplayName(@Nullable String displayName) {
    this.displayName = displayName;
  }

  /** Returns {@code portcullis.tenants} as bound, or null when not set. */
  public @Nullable List<String> getTenants() {
    return tenants;
  }

  /** Sets {@code portcullis.tenants}. */
  public void setTenants(@Nullable List<String> tenants) {
    this.tenants = tenants;
  }

  /** Returns the providers' own keys by provider name and key ({@code portcullis.provider.*}). */
  public Map<String, Map<String, String>> getProvider() {
    return provider;
  }

  /** Sets the providers' own keys. */
  public void setProvider(Map<String, Map<String, String>> provider) {
    this.provider = new LinkedHashMap<>(provider);
  }

  /** Returns {@code portcullis.refresh-before} as bound, or null when not set. */
  public @Nullable Duration getRefreshBefore() {
    return refreshBefore;
  }

  /** Sets {@code portcullis.refresh-before}. */
  public void setRefreshBefore(@Nullable Duration refreshBefore) {
    this.refreshBefore = refreshBefore;
  }

  /** Returns {@code portcullis.userinfo} as bound, or null when not set. */
  public @Nullable String getUserinfo() {
    return userinfo;
  }

  /** Sets {@code portcullis.userinfo}. */
  public void setUserinfo(@Nullable String userinfo) {
    this.userinfo = userinfo;
  }

  /** Returns {@code portcullis.session-idle-timeout} as bound, or null when not set. */
  public @Nullable Duration getSessionIdleTimeout() {
    return sessionIdleTimeout;
  }

  /** Sets {@code portcullis.session-idle-timeout}. */
  public void setSessionIdleTimeout(@Nullable Duration sessionIdleTimeout) {
    this.sessionIdleTimeout = sessionIdleTimeout;
  }

  /** Returns {@code portcullis.session-max-lifetime} as bound, or null when not set. */
  public @Nullable Duration getSessionMaxLifetime() {
    return sessionMaxLifetime;
  }

  /** Sets {@code portcullis.session-max-lifetime}. */
  public void setSessionMaxLifetime(@Nullable Duration sessionMaxLifetime) {
    this.sessionMaxLifetime = sessionMaxLifetime;
  }

  /** Returns {@code portcullis.base-url} as bound, or null when not set. */
  public @Nullable String getBaseUrl() {
    return baseUrl;
  }

  /** Sets {@code portcullis.base-url}. */
  public void setBaseUrl(@Nullable String baseUrl) {
    this.baseUrl = baseUrl;
  }

  /** Returns {@code portcullis.authorization-params} as bound, or null when not set. */
  public @Nullable String getAuthorizationParams() {
    return authorizationParams;
  }

  /** Sets {@code portcullis.authorization-params}. */
  public void setAuthorizationParams(@Nullable String authorizationParams) {
    this.authorizationParams = authorizationParams;
  }

  /** Returns {@code portcullis.principal-claim} as bound, or null when not set. */
  public @Nullable String getPrincipalClaim() {
    return principalClaim;
  }

  /** Sets {@code portcullis.principal-claim}. */
  public void setPrincipalClaim(@Nullable String principalClaim) {
    this.principalClaim = principalClaim;
  }

  /** Returns {@code portcullis.roles-claim} as bound, or null when not set. */
  public @Nullable String getRolesClaim() {
    return rolesClaim;
  }

  /** Sets {@code portcullis.roles-claim}. */
  public void setRolesClaim(@Nullable String rolesClaim) {
    this.rolesClaim = rolesClaim;
  }

  /** Returns {@code portcullis.http-timeout} as bound, or null when not set. */
  public @Nullable Duration getHttpTimeout() {
    return httpTimeout;
  }

  /** Sets {@code portcullis.http-timeout}. */
  public void setHttpTimeout(@Nullable Duration httpTimeout) {
    this.httpTimeout = httpTimeout;
  }

  /** Returns {@code portcullis.response-mode} as bound, or null when not set. */
  public @Nullable String getResponseMode() {
    return responseMode;
  }

  /** Sets {@code portcullis.response-mode}. */
  public void setResponseMode(@Nullable String responseMode) {
    this.responseMode = responseMode;
  }

  /** Returns {@code portcullis.state-key} as bound, or null when not set. */
  public @Nullable String getStateKey() {
    return stateKey;
  }

  /** Sets {@code portcullis.state-key}. */
  public void setStateKey(@Nullable String stateKey) {
    this.stateKey = stateKey;
  }

  /** Returns {@code portcullis.previous-state-key} as bound, or null when not set. */
  public @Nullable String getPreviousStateKey() {
    return previousStateKey;
  }

  /** Sets {@code portcullis.previous-state-key}. */
  public void setPreviousStateKey(@Nullable String previousStateKey) {
    this.previousStateKey = previousStateKey;
  }

  /** Returns {@code portcullis.scope-step-up} as bound, or null when not set. */
  public @Nullable Boolean getScopeStepUp() {
    return scopeStepUp;
  }

  /** Sets {@code portcullis.scope-step-up}. */
  public void setScopeStepUp(@Nullable Boolean scopeStepUp) {
    this.scopeStepUp = scopeStepUp;
  }

  /** Returns {@code portcullis.preserve-post} as bound, or null when not set. */
  public @Nullable Boolean getPreservePost() {
    return preservePost;
  }

  /** Sets {@code portcullis.preserve-post}. */
  public void setPreservePost(@Nullable Boolean preservePost) {
    this.preservePost = preservePost;
  }

  /** Returns {@code portcullis.preserve-post-max-bytes} as bound, or null when not set. */
  public @Nullable String getPreservePostMaxBytes() {
    return preservePostMaxBytes;
  }

  /** Sets {@code portcullis.preserve-post-max-bytes}. */
  public void setPreservePostMaxBytes(@Nullable String preservePostMaxBytes) {
    this.preservePostMaxBytes = preservePostMaxBytes;
  }

  /** Returns {@code portcullis.bearer-only} as bound, or null when not set. */
  public @Nullable Boolean getBearerOnly() {
    return bearerOnly;
  }

  /** Sets {@code portcullis.bearer-only}. */
  public void setBearerOnly(@Nullable Boolean bearerOnly) {
    this.bearerOnly = bearerOnly;
  }

  /** Returns {@code portcullis.bearer-tokens} as bound, or null when not set. */
  public @Nullable String getBearerTokens() {
    return bearerTokens;
  }

  /** Sets {@code portcullis.bearer-tokens}. */
  public void setBearerTokens(@Nullable String bearerTokens) {
    this.bearerTokens = bearerTokens;
  }

  /** Returns {@code portcullis.bearer-audience} as bound, or null when not set. */
  public @Nullable List<String> getBearerAudience() {
    return bearerAudience;
  }

  /** Sets {@code portcullis.bearer-audience}. */
  public void setBearerAudience(@Nullable List<String> bearerAudience) {
    this.bearerAudience = bearerAudience;
  }

  /** Returns {@code portcullis.trusted-proxies} as bound, or null when not set. */
  public @Nullable List<String> getTrustedProxies() {
    return trustedProxies;
  }

  /** Sets {@code portcullis.trusted-proxies}. */
  public void setTrustedProxies(@Nullable List<String> trustedProxies) {
    this.trustedProxies = trustedProxies;
  }

  /** Returns {@code portcullis.identity-headers} as bound, or null when not set. */
  public @Nullable List<String> getIdentityHeaders() {
    return identityHeaders;
  }

  /** Sets {@code portcullis.identity-headers}. */
  public void setIdentityHeaders(@Nullable List<String> identityHeaders) {
    this.identityHeaders = identityHeaders;
  }

  /** Returns {@code portcullis.container-auth} as bound, or null when not set. */
  public @Nullable Boolean getContainerAuth() {
    return containerAuth;
  }

  /** Sets {@code portcullis.container-auth}. */
  public void setContainerAuth(@Nullable Boolean containerAuth) {
    this.containerAuth = containerAuth;
  }

  /** Returns {@code portcullis.container-error-pages} as bound, or null when not set. */
  public @Nullable List<String> getContainerErrorPages() {
    return containerErrorPages;
  }

  /** Sets {@code portcullis.container-error-pages}. */
  public void setContainerErrorPages(@Nullable List<String> containerErrorPages) {
    this.containerErrorPages = containerErrorPages;
  }

  /** Returns {@code portcullis.config-file} as bound, or null when not set. */
  public @Nullable String getConfigFile() {
    return configFile;
  }

  /** Sets {@code portcullis.config-file}. */
  public void setConfigFile(@Nullable String configFile) {
    this.configFile = configFile;
  }

  /** Returns {@code portcullis.keycloak-config-file} as bound, or null when not set. */
  public @Nullable String getKeycloakConfigFile() {
    return keycloakConfigFile;
  }

  /** Sets {@code portcullis.keycloak-config-file}. */
  public void setKeycloakConfigFile(@Nullable String keycloakConfigFile) {
    this.keycloakConfigFile = keycloakConfigFile;
  }

  /** Returns the settings under {@code portcullis.client-credentials}. */
  public ClientCredentials getClientCredentials() {
    return clientCredentials;
  }

  /**
   * The bound values of the {@link ConfigKey} keys that are set, by key ({@code client-id}), in
   * table order, as the text every other source gives ({@link ConfigKey#textOf}); {@code enabled}
   * and {@code client-credentials.*} are not among them.
   */
  Map<String, String> toKeyValues() {
    BeanWrapper bean = new BeanWrapperImpl(this);
    Map<String, String> map = new LinkedHashMap<>();
    for (ConfigKey key : ConfigKey.values()) {
      Object value = bean.getPropertyValue(propertyName(key));
      if (value != null) {
        map.put(key.key(), key.textOf(value));
      }
    }
    provider.forEach(
        (name, keys) ->
            keys.forEach((key, value) -> map.put("provider." + name + "." + key, value)));
    return map;
  }

  /** The bean property of {@code key}: {@code client-id} is {@code clientId}. */
  static String propertyName(ConfigKey key) {
    StringBuilder name = new StringBuilder();
    for (String word : key.key().split("-")) {
      name.append(
          name.length() == 0 ? word : Character.toUpperCase(word.charAt(0)) + word.substring(1));
    }
    return name.toString();
  }

  /** Settings of {@link PortcullisClientCredentialsInterceptor}. */
  public static class ClientCredentials {
    /**
     * Scopes of the client-credentials token that the PortcullisClientCredentialsInterceptor bean
     * sends as Authorization: Bearer on outgoing RestClient / RestTemplate calls. Default: none
     * (the token is requested without a scope parameter).
     */
    private List<String> scopes = new ArrayList<>();

    /** Returns the scopes of the interceptor's token. */
    public List<String> getScopes() {
      return scopes;
    }

    /** Sets the scopes of the interceptor's token. */
    public void setScopes(List<String> scopes) {
      this.scopes = new ArrayList<>(scopes);
    }
  }
}
