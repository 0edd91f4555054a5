package io.portcullis.core;

import io.portcullis.core.ConfigProblem.Text;
import io.portcullis.core.internal.nimbus.ClientKey;
import io.portcullis.core.internal.nimbus.DpopProver;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Turns layered {@link ConfigSource}s into the typed values of a {@link PortcullisConfig},
 * collecting every problem before failing once. Each problem line names the key, the source and raw
 * name the value came from, the value (never a secret one) and what is expected.
 */
final class ConfigParser {

  static final List<String> PROTECTED_AUTHORIZATION_PARAMS =
      List.of(
          "response_type",
          "client_id",
          "redirect_uri",
          "scope",
          "state",
          "nonce",
          "code_challenge",
          "code_challenge_method",
          "response_mode");

  private static final String LOOPBACK_HOSTS = "localhost, 127.0.0.0/8 and [::1]";

  /** A raw value as found, and where: the last source that set the key wins. */
  record Setting(ConfigKey key, String value, ConfigSource source, String rawName) {

    String origin() {
      return "from " + source.name() + " \"" + rawName + "\"";
    }

    String shown() {
      return key.secret() ? "(value hidden)" : quote(value);
    }

    /** Never shows a secret value, unlike the generated record {@code toString()}. */
    @Override
    public String toString() {
      return key.key() + " = " + shown() + " (" + origin() + ")";
    }
  }

  private enum UriKind {
    ISSUER,
    PROVIDER_ENDPOINT,
    APPLICATION_BASE,
    APPLICATION_REDIRECT
  }

  /**
   * How a key's typed value is made (its part of the {@link ConfigKey} declaration): from its
   * setting, null when the key is not set, and the values of the keys above it in the table. It
   * reports problems to the parser and then returns null, as it does when the key's {@linkplain
   * ConfigKey#defaultValue() default} applies.
   */
  @FunctionalInterface
  interface Rule {
    @Nullable Object value(ConfigParser parser, @Nullable Setting setting);
  }

  /** How a key's value is read when it is set (see {@link #whenSet}). */
  interface SetRule {
    @Nullable Object value(ConfigParser parser, Setting setting);
  }

  /**
   * {@code client-key-file}: the path as configured and the key read from it; shown as the path.
   */
  record KeyFile(String path, ClientKey key) {
    @Override
    public String toString() {
      return path;
    }
  }

  /** {@code dpop-key-file}: the path as configured and the key read from it; shown as the path. */
  record DpopKeyFile(String path, DpopProver prover) {
    @Override
    public String toString() {
      return path;
    }
  }

  /** The trusted proxy entries as configured and the ranges they stand for. */
  record Proxies(List<String> entries, List<IpRange> ranges) {
    static final Proxies NONE = new Proxies(List.of(), List.of());
  }

  private final List<ConfigProblem> problems = new ArrayList<>();
  private final Map<ConfigKey, Setting> settings = new EnumMap<>(ConfigKey.class);
  private final Map<ConfigKey, Object> values = new EnumMap<>(ConfigKey.class);

  /** The provider keys found ({@code provider.<name>.<key>}), checked against {@code providers}. */
  private final List<Setting> providerSettings = new ArrayList<>();

  ConfigParser(List<ConfigSource> lowestToHighest) {
    for (ConfigSource source : lowestToHighest) {
      collect(source);
    }
    // A source's own problem stands unless a later source sets the key it is about; one about the
    // client's credential (client-secret) also falls when a later source sets client-key-file.
    for (ConfigSource source : lowestToHighest) {
      for (ConfigProblem problem : source.problems()) {
        Setting winner = problem.key() == null ? null : settings.get(problem.key());
        if (winner == null && problem.key() == ConfigKey.CLIENT_SECRET) {
          winner = settings.get(ConfigKey.CLIENT_KEY_FILE);
        }
        if (problem.key() == ConfigKey.KEYCLOAK_CONFIG_FILE
            || winner == null
            || winner.source() == source) {
          problems.add(problem);
        }
      }
    }
    for (ConfigKey key : ConfigKey.values()) {
      Object value = key.rule().value(this, setting(key).orElse(null));
      values.put(key, value == null ? key.defaultValue() : value);
    }
    checkProviderSettings();
  }

  /** Every provider key set must name a provider that {@code providers} lists. */
  private void checkProviderSettings() {
    List<String> providers = value(ConfigKey.PROVIDERS);
    for (Setting s : providerSettings) {
      String name =
          ProviderKeys.parse(s.source(), s.rawName()).map(ProviderKeys.Name::provider).orElse("");
      if (!providers.contains(name)) {
        problems.add(
            new ConfigProblem(
                ConfigProblem.Kind.INVALID,
                ConfigKey.PROVIDERS,
                s.source().name(),
                s.rawName(),
                null,
                Text.of("names provider \"" + name + "\", which ", ConfigKey.PROVIDERS, " lacks"),
                Text.of(
                    "a provider listed in ",
                    ConfigKey.PROVIDERS,
                    " (lower-case letters and digits)")));
      }
    }
  }

  /** The typed values, every key present; read once the problems are known to be none. */
  Map<ConfigKey, Object> values() {
    return values;
  }

