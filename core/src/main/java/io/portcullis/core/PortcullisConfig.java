package io.portcullis.core;

import io.portcullis.core.internal.nimbus.ClientKey;
import io.portcullis.core.internal.nimbus.DpopProver;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import org.jspecify.annotations.Nullable;

/**
 * The complete, validated Portcullis configuration: parsed once from layered sources into immutable
 * typed values, so that nothing is resolved per request (SPEC.md, "Configuration keys"). Instances
 * are immutable and thread-safe.
 */
public final class PortcullisConfig {

  /** Every key's typed value, as its {@link ConfigKey} declaration makes it; immutable. */
  private final Map<ConfigKey, Object> values;

  /** With {@code providers}: this provider's name; else null. */
  private final @Nullable String providerName;

  /** With {@code providers}: every provider's configuration by name, in order; else empty. */
  private final Map<String, PortcullisConfig> providers;

  private PortcullisConfig(ConfigParser p) {
    this(p, null, Map.of());
  }

  private PortcullisConfig(
      ConfigParser p, @Nullable String providerName, Map<String, PortcullisConfig> providers) {
    values = Collections.unmodifiableMap(new EnumMap<>(p.values()));
    this.providerName = providerName;
    this.providers = providers;
  }

  @SuppressWarnings("unchecked")
  private <T> T get(ConfigKey key) {
    return (T) Objects.requireNonNull(values.get(key), key.key()); // every key has a value
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
    List<String> names = List.of();
    Object listed = parser.values().get(ConfigKey.PROVIDERS);
    if (listed instanceof List<?> l && !l.isEmpty()) {
      names = l.stream().map(String::valueOf).toList();
    }
    if (names.isEmpty()) {
      if (!parser.problems().isEmpty()) {
        throw new InvalidConfigurationException(parser.problems(), ConfigProblem.Spelling.KEYS);
      }
      return new PortcullisConfig(parser);
    }
    return providers(List.of(lowestToHighestPrecedence), parser, names);
  }