  /** A rule that applies only when the key is set; otherwise the default stands. */
  static Rule whenSet(SetRule parse) {
    return (parser, setting) -> setting == null ? null : parse.value(parser, setting);
  }

  /** The value of a key above the one being parsed. */
  @SuppressWarnings("unchecked")
  private <T> T value(ConfigKey key) {
    return (T) java.util.Objects.requireNonNull(values.get(key), key.key());
  }

  List<ConfigProblem> problems() {
    return problems;
  }

  private void collect(ConfigSource source) {
    source
        .entries()
        .forEach(
            (rawName, value) -> {
              Optional<ConfigKey> key = source.keyOf(rawName);
              Optional<ProviderKeys.Name> provider =
                  key.isPresent() ? Optional.empty() : ProviderKeys.parse(source, rawName);
              if (key.isPresent()) {
                settings.put(key.get(), new Setting(key.get(), value.strip(), source, rawName));
              } else if (provider.isPresent() && provider.get().key() != null) {
                ConfigKey k = java.util.Objects.requireNonNull(provider.get().key());
                providerSettings.add(new Setting(k, value.strip(), source, rawName));
              } else if (provider.isPresent()) {
                problems.add(
                    new ConfigProblem(
                        ConfigProblem.Kind.UNKNOWN,
                        null,
                        source.name(),
                        rawName,
                        null,
                        Text.of(
                            "unknown provider key (README \"More than one provider\" lists the keys a provider can set)"),
                        null));
              } else {
                problems.add(
                    ConfigProblem.unknown(
                        source, rawName, suggestion(source, rawName).orElse(null)));
              }
            });
  }