  /**
   * The configuration of several providers (README "More than one provider"): each provider's is
   * the global keys with its own {@code provider.<name>.<key>} keys on top, its {@code
   * redirect-path} (and {@code backchannel-logout-path}) the global one and {@code /<name>} unless
   * it sets its own; every problem of every provider is reported at once. Returns the first
   * provider's configuration, which holds them all ({@link #providers()}).
   */
  private static PortcullisConfig providers(
      List<ConfigSource> sources, ConfigParser global, List<String> names) {
    Set<ConfigProblem> problems = new LinkedHashSet<>();
    Map<String, ConfigParser> parsers = new LinkedHashMap<>();
    for (String name : names) {
      List<ConfigSource> layered = new ArrayList<>(sources);
      Map<String, String> derived = new LinkedHashMap<>();
      derived.put(
          ConfigKey.REDIRECT_PATH.key(), global.values().get(ConfigKey.REDIRECT_PATH) + "/" + name);
      if (global.values().get(ConfigKey.BACKCHANNEL_LOGOUT_PATH) instanceof Optional<?> o
          && o.isPresent()) {
        derived.put(ConfigKey.BACKCHANNEL_LOGOUT_PATH.key(), o.get() + "/" + name);
      }
      layered.add(ConfigSource.of("provider " + name + " (derived)", derived));
      for (ConfigSource source : sources) {
        layered.add(ProviderKeys.view(source, name));
      }
      ConfigParser parser = new ConfigParser(layered);
      for (ConfigProblem problem : parser.problems()) {
        problems.add(
            problem.kind() == ConfigProblem.Kind.MISSING && problem.source() == null
                ? new ConfigProblem(
                    ConfigProblem.Kind.MISSING,
                    problem.key(),
                    null,
                    null,
                    null,
                    ConfigProblem.Text.of(problem.problem(), " (provider " + name + ")"),
                    ConfigProblem.Text.of(
                        "set provider." + name + ".",
                        java.util.Objects.requireNonNull(problem.key()),
                        " (or the key itself for every provider)"))
                : problem);
      }
      parsers.put(name, parser);
    }
    if (problems.isEmpty()) {
      // Distinct issuers (a session is bound to its provider by its issuer) and distinct
      // callback paths (a response is taken only at the path of the provider it was sent to).
      Map<Object, String> seen = new LinkedHashMap<>();
      for (Map.Entry<String, ConfigParser> e : parsers.entrySet()) {
        for (ConfigKey key :
            List.of(ConfigKey.ISSUER, ConfigKey.REDIRECT_PATH, ConfigKey.BACKCHANNEL_LOGOUT_PATH)) {
          Object value = e.getValue().values().get(key);
          if (value instanceof Optional<?> o) {
            value = o.orElse(null);
          }
          if (value == null) {
            continue;
          }
          String other = seen.putIfAbsent(key.key() + " " + value, e.getKey());
          if (other != null) {
            problems.add(
                new ConfigProblem(
                    ConfigProblem.Kind.INVALID,
                    key,
                    "providers",
                    "provider." + e.getKey() + "." + key.key(),
                    String.valueOf(value),
                    ConfigProblem.Text.of("is the same as provider " + other + "'s"),
                    ConfigProblem.Text.of("a value of its own for each provider")));
          }
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidConfigurationException(List.copyOf(problems), ConfigProblem.Spelling.KEYS);
    }
    Map<String, PortcullisConfig> configs = new LinkedHashMap<>();
    Map<String, PortcullisConfig> view = Collections.unmodifiableMap(configs);
    PortcullisConfig first = null;
    for (Map.Entry<String, ConfigParser> e : parsers.entrySet()) {
      PortcullisConfig config = new PortcullisConfig(e.getValue(), e.getKey(), view);
      configs.put(e.getKey(), config);
      if (first == null) {
        first = config;
      }
    }
    return java.util.Objects.requireNonNull(first);
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

  /**
   * With {@code providers} (README "More than one provider"): the name of the provider this
   * configuration is of; else empty.
   */
  public Optional<String> providerName() {
    return Optional.ofNullable(providerName);
  }

  /**
   * With {@code providers}: every provider's configuration by name, in the order listed (this one
   * among them); else empty.
   */
  public Map<String, PortcullisConfig> providers() {
    return providers;
  }

  /** Returns the name the selection page shows: {@code display-name}, else the provider's name. */
  String displayName() {
    Optional<String> name = get(ConfigKey.DISPLAY_NAME);
    return name.orElse(providerName == null ? "" : providerName);
  }

  /** Returns {@code tenants}: the tenants a multi-tenant issuer's tokens may come from. */
  Set<String> tenants() {
    return Set.copyOf(this.<List<String>>get(ConfigKey.TENANTS));
  }

  /** Returns {@code provider-rules}: which provider a login starts with; empty without. */
  List<ProviderRule> providerRules() {
    return get(ConfigKey.PROVIDER_RULES);
  }

  /** Returns the provider's issuer, from which metadata is discovered, when configured. */
  public Optional<URI> issuer() {
    return get(ConfigKey.ISSUER);
  }

  /** Returns the explicit authorization endpoint (RFC 6749 §3.1), when configured. */
  public Optional<URI> authorizationEndpoint() {
    return get(ConfigKey.AUTHORIZATION_ENDPOINT);
  }

  /** Returns the explicit token endpoint (RFC 6749 §3.2), when configured. */
  public Optional<URI> tokenEndpoint() {
    return get(ConfigKey.TOKEN_ENDPOINT);
  }

  /** Returns the explicit JWK set URI that verifies ID tokens, when configured. */
  public Optional<URI> jwksUri() {
    return get(ConfigKey.JWKS_URI);
  }

  /** Returns the explicit UserInfo endpoint (OIDC Core §5.3), when configured. */
  public Optional<URI> userinfoEndpoint() {
    return get(ConfigKey.USERINFO_ENDPOINT);
  }

  /** Returns the explicit end-session endpoint (OIDC RP-Initiated Logout), when configured. */
  public Optional<URI> endSessionEndpoint() {
    return get(ConfigKey.END_SESSION_ENDPOINT);
  }

  /** Returns the client identifier (RFC 6749 §2.2); never empty. */
  public String clientId() {
    return get(ConfigKey.CLIENT_ID);
  }

  /** Returns the client secret, when the client is confidential. Never log it. */
  public Optional<String> clientSecret() {
    return get(ConfigKey.CLIENT_SECRET);
  }

  /**
   * Returns how the client authenticates at the token endpoint: consistent with {@link
   * #clientSecret()}, and {@link ClientAuth#PRIVATE_KEY_JWT} exactly when {@link #clientKey()} is
   * present.
   */
  ClientAuth clientAuth() {
    return get(ConfigKey.CLIENT_AUTH);
  }

  /**
   * Returns the {@code private_key_jwt} signing key read from {@code client-key-file}, under {@code
   * client-key-id} when that is set; empty without one. Never log its material (its {@code
   * toString()} shows none).
   */
  Optional<ClientKey> clientKey() {
    Optional<String> keyId = get(ConfigKey.CLIENT_KEY_ID);
    return this.<Optional<ConfigParser.KeyFile>>get(ConfigKey.CLIENT_KEY_FILE)
        .map(f -> keyId.map(f.key()::withKeyId).orElse(f.key()));
  }

  /** Returns whether tokens are bound to a DPoP key (RFC 9449, {@code dpop}). */
  public boolean dpop() {
    return get(ConfigKey.DPOP);
  }

  /**
   * Returns the path of {@code dpop-key-file}, when the DPoP key is read from a file; empty when it
   * is generated at start (or DPoP is off).
   */
  public Optional<String> dpopKeyFile() {
    return this.<Optional<ConfigParser.DpopKeyFile>>get(ConfigKey.DPOP_KEY_FILE)
        .map(ConfigParser.DpopKeyFile::path);
  }

  /** The DPoP key read from {@code dpop-key-file}; empty without one. Never log its material. */
  Optional<DpopProver> dpopKey() {
    return this.<Optional<ConfigParser.DpopKeyFile>>get(ConfigKey.DPOP_KEY_FILE)
        .map(ConfigParser.DpopKeyFile::prover);
  }

  /**
   * Returns the path where the public JWK Set of {@link #clientKey()} is answered ({@code
   * client-jwks-path}), starting with {@code /}; empty when it is not published.
   */
  public Optional<String> clientJwksPath() {
    return get(ConfigKey.CLIENT_JWKS_PATH);
  }

  /**
   * Returns the client identifier for client credentials tokens (RFC 6749 §4.4): {@code
   * m2m-client-id}, else {@code client-id}; present in every valid configuration.
   */
  public Optional<String> m2mClientId() {
    return get(ConfigKey.M2M_CLIENT_ID);
  }

  /**
   * Returns the client secret for client credentials tokens: {@code m2m-client-secret}, or {@code
   * client-secret} when {@code m2m-client-id} is not set; empty when that client is public, which
   * the client credentials grant does not allow (OAuth 2.1 §4.2). Never log it.
   */
  public Optional<String> m2mClientSecret() {
    return get(ConfigKey.M2M_CLIENT_SECRET);
  }

  /** Returns the scopes asked for at login, in order, without duplicates, including openid. */
  public List<String> scopes() {
    return get(ConfigKey.SCOPES);
  }

  /** Returns the callback path inside the application, starting with {@code /}. */
  public String redirectPath() {
    return get(ConfigKey.REDIRECT_PATH);
  }

  /** Returns the local logout path, starting with {@code /} and unlike the callback path. */
  public String logoutPath() {
    return get(ConfigKey.LOGOUT_PATH);
  }

  /**
   * Returns where the provider sends the user after logout, an absolute URL or a path of this
   * application; empty means the application root.
   */
  public Optional<String> postLogoutRedirectUri() {
    return get(ConfigKey.POST_LOGOUT_REDIRECT_URI);
  }

  /**
   * Returns the path of the opt-in health answer ({@code health-path}), starting with {@code /};
   * empty when there is none.
   */
  public Optional<String> healthPath() {
    return get(ConfigKey.HEALTH_PATH);
  }

  /**
   * Returns the path of the opt-in back-channel logout endpoint ({@code backchannel-logout-path}),
   * starting with {@code /}; empty when there is none.
   */
  public Optional<String> backchannelLogoutPath() {
    return get(ConfigKey.BACKCHANNEL_LOGOUT_PATH);
  }

  /**
   * Returns the path of the opt-in front-channel logout endpoint ({@code
   * frontchannel-logout-path}), starting with {@code /}; empty when there is none.
   */
  public Optional<String> frontchannelLogoutPath() {
    return get(ConfigKey.FRONTCHANNEL_LOGOUT_PATH);
  }

  /** Returns the parsed access rules; {@code /** authenticated} when none are configured. */
  AccessRules rules() {
    return get(ConfigKey.RULES);
  }

  /** Returns how long before its expiry the access token is refreshed; zero or more. */
  public Duration refreshBefore() {
    return get(ConfigKey.REFRESH_BEFORE);
  }

  /**
   * Returns how long a login may go unused before it ends ({@code session-idle-timeout}); zero
   * means no idle timeout.
   */
  public Duration sessionIdleTimeout() {
    return get(ConfigKey.SESSION_IDLE_TIMEOUT);
  }

  /**
   * Returns how long after the user logged in a login ends ({@code session-max-lifetime}); zero
   * means no maximum.
   */
  public Duration sessionMaxLifetime() {
    return get(ConfigKey.SESSION_MAX_LIFETIME);
  }

  /** Returns the application's public URL; empty means it is derived from the request. */
  public Optional<URI> baseUrl() {
    return get(ConfigKey.BASE_URL);
  }

  /**
   * Returns the extra authorization request parameters, decoded, in configured order; none of them
   * is a parameter Portcullis sets itself.
   */
  public Map<String, String> authorizationParams() {
    return get(ConfigKey.AUTHORIZATION_PARAMS);
  }

  /**
   * Returns the claim that names the user; empty means {@code preferred_username}, else {@code
   * sub}.
   */
  public Optional<String> principalClaim() {
    return get(ConfigKey.PRINCIPAL_CLAIM);
  }

  /**
   * Returns whether the application takes bearer tokens only: a request that needs a login and has
   * no valid bearer token gets {@code 401}, never a login redirect.
   */
  public boolean bearerOnly() {
    return get(ConfigKey.BEARER_ONLY);
  }

  /**
   * Returns when claims are read from the UserInfo endpoint: {@code auto}, {@code always} or {@code
   * never}.
   */
  String userinfo() {
    return get(ConfigKey.USERINFO);
  }

  /** Returns the claim, possibly a dotted path, whose values count as roles, when configured. */
  public Optional<String> rolesClaim() {
    return get(ConfigKey.ROLES_CLAIM);
  }

  /**
   * Returns the deadline of each call to the provider (connect, send, whole response), 1 to 300
   * seconds.
   */
  public Duration httpTimeout() {
    return get(ConfigKey.HTTP_TIMEOUT);
  }

  /** Returns how the provider returns the authorization response. */
  ResponseMode responseMode() {
    return get(ConfigKey.RESPONSE_MODE);
  }

  /**
   * Returns whether authorization requests are pushed (RFC 9126) when the provider's metadata does
   * not require it: {@code true} for {@code par=true}; {@code false} for {@code par=false}, which
   * pushes never; empty for {@code auto}, which pushes exactly when the provider requires it.
   */
  Optional<Boolean> par() {
    String par = get(ConfigKey.PAR);
    return par.equals("auto") ? Optional.empty() : Optional.of(par.equals("true"));
  }

  /**
   * Returns a copy of the 32-byte key that protects pre-login state cookies; empty means a random
   * key per start. Never log it.
   */
  public Optional<byte[]> stateKey() {
    return this.<Optional<byte[]>>get(ConfigKey.STATE_KEY).map(byte[]::clone);
  }

  /**
   * Returns a copy of the former {@code state-key}, still accepted for reading session records and
   * state cookies while a key is rotated; empty when none. Never log it.
   */
  public Optional<byte[]> previousStateKey() {
    return this.<Optional<byte[]>>get(ConfigKey.PREVIOUS_STATE_KEY).map(byte[]::clone);
  }

  /**
   * Returns whether the container authenticates through Portcullis (Jakarta Authentication) instead
   * of the filter deciding by the rules ({@code container-auth}).
   */
  public boolean containerAuth() {
    return get(ConfigKey.CONTAINER_AUTH);
  }

  /** Returns whether missing scopes are asked for when a browser reaches a rule needing them. */
  public boolean scopeStepUp() {
    return get(ConfigKey.SCOPE_STEP_UP);
  }

  /**
   * Returns whether a browser's same-origin form {@code POST} that needs a login is kept in the
   * session and posted again after the login ({@code preserve-post}).
   */
  public boolean preservePost() {
    return get(ConfigKey.PRESERVE_POST);
  }

  /** Returns the largest form body, in bytes, that {@code preserve-post} keeps. */
  public int preservePostMaxBytes() {
    return get(ConfigKey.PRESERVE_POST_MAX_BYTES);
  }

  /**
   * Returns the statuses whose browser error answers go through the container's {@code sendError}
   * (the application's error pages) instead of Portcullis's own pages; empty by default. API
   * answers stay JSON either way.
   */
  public Set<Integer> containerErrorPages() {
    return get(ConfigKey.CONTAINER_ERROR_PAGES);
  }

  /**
   * Returns whether {@code Authorization: Bearer} JWT access tokens issued to this application's
   * own clients are accepted in place of a login ({@code bearer-tokens=own-clients}).
   */
  public boolean acceptsOwnClientBearerTokens() {
    return get(ConfigKey.BEARER_TOKENS).equals("own-clients");
  }

  /**
   * Returns the audiences ({@code bearer-audience}) whose presence in a bearer JWT's {@code aud}
   * marks it as an access token for this application; empty when only RFC 9068's {@code typ} {@code
   * at+jwt} does. Never holds the client ids.
   */
  public Set<String> bearerAudience() {
    return get(ConfigKey.BEARER_AUDIENCE);
  }

  /** Returns the trusted proxy entries (addresses or CIDR ranges) as configured, in order. */
  public List<String> trustedProxies() {
    return this.<ConfigParser.Proxies>get(ConfigKey.TRUSTED_PROXIES).entries();
  }

  /**
   * Returns true when {@code ipAddress}, an IPv4 or IPv6 literal such as {@code
   * request.getRemoteAddr()}, lies in a trusted proxy range; never resolves host names, so anything
   * else is untrusted.
   */
  public boolean isTrustedProxy(String ipAddress) {
    Objects.requireNonNull(ipAddress, "ipAddress");
    for (IpRange range : this.<ConfigParser.Proxies>get(ConfigKey.TRUSTED_PROXIES).ranges()) {
      if (range.contains(ipAddress)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Returns the request headers hidden from the application besides the built-in identity headers
   * ({@code identity-headers}): lower case, {@code _} written {@code -}, a trailing {@code *}
   * meaning every name with that prefix.
   */
  public List<String> identityHeaders() {
    return get(ConfigKey.IDENTITY_HEADERS);
  }

  /** Lists every set or defaulted key with its value, secrets shown as {@code ****}. */
  @Override
  public String toString() {
    StringJoiner out = new StringJoiner(", ", "PortcullisConfig{", "}");
    for (ConfigKey key : ConfigKey.values()) {
      shown(key, get(key)).ifPresent(v -> out.add(key.key() + "=" + v));
    }
    return out.toString();
  }

  /**
   * How {@code toString()} shows a key's typed value, as the text that sets it (one line); empty
   * when there is nothing to show (not set, or an empty collection).
   */
  static Optional<String> shown(ConfigKey key, Object value) {
    if (value instanceof Optional<?> optional) {
      return optional.flatMap(v -> shown(key, v));
    }
    if (value instanceof ConfigParser.Proxies proxies) {
      return shown(key, proxies.entries());
    }
    String text;
    if (key.secret()) {
      text = "****";
    } else if (value instanceof Duration duration) {
      text = Long.toString(duration.toSeconds());
    } else if (value instanceof Collection<?> items) {
      if (items.isEmpty()) {
        return Optional.empty();
      }
      text = key.textOf(List.copyOf(items));
    } else if (value instanceof Map<?, ?> map) {
      if (map.isEmpty()) {
        return Optional.empty();
      }
      StringJoiner pairs = new StringJoiner("&");
      map.forEach((k, v) -> pairs.add(k + "=" + v));
      text = pairs.toString();
    } else if (value instanceof ClientAuth clientAuth) {
      text = clientAuth.value();
    } else if (value instanceof ResponseMode responseMode) {
      text = responseMode.value();
    } else {
      text = String.valueOf(value);
    }
    return Optional.of(text.replace("\r", "").replace("\n", "\\n"));
  }
}