  private static Optional<String> suggestion(ConfigSource source, String rawName) {
    String lower = rawName.toLowerCase(Locale.ROOT);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (ConfigKey key : ConfigKey.values()) {
      String candidate = source.rawNameOf(key);
      int distance = editDistance(lower, candidate.toLowerCase(Locale.ROOT));
      int allowed = Math.max(1, Math.min(3, key.key().length() / 4));
      if (distance <= allowed && distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return Optional.ofNullable(best);
  }

  /** Levenshtein distance: insertions, deletions and substitutions. */
  static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  // ---- provider -------------------------------------------------------------------------------

  static Rule endpoint() {
    return whenSet((p, s) -> p.uri(s, UriKind.PROVIDER_ENDPOINT));
  }

  @Nullable Object issuer(@Nullable Setting s) {
    if (s != null) {
      return uri(s, UriKind.ISSUER);
    }
    // Every login returns an ID token whose iss must equal the issuer (OIDC Core §3.1.3.7
    // step 2), so the issuer is needed even when every endpoint is given explicitly.
    missing(
        ConfigKey.ISSUER,
        Text.of(
            "is required: ID tokens are checked against it (with ",
            ConfigKey.AUTHORIZATION_ENDPOINT,
            ", ",
            ConfigKey.TOKEN_ENDPOINT,
            " and ",
            ConfigKey.JWKS_URI,
            " all given, no discovery request is made)"));
    return null;
  }

  @Nullable Object baseUrl(Setting s) {
    return uri(s, UriKind.APPLICATION_BASE);
  }

  private Optional<URI> uri(Setting s, UriKind kind) {
    URI uri;
    try {
      uri = new URI(s.value());
    } catch (URISyntaxException e) {
      invalid(s, "is not a valid URI (" + e.getReason() + ")", expectedUrl(kind));
      return Optional.empty();
    }
    if (uri.getRawUserInfo() != null) {
      problems.add(
          problem(
              s,
              null,
              Text.of("must not carry user info (value hidden)"),
              Text.of(expectedUrl(kind))));
      return Optional.empty();
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String problem = null;
    if (!uri.isAbsolute() || !(scheme.equals("http") || scheme.equals("https"))) {
      problem = "is not an absolute http or https URL";
    } else if (uri.getHost() == null) {
      problem = "has no valid host";
    } else if (uri.getRawFragment() != null) {
      problem = "must not have a fragment";
    } else if ((kind == UriKind.ISSUER || kind == UriKind.APPLICATION_BASE)
        && uri.getRawQuery() != null) {
      problem = "must not have a query";
    } else if ((kind == UriKind.ISSUER || kind == UriKind.PROVIDER_ENDPOINT)
        && scheme.equals("http")
        && !IpRange.isLoopback(uri.getHost())) {
      problem = "uses plain http, which is allowed only on loopback hosts (" + LOOPBACK_HOSTS + ")";
    }
    if (problem != null) {
      invalid(s, problem, expectedUrl(kind));
      return Optional.empty();
    }
    return Optional.of(uri);
  }

  private static String expectedUrl(UriKind kind) {
    switch (kind) {
      case ISSUER:
        return "the provider's issuer identifier, an https URL without query or fragment"
            + " (OpenID Connect Core §1.2), e.g. https://idp.example.com/realms/app";
      case PROVIDER_ENDPOINT:
        return "an https URL of the provider without fragment (RFC 6749 §3.1); http only for "
            + LOOPBACK_HOSTS;
      case APPLICATION_BASE:
        return "the application's public http or https URL without query or fragment,"
            + " e.g. https://app.example.com/myapp";
      default:
        return "an absolute http or https URL without fragment, or a path starting with /";
    }
  }

  // ---- client ---------------------------------------------------------------------------------

  @Nullable Object clientId(@Nullable Setting s) {
    if (s == null) {
      missing(ConfigKey.CLIENT_ID, Text.of("is required"));
      return null;
    }
    return s.value();
  }

  /** The largest key file read: a JWK Set of a few RSA keys is far smaller. */
  private static final int MAX_KEY_FILE_BYTES = 64 * 1024;

  /**
   * Reads {@code client-key-file} at start, so that a missing, unreadable or public-only key stops
   * the start. No message shows any of the file's content.
   */
  @Nullable Object clientKeyFile(Setting s) {
    return keyFile(
        s,
        "a readable PKCS#8 PEM file (-----BEGIN PRIVATE KEY-----, RSA or EC) or a JWK / JWK Set"
            + " JSON file with one private RSA or EC key",
        text -> new KeyFile(s.value(), ClientKey.parse(text)));
  }

  /**
   * Reads {@code dpop-key-file} at start, as {@link #clientKeyFile} does; set only with {@code
   * dpop=true}.
   */
  @Nullable Object dpopKeyFile(Setting s) {
    if (!this.<Boolean>value(ConfigKey.DPOP)) {
      invalid(
          s,
          Text.of("is set but ", ConfigKey.DPOP, " is not true"),
          Text.of(ConfigKey.DPOP, " true with it, or no ", ConfigKey.DPOP_KEY_FILE));
      return null;
    }
    return keyFile(
        s,
        "a readable PKCS#8 PEM file (-----BEGIN PRIVATE KEY-----, EC or RSA) or a JWK / JWK Set"
            + " JSON file with one private EC or RSA key",
        text -> new DpopKeyFile(s.value(), DpopProver.parse(text)));
  }

  /**
   * The key file {@code s} names, read by {@code parse} (which throws {@link
   * IllegalArgumentException} with a message that shows none of the text), as an {@link Optional};
   * null after reporting why it cannot be read or used.
   */
  private @Nullable Object keyFile(
      Setting s, String expected, java.util.function.Function<String, Object> parse) {
    String text = keyFileText(s, expected);
    if (text == null) {
      return null;
    }
    try {
      return Optional.of(parse.apply(text));
    } catch (IllegalArgumentException e) {
      invalid(s, "is not a usable private key: the file " + e.getMessage(), expected);
      return null;
    }
  }

  /** The text of the key file {@code s} names, or null after reporting why it cannot be read. */
  private @Nullable String keyFileText(Setting s, String expected) {
    Path path;
    try {
      path = Path.of(s.value());
    } catch (RuntimeException e) {
      invalid(s, "is not a file path", expected);
      return null;
    }
    try {
      if (Files.size(path) > MAX_KEY_FILE_BYTES) {
        invalid(s, "is larger than 64 KiB, too large for a key file", expected);
        return null;
      }
      return Files.readString(path, StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      invalid(s, "cannot be read (" + e.getClass().getSimpleName() + ")", expected);
      return null;
    }
  }

  @Nullable Object clientKeyId(@Nullable Setting s) {
    if (s == null) {
      return null;
    }
    if (!isSet(ConfigKey.CLIENT_KEY_FILE)) {
      invalid(
          s,
          Text.of("is set but ", ConfigKey.CLIENT_KEY_FILE, " is not"),
          Text.of(ConfigKey.CLIENT_KEY_FILE, " with it, or no ", ConfigKey.CLIENT_KEY_ID));
      return null;
    }
    if (s.value().chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
      invalid(s, "holds whitespace or control characters", "a key id without them");
      return null;
    }
    return Optional.of(s.value());
  }

  @Nullable Object clientAuth(@Nullable Setting s) {
    Optional<String> clientSecret = value(ConfigKey.CLIENT_SECRET);
    boolean keyFile = isSet(ConfigKey.CLIENT_KEY_FILE);
    if (s == null) {
      ClientAuth derived =
          clientSecret.isPresent()
              ? ClientAuth.CLIENT_SECRET_BASIC
              : keyFile ? ClientAuth.PRIVATE_KEY_JWT : ClientAuth.NONE;
      if (derived != ClientAuth.PRIVATE_KEY_JWT) {
        keyFileUnused(derived);
      }
      return derived;
    }
    String expected = "one of client_secret_basic, client_secret_post, private_key_jwt, none";
    Optional<ClientAuth> parsed = ClientAuth.fromValue(s.value());
    if (parsed.isEmpty()) {
      invalid(s, "is not a client authentication method", expected);
      return null;
    }
    ClientAuth clientAuth = parsed.get();
    if (clientAuth != ClientAuth.PRIVATE_KEY_JWT) {
      keyFileUnused(clientAuth);
    }
    switch (clientAuth) {
      case PRIVATE_KEY_JWT:
        if (!keyFile) {
          invalid(
              s,
              Text.of("private_key_jwt needs ", ConfigKey.CLIENT_KEY_FILE, ", which is not set"),
              Text.of(
                  ConfigKey.CLIENT_KEY_FILE,
                  " to be set (",
                  Text.howToSet(ConfigKey.CLIENT_KEY_FILE),
                  ")"));
        }
        if (clientSecret.isPresent()) {
          invalid(
              s,
              Text.of(
                  ConfigKey.CLIENT_SECRET,
                  " is set but ",
                  ConfigKey.CLIENT_AUTH,
                  " is private_key_jwt (",
                  ConfigKey.CLIENT_SECRET,
                  " " + setting(ConfigKey.CLIENT_SECRET).orElseThrow().origin() + ")"),
              Text.of(
                  "no ",
                  ConfigKey.CLIENT_SECRET,
                  ": a private_key_jwt client authenticates with ",
                  ConfigKey.CLIENT_KEY_FILE,
                  " only"));
        }
        break;
      case CLIENT_SECRET_BASIC:
      case CLIENT_SECRET_POST:
        if (clientSecret.isEmpty()) {
          invalid(
              s,
              Text.of(
                  clientAuth.value() + " needs ", ConfigKey.CLIENT_SECRET, ", which is not set"),
              Text.of(
                  ConfigKey.CLIENT_SECRET,
                  " to be set (",
                  Text.howToSet(ConfigKey.CLIENT_SECRET),
                  "), or ",
                  ConfigKey.CLIENT_AUTH,
                  " none for a public client"));
        }
        break;
      case NONE:
        if (clientSecret.isPresent()) {
          invalid(
              s,
              Text.of(
                  ConfigKey.CLIENT_SECRET,
                  " is set but ",
                  ConfigKey.CLIENT_AUTH,
                  " is none (",
                  ConfigKey.CLIENT_SECRET,
                  " " + setting(ConfigKey.CLIENT_SECRET).orElseThrow().origin() + ")"),
              Text.of(
                  "client_secret_basic or client_secret_post with a secret, or no ",
                  ConfigKey.CLIENT_SECRET,
                  " for a public client"));
        }
        break;
    }
    return clientAuth;
  }

  /** {@code client-key-file} set for a {@code client-auth} that does not use it. */
  private void keyFileUnused(ClientAuth clientAuth) {
    setting(ConfigKey.CLIENT_KEY_FILE)
        .ifPresent(
            k ->
                invalid(
                    k,
                    Text.of(
                        "is set but ",
                        ConfigKey.CLIENT_AUTH,
                        " is " + clientAuth.value() + ", which does not use it"),
                    Text.of(
                        ConfigKey.CLIENT_AUTH,
                        " private_key_jwt (and no ",
                        ConfigKey.CLIENT_SECRET,
                        "), or no ",
                        ConfigKey.CLIENT_KEY_FILE)));
  }

  // ---- client credentials (machine-to-machine) -----------------------------------------------

  /**
   * {@code m2m-client-id} defaults to {@code client-id}, and then {@code m2m-client-secret} to
   * {@code client-secret}. A separate {@code m2m-client-id} needs its own secret: the client
   * credentials grant is for confidential clients only (OAuth 2.1 §4.2). A {@code
   * m2m-client-secret} without {@code m2m-client-id} is refused as ambiguous: one client has one
   * secret, so a second secret for the filter's own client is a mistake.
   */
  @Nullable Object m2mClientId(@Nullable Setting s) {
    if (s != null) {
      return Optional.of(s.value());
    }
    String clientId = value(ConfigKey.CLIENT_ID);
    return isSet(ConfigKey.M2M_CLIENT_SECRET) || clientId.isEmpty()
        ? Optional.empty()
        : Optional.of(clientId);
  }

  @Nullable Object m2mClientSecret(@Nullable Setting s) {
    if (isSet(ConfigKey.M2M_CLIENT_ID)) {
      if (s == null) {
        missing(
            ConfigKey.M2M_CLIENT_SECRET,
            Text.of(
                "is required when ",
                ConfigKey.M2M_CLIENT_ID,
                " is set ("
                    + setting(ConfigKey.M2M_CLIENT_ID).orElseThrow().origin()
                    + "): the client credentials grant is for confidential clients only (OAuth 2.1"
                    + " §4.2)"));
        return null;
      }
      return Optional.of(s.value());
    }
    if (s != null) {
      invalid(
          s,
          Text.of("is set but ", ConfigKey.M2M_CLIENT_ID, " is not"),
          Text.of(
              ConfigKey.M2M_CLIENT_ID,
              " with it (",
              Text.howToSet(ConfigKey.M2M_CLIENT_ID),
              "), or no ",
              ConfigKey.M2M_CLIENT_SECRET,
              " to use ",
              ConfigKey.CLIENT_ID,
              " and ",
              ConfigKey.CLIENT_SECRET));
      return null;
    }
    return value(ConfigKey.CLIENT_SECRET);
  }

  // ---- scopes ---------------------------------------------------------------------------------

  @Nullable Object scopes(Setting s) {
    String expected =
        "space-separated scope tokens (RFC 6749 §3.3) that include openid (OpenID Connect Core"
            + " §3.1.2.1), e.g. \"openid profile email\"";
    Set<String> tokens = new LinkedHashSet<>(List.of(s.value().split("\\s+")));
    for (String token : tokens) {
      if (!token.chars().allMatch(Scopes::isTokenChar)) {
        invalid(
            s, "scope " + quote(token) + " has characters RFC 6749 §3.3 does not allow", expected);
        return null;
      }
    }
    if (!tokens.contains("openid")) {
      invalid(s, "does not contain openid", expected);
      return null;
    }
    return List.copyOf(tokens);
  }

  // ---- paths ----------------------------------------------------------------------------------

  @Nullable Object logoutPath(@Nullable Setting logout) {
    String logoutPath = logout == null ? null : path(logout);
    String redirectPath = value(ConfigKey.REDIRECT_PATH);
    if (redirectPath.equals(
        logoutPath != null ? logoutPath : ConfigKey.LOGOUT_PATH.defaultValue())) {
      Setting s = logout != null ? logout : setting(ConfigKey.REDIRECT_PATH).orElseThrow();
      invalid(
          s,
          Text.of(
              "is the same path as ",
              s.key() == ConfigKey.LOGOUT_PATH ? ConfigKey.REDIRECT_PATH : ConfigKey.LOGOUT_PATH),
          Text.of(ConfigKey.REDIRECT_PATH, " and ", ConfigKey.LOGOUT_PATH, " to differ"));
    }
    return logoutPath;
  }

  @Nullable Object clientJwksPath(Setting s) {
    if (!isSet(ConfigKey.CLIENT_KEY_FILE)) {
      invalid(
          s,
          Text.of("is set but ", ConfigKey.CLIENT_KEY_FILE, " is not: there is no key to publish"),
          Text.of(ConfigKey.CLIENT_KEY_FILE, " with it, or no ", ConfigKey.CLIENT_JWKS_PATH));
      return null;
    }
    Object path = ownPath(s, "/portcullis/jwks");
    Optional<String> health = value(ConfigKey.HEALTH_PATH);
    if (path instanceof Optional<?> p && p.equals(health)) {
      invalid(
          s,
          Text.of("is the same path as ", ConfigKey.HEALTH_PATH),
          Text.of("a path of its own, unlike ", ConfigKey.HEALTH_PATH));
      return null;
    }
    return path;
  }

  /**
   * A plain path of its own inside the application, unlike {@code redirect-path} and {@code
   * logout-path}: {@code health-path}.
   */
  @Nullable Object healthPath(Setting s) {
    return ownPath(s, "/portcullis/health");
  }

  @Nullable Object backchannelLogoutPath(Setting s) {
    return ownPath(s, "/portcullis/backchannel-logout");
  }

  @Nullable Object frontchannelLogoutPath(Setting s) {
    return ownPath(s, "/portcullis/frontchannel-logout");
  }

  /**
   * An opt-in endpoint's path: plain, and unlike the callback, logout and other endpoint paths
   * (those above it in {@link ConfigKey}).
   */
  private @Nullable Object ownPath(Setting s, String example) {
    String value = s.value();
    if (!value.startsWith("/") || value.startsWith("//") || !isCleanPath(value, true)) {
      invalid(
          s,
          "is not a plain path inside the application",
          "a path starting with a single /, without ?, # or whitespace, e.g. " + example);
      return null;
    }
    for (ConfigKey endpoint :
        List.of(
            ConfigKey.REDIRECT_PATH,
            ConfigKey.LOGOUT_PATH,
            ConfigKey.HEALTH_PATH,
            ConfigKey.BACKCHANNEL_LOGOUT_PATH)) {
      if (endpoint == s.key()) {
        break;
      }
      Object other = values.get(endpoint);
      String otherPath =
          other instanceof String p
              ? p
              : other instanceof Optional<?> o ? (String) o.orElse(null) : null;
      if (otherPath != null && stripSlash(otherPath).equals(stripSlash(value))) {
        invalid(
            s,
            Text.of("is the same path as ", endpoint),
            Text.of(
                "a path of its own, unlike ",
                ConfigKey.REDIRECT_PATH,
                ", ",
                ConfigKey.LOGOUT_PATH,
                ", ",
                ConfigKey.HEALTH_PATH,
                " and ",
                ConfigKey.BACKCHANNEL_LOGOUT_PATH));
        return null;
      }
    }
    return Optional.of(stripSlash(value));
  }

  private static String stripSlash(String path) {
    return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  @Nullable Object postLogoutRedirectUri(Setting s) {
    String value = s.value();
    if (value.startsWith("/") && !value.startsWith("//")) {
      if (isCleanPath(value, false)) {
        return Optional.of(value);
      }
      invalid(s, "is not a valid path", expectedUrl(UriKind.APPLICATION_REDIRECT));
      return null;
    }
    return uri(s, UriKind.APPLICATION_REDIRECT).map(URI::toString);
  }

  @Nullable String path(Setting s) {
    if (!s.value().startsWith("/") || s.value().startsWith("//") || !isCleanPath(s.value(), true)) {
      invalid(
          s,
          "is not a plain path inside the application",
          "a path starting with a single /, without ?, # or whitespace, e.g. "
              + s.key().defaultText());
      return null;
    }
    return s.value();
  }

  private static boolean isCleanPath(String path, boolean refuseQueryAndFragment) {
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c <= ' ' || c == 0x7f || (refuseQueryAndFragment && (c == '?' || c == '#'))) {
        return false;
      }
    }
    try {
      new URI(path);
      return true;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  // ---- rules ----------------------------------------------------------------------------------

  @Nullable Object rules(Setting s) {
    try {
      return AccessRules.parse(s.value());
    } catch (IllegalArgumentException e) {
      problems.add(
          problem(
              s,
              null,
              Text.of(String.valueOf(e.getMessage())),
              Text.of("one rule per line, [METHODS] PATTERN ACCESS, e.g. \"/admin/** admin\"")));
      return null;
    }
  }

  // ---- providers ------------------------------------------------------------------------------

  @Nullable Object providers(Setting s) {
    List<String> names = new ArrayList<>();
    for (String item : s.value().split(",", -1)) {
      String name = item.strip();
      if (!ProviderKeys.NAME.matcher(name).matches() || names.contains(name)) {
        invalid(
            s,
            names.contains(name)
                ? "names provider \"" + name + "\" twice"
                : "has an invalid provider name " + quote(name),
            "distinct names of lower-case letters and digits, starting with a letter, separated by"
                + " commas, e.g. employees,partners");
        return null;
      }
      names.add(name);
    }
    return List.copyOf(names);
  }

  @Nullable Object tenants(Setting s) {
    List<String> tenants = new ArrayList<>();
    for (String item : s.value().split(",", -1)) {
      String tenant = item.strip();
      if (!tenant.matches("[A-Za-z0-9][A-Za-z0-9.-]{0,254}")) {
        invalid(
            s,
            "has an invalid tenant id " + quote(tenant),
            "tenant ids (GUIDs or domain names) separated by commas, e.g."
                + " 72f988bf-86f1-41af-91ab-2d7cd011db47");
        return null;
      }
      tenants.add(tenant);
    }
    return List.copyOf(tenants);
  }

  @Nullable Object providerRules(Setting s) {
    List<String> providers = value(ConfigKey.PROVIDERS);
    List<ProviderRule> rules = new ArrayList<>();
    for (String item : s.value().split(",", -1)) {
      String text = item.strip();
      int eq = text.lastIndexOf('=');
      String name = eq < 0 ? "" : text.substring(eq + 1).strip();
      String match = eq < 0 ? "" : text.substring(0, eq).strip();
      String problem = null;
      if (eq < 0 || match.isEmpty()) {
        problem = "has a rule without MATCH=PROVIDER: " + quote(text);
      } else if (!providers.contains(name)) {
        problem = "names provider " + quote(name) + ", which providers does not list";
      } else if (match.startsWith("host:")) {
        String host = match.substring(5).toLowerCase(Locale.ROOT);
        if (!host.matches("[a-z0-9]([a-z0-9.-]{0,252})")) {
          problem = "has an invalid host " + quote(host);
        } else {
          rules.add(new ProviderRule(text, host, null, name));
        }
      } else if (PathPattern.problem(match) != null) {
        problem = "has an invalid path: " + PathPattern.problem(match);
      } else {
        rules.add(new ProviderRule(text, null, PathPattern.compile(match, false), name));
      }
      if (problem != null) {
        invalid(
            s,
            problem,
            "rules separated by commas, each host:HOST=PROVIDER or PATTERN=PROVIDER with a provider"
                + " of providers, e.g. host:partners.example.com=partners, /partner/**=partners");
        return null;
      }
    }
    return List.copyOf(rules);
  }

  // ---- numbers --------------------------------------------------------------------------------

  static Rule seconds(long min, long max) {
    return whenSet((p, s) -> p.seconds(s, min, max));
  }

  private @Nullable Duration seconds(Setting s, long min, long max) {
    Long seconds = wholeNumber(s, min, max, "seconds");
    return seconds == null ? null : Duration.ofSeconds(seconds);
  }

  static Rule bytes(long min, long max) {
    return whenSet((p, s) -> p.bytes(s, min, max));
  }

  private @Nullable Integer bytes(Setting s, long min, long max) {
    Long bytes = wholeNumber(s, min, max, "bytes");
    return bytes == null ? null : bytes.intValue();
  }

  /** A whole number of {@code unit} from {@code min} to {@code max}, or null (reported). */
  private @Nullable Long wholeNumber(Setting s, long min, long max, String unit) {
    ConfigKey key = s.key();
    String expected =
        "a whole number of "
            + unit
            + " "
            + (max == Integer.MAX_VALUE ? "of at least " + min : "from " + min + " to " + max)
            + ", e.g. "
            + key.defaultText();
    String value = s.value();
    if (value.isEmpty()
        || value.length() > 10
        || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
      invalid(s, "is not a whole number of " + unit, expected);
      return null;
    }
    long number = Long.parseLong(value);
    if (number < min || number > max) {
      invalid(s, "is out of range", expected);
      return null;
    }
    return number;
  }

  // ---- authorization params -------------------------------------------------------------------

  @Nullable Object authorizationParams(Setting s) {
    String expected =
        "name=value pairs separated by &, URL-encoded, e.g. \"prompt=consent&audience=api\"";
    Map<String, String> params = new LinkedHashMap<>();
    for (String pair : s.value().split("&", -1)) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        invalid(s, "pair " + quote(pair) + " has no name=value form", expected);
        return null;
      }
      String name;
      String value;
      try {
        name = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8).strip();
        value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        invalid(s, "pair " + quote(pair) + " is not URL-encoded correctly", expected);
        return null;
      }
      if (name.isEmpty()) {
        invalid(s, "pair " + quote(pair) + " has an empty name", expected);
        return null;
      }
      if (PROTECTED_AUTHORIZATION_PARAMS.contains(name.toLowerCase(Locale.ROOT))) {
        invalid(
            s,
            Text.of(
                "parameter " + quote(name) + " is set by Portcullis and cannot be overridden",
                hintFor(name.toLowerCase(Locale.ROOT))),
            Text.of("parameters other than " + String.join(", ", PROTECTED_AUTHORIZATION_PARAMS)));
        return null;
      }
      if (params.put(name, value) != null) {
        invalid(s, "parameter " + quote(name) + " is given twice", expected);
        return null;
      }
    }
    return Collections.unmodifiableMap(params);
  }

  private static Text hintFor(String param) {
    switch (param) {
      case "scope":
        return Text.of(" (use ", ConfigKey.SCOPES, ")");
      case "response_mode":
        return Text.of(" (use ", ConfigKey.RESPONSE_MODE, ")");
      case "redirect_uri":
        return Text.of(" (use ", ConfigKey.REDIRECT_PATH, " and ", ConfigKey.BASE_URL, ")");
      case "client_id":
        return Text.of(" (use ", ConfigKey.CLIENT_ID, ")");
      default:
        return Text.of();
    }
  }

  // ---- claims, modes, keys, flags, proxies -----------------------------------------------------

  @Nullable Object text(Setting s) {
    return Optional.of(s.value());
  }

  @Nullable Object rolesClaim(Setting s) {
    String value = s.value();
    if (value.startsWith(".") || value.endsWith(".") || value.contains("..")) {
      invalid(
          s,
          "has an empty segment",
          "a claim name or a dotted path to a claim, e.g. realm_access.roles");
      return null;
    }
    return Optional.of(value);
  }

  @Nullable Object responseMode(Setting s) {
    Optional<ResponseMode> mode = ResponseMode.fromValue(s.value());
    if (mode.isEmpty()) {
      invalid(s, "is not a response mode", "query or form_post");
      return null;
    }
    return mode.get();
  }

  @Nullable Object userinfo(Setting s) {
    return oneOf(s, "a UserInfo setting", "auto", "always", "never");
  }

  @Nullable Object par(Setting s) {
    return oneOf(s, "a pushed authorization request setting", "auto", "true", "false");
  }

  /** The value in lower case when it is one of {@code values}; else a problem and null. */
  private @Nullable String oneOf(Setting s, String what, String... values) {
    String value = s.value().toLowerCase(Locale.ROOT);
    if (!List.of(values).contains(value)) {
      int last = values.length - 1;
      invalid(
          s,
          "is not " + what,
          String.join(", ", List.of(values).subList(0, last)) + " or " + values[last]);
      return null;
    }
    return value;
  }

  @Nullable Object bearerTokens(@Nullable Setting s) {
    boolean bearerOnly = value(ConfigKey.BEARER_ONLY);
    if (s == null) {
      return bearerOnly ? "own-clients" : null;
    }
    if (s.value().equals("none") && bearerOnly) {
      invalid(
          s,
          Text.of("is none but ", ConfigKey.BEARER_ONLY, " is true"),
          Text.of("own-clients (the default with ", ConfigKey.BEARER_ONLY, ")"));
      return null;
    }
    if (s.value().equals("none") || s.value().equals("own-clients")) {
      return s.value();
    }
    invalid(s, "is not a bearer token policy", "none or own-clients");
    return null;
  }

  /**
   * {@code bearer-audience}: audiences whose presence in {@code aud} marks a bearer JWT as an
   * access token for this application. The client's own id is refused: every ID token of the client
   * carries it, and an ID token is never a bearer token.
   */
  @Nullable Object bearerAudience(Setting s) {
    String clientId = value(ConfigKey.CLIENT_ID);
    Optional<String> m2mClientId = value(ConfigKey.M2M_CLIENT_ID);
    Text expected =
        Text.of(
            "space-separated audience values of this application's API (its aud), e.g."
                + " \"https://api.example.com\"; not ",
            ConfigKey.CLIENT_ID,
            " or ",
            ConfigKey.M2M_CLIENT_ID);
    Set<String> values = new LinkedHashSet<>(List.of(s.value().trim().split("\\s+")));
    values.remove("");
    for (String own : new String[] {clientId, m2mClientId.orElse(clientId)}) {
      if (!own.isEmpty() && values.contains(own)) {
        invalid(
            s,
            Text.of(
                "contains the client id "
                    + quote(own)
                    + ", the audience of the client's ID tokens"),
            expected);
        return null;
      }
    }
    return java.util.Collections.unmodifiableSet(values);
  }

  @Nullable Object stateKey(Setting s) {
    String expected =
        "base64 (standard or URL-safe) of exactly 32 random bytes, e.g. from"
            + " \"openssl rand -base64 32\"";
    String value = s.value();
    byte[] key;
    try {
      key =
          (value.indexOf('-') >= 0 || value.indexOf('_') >= 0
                  ? Base64.getUrlDecoder()
                  : Base64.getDecoder())
              .decode(value);
    } catch (IllegalArgumentException e) {
      invalid(s, "is not valid base64", expected);
      return null;
    }
    if (key.length != 32) {
      invalid(s, "decodes to " + key.length + " bytes, not 32", expected);
      return null;
    }
    return Optional.of(key);
  }

  /** A former {@code state-key}: only beside a {@code state-key}, which is parsed first. */
  @Nullable Object previousStateKey(Setting s) {
    Optional<byte[]> stateKey = value(ConfigKey.STATE_KEY);
    if (stateKey.isEmpty()) {
      invalid(
          s,
          "is set without state-key",
          "set state-key to the new key and previous-state-key to the former one");
      return null;
    }
    return stateKey(s);
  }

  @Nullable Object flag(Setting s) {
    if (s.value().equalsIgnoreCase("true")) {
      return true;
    } else if (s.value().equalsIgnoreCase("false")) {
      return false;
    }
    invalid(s, "is not a boolean", "true or false");
    return null;
  }

  /** The statuses Portcullis answers a browser navigation with, for {@code sendError}. */
  private static final Set<Integer> BROWSER_ERROR_STATUSES = Set.of(400, 401, 403, 405, 502, 503);

  @Nullable Object errorPageStatuses(Setting s) {
    Set<Integer> statuses = new java.util.TreeSet<>();
    for (String entry : s.value().trim().split("[,\\s]+")) {
      if (entry.isEmpty()) {
        continue;
      }
      Integer status = entry.matches("[0-9]{3}") ? Integer.valueOf(entry) : null;
      if (status == null || !BROWSER_ERROR_STATUSES.contains(status)) {
        invalid(
            s,
            "entry " + quote(entry) + " is not a status Portcullis answers a browser with",
            "statuses among 400, 401, 403, 405, 502 and 503, comma or space separated, e.g."
                + " \"403, 503\"");
        return null;
      }
      statuses.add(status);
    }
    return java.util.Collections.unmodifiableSet(statuses);
  }

  @Nullable Object trustedProxies(Setting found) {
    List<String> entries = new ArrayList<>();
    List<IpRange> ranges = new ArrayList<>();
    for (String entry : found.value().split("[,\\s]+")) {
      if (entry.isEmpty()) {
        continue;
      }
      try {
        ranges.add(IpRange.parse(entry));
        entries.add(entry);
      } catch (IllegalArgumentException e) {
        invalid(
            found,
            "entry " + quote(entry) + ": " + e.getMessage(),
            "IP addresses or CIDR ranges separated by commas or spaces, e.g. \"10.0.0.0/8,"
                + " 2001:db8::/32, 192.168.1.10\" (host names are not resolved)");
      }
    }
    return new Proxies(List.copyOf(entries), List.copyOf(ranges));
  }

  /**
   * Header names (RFC 9110 §5.1 tokens), each optionally ending in {@code *} for a prefix, kept
   * lower case with {@code _} as {@code -}: the spelling the servlet adapter compares with.
   */
  @Nullable Object identityHeaders(Setting found) {
    Set<String> names = new LinkedHashSet<>();
    for (String entry : found.value().split("[,\\s]+")) {
      String name = entry.endsWith("*") ? entry.substring(0, entry.length() - 1) : entry;
      if (entry.isEmpty()) {
        continue;
      }
      if (name.isEmpty()
          || name.length() > 256
          || !name.chars().allMatch(ConfigParser::isHeaderNameChar)) {
        invalid(
            found,
            "entry " + quote(entry) + " is not a header name",
            "header names (RFC 9110 token characters), each optionally ending in * for a prefix,"
                + " separated by commas or spaces, e.g. \"X-Corp-User, X-Corp-Claim-*\"");
        return null;
      }
      names.add(entry.toLowerCase(Locale.ROOT).replace('_', '-'));
    }
    return List.copyOf(names);
  }

  /** RFC 9110 §5.6.2 {@code tchar}, without {@code *} (which marks a prefix, at the end only). */
  private static boolean isHeaderNameChar(int c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || "!#$%&'+-.^_`|~".indexOf(c) >= 0;
  }

  // ---- helpers --------------------------------------------------------------------------------

  /** The winning setting of {@code key} when it has a non-empty value. */
  private Optional<Setting> setting(ConfigKey key) {
    Setting s = settings.get(key);
    return s == null || s.value().isEmpty() ? Optional.empty() : Optional.of(s);
  }

  private boolean isSet(ConfigKey key) {
    return setting(key).isPresent();
  }

  private void invalid(Setting s, String problem, String expected) {
    invalid(s, Text.of(problem), Text.of(expected));
  }

  private void invalid(Setting s, Text problem, Text expected) {
    problems.add(problem(s, s.value(), problem, expected));
  }

  /** {@code shown}: the value to show, or null to show none (a secret's is never shown). */
  private static ConfigProblem problem(
      Setting s, @Nullable String shown, Text problem, @Nullable Text expected) {
    return new ConfigProblem(
        ConfigProblem.Kind.INVALID,
        s.key(),
        s.source().name(),
        s.rawName(),
        shown,
        problem,
        expected);
  }

  private void missing(ConfigKey key, Text why) {
    Setting empty = settings.get(key);
    problems.add(
        new ConfigProblem(
            ConfigProblem.Kind.MISSING,
            key,
            empty == null ? null : empty.source().name(),
            empty == null ? null : empty.rawName(),
            null,
            why,
            Text.howToSet(key)));
  }

  /** Quotes a non-secret value for a message, escaping control characters. */
  static String quote(String value) {
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\n') {
        out.append("\\n");
      } else if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < ' ' || c == 0x7f) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }
}
