package io.portcullis.core;

import io.portcullis.core.ConfigProblem.Text;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A Keycloak adapter {@code keycloak.json} read as a {@link ConfigSource} (README "keycloak.json"):
 * the adapters' keys mapped onto Portcullis keys, each raw name the {@code keycloak.json} key the
 * value came from, so that a problem names it; the keys Portcullis has no use for are {@linkplain
 * #notes() noted}, once, and the ones whose meaning it cannot keep are refused as {@linkplain
 * #problems() problems} naming the key and the file.
 *
 * <p>It takes what the adapters' Jackson reader took (Keycloak 3 to 24): JSON without comments,
 * strings for numbers and booleans, {@code ${name}}, {@code ${env.NAME}}, {@code ${name:default}},
 * {@code ${a,b}}, {@code ${/}} and {@code ${:}} in string values (the adapters' system-property
 * replacement), and every key the adapters knew; a key they did not know is noted and ignored.
 */
final class KeycloakJson implements ConfigSource {

  /** Keys the adapters read that Portcullis ignores, each with why (for the start-up note). */
  private static final Map<String, String> IGNORED = ignored();

  private final String name;
  private final Map<String, String> entries = new LinkedHashMap<>();
  private final Map<String, ConfigKey> keys = new LinkedHashMap<>();
  private final List<ConfigProblem> problems = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private final Function<String, @Nullable String> environment;
  private final Function<String, @Nullable String> systemProperties;

  private KeycloakJson(
      String name,
      Function<String, @Nullable String> environment,
      Function<String, @Nullable String> systemProperties) {
    this.name = name;
    this.environment = environment;
    this.systemProperties = systemProperties;
  }

  /**
   * Reads {@code text}, a {@code keycloak.json} found at {@code name}, replacing {@code ${...}}
   * from {@code environment} ({@code ${env.NAME}}) and {@code systemProperties}.
   */
  static KeycloakJson parse(
      String name,
      String text,
      Function<String, @Nullable String> environment,
      Function<String, @Nullable String> systemProperties) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(text, "text");
    KeycloakJson json = new KeycloakJson(name, environment, systemProperties);
    json.read(text);
    return json;
  }

  /**
   * The text of the {@code keycloak.json} at {@code location}: a file path, or {@code classpath:}
   * and a resource name of the context class loader.
   *
   * @throws InvalidConfigurationException naming {@code keycloak-config-file} when it cannot be
   *     read
   */
  static String readFile(String location) {
    try {
      if (location.startsWith("classpath:")) {
        String resource = location.substring("classpath:".length()).replaceFirst("^/+", "");
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
          loader = KeycloakJson.class.getClassLoader();
        }
        try (InputStream in = loader.getResourceAsStream(resource)) {
          if (in == null) {
            throw new NoSuchFileException(resource);
          }
          return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
      }
      return Files.readString(Path.of(location), StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      throw new InvalidConfigurationException(
          List.of(
              ConfigKey.KEYCLOAK_CONFIG_FILE.key()
                  + ": cannot read "
                  + ConfigParser.quote(location)
                  + " ("
                  + e.getClass().getSimpleName()
                  + "); expected a readable keycloak.json file (a path, or classpath: and a"
                  + " resource name)"));
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Map<String, String> entries() {
    return Collections.unmodifiableMap(entries);
  }

  @Override
  public Optional<ConfigKey> keyOf(String rawName) {
    return Optional.ofNullable(keys.get(rawName));
  }

  @Override
  public String rawNameOf(ConfigKey key) {
    for (Map.Entry<String, ConfigKey> e : keys.entrySet()) {
      if (e.getValue() == key) {
        return e.getKey();
      }
    }
    return key.key();
  }

  @Override
  public List<ConfigProblem> problems() {
    return Collections.unmodifiableList(problems);
  }

  @Override
  public List<String> notes() {
    return Collections.unmodifiableList(notes);
  }

  @Override
  public String toString() {
    return "ConfigSource[" + name + ", keycloak.json, " + entries.size() + " entries]";
  }

  // ---- reading --------------------------------------------------------------------------------

  private void read(String text) {
    Object root;
    try {
      root = Json.parse(text);
    } catch (Json.SyntaxException e) {
      refuse("(the file)", "is not valid JSON: " + e.getMessage(), null);
      return;
    }
    if (!(root instanceof Map<?, ?> map)) {
      refuse("(the file)", "is not a JSON object", null);
      return;
    }
    Map<String, @Nullable Object> top = new LinkedHashMap<>();
    map.forEach((k, v) -> top.put((String) k, v));
    List<String> ignored = new ArrayList<>();
    List<String> unknown = new ArrayList<>();
    for (Map.Entry<String, @Nullable Object> e : top.entrySet()) {
      String key = e.getKey();
      if (!KNOWN.contains(key) && !IGNORED.containsKey(key)) {
        unknown.add(key);
      } else if (IGNORED.containsKey(key) && isSetting(e.getValue())) {
        ignored.add(key);
      }
    }
    String realm = text(top, "realm", true);
    String url = text(top, "auth-server-url", true);
    String resource = text(top, "resource", true);
    if (realm != null && url != null) {
      issuer(url, realm);
    }
    if (resource != null) {
      set("resource", ConfigKey.CLIENT_ID, resource);
    }
    Boolean bearerOnly = flag(top, "bearer-only");
    Boolean publicClient = flag(top, "public-client");
    credentials(top, Boolean.TRUE.equals(publicClient), Boolean.TRUE.equals(bearerOnly));
    if (Boolean.TRUE.equals(bearerOnly)) {
      set("bearer-only", ConfigKey.BEARER_ONLY, "true");
    }
    Boolean resourceRoles = flag(top, "use-resource-role-mappings");
    if (Boolean.TRUE.equals(resourceRoles) && resource != null) {
      set(
          "use-resource-role-mappings",
          ConfigKey.ROLES_CLAIM,
          "resource_access." + resource + ".roles");
    } else if (!Boolean.TRUE.equals(resourceRoles)) {
      set("use-resource-role-mappings", ConfigKey.ROLES_CLAIM, "realm_access.roles");
    }
    String principal = text(top, "principal-attribute", false);
    // The adapters named the user by sub unless principal-attribute said otherwise.
    set("principal-attribute", ConfigKey.PRINCIPAL_CLAIM, principal == null ? "sub" : principal);
    Long ttl = number(top, "token-minimum-time-to-live", 0, Integer.MAX_VALUE);
    if (ttl != null) {
      set("token-minimum-time-to-live", ConfigKey.REFRESH_BEFORE, Long.toString(ttl));
    }
    number(top, "min-time-between-jwks-requests", 0, Integer.MAX_VALUE);
    number(top, "confidential-port", -1, 65535);
    String ssl = text(top, "ssl-required", false);
    if (ssl != null && !List.of("external", "all", "none").contains(ssl.toLowerCase(Locale.ROOT))) {
      refuse(
          "ssl-required",
          quoteValue(ssl) + " is not an ssl-required value",
          "external, all or none");
    }
    policyEnforcer(top.get("policy-enforcer"));
    if (!ignored.isEmpty()) {
      StringBuilder note = new StringBuilder(name + ": ignored keycloak.json keys:");
      for (String key : ignored) {
        note.append(' ').append(key).append(" (").append(IGNORED.get(key)).append(");");
      }
      notes.add(note.substring(0, note.length() - 1));
    }
    if (!unknown.isEmpty()) {
      notes.add(
          name
              + ": ignored keycloak.json keys the Keycloak adapters did not know either: "
              + String.join(", ", unknown));
    }
  }

  /** A value that asks for something: not null, false or (the adapters' "unset") -1. */
  private static boolean isSetting(@Nullable Object value) {
    return value != null
        && !Boolean.FALSE.equals(value)
        && !"false".equals(value)
        && !(value instanceof BigDecimal d && d.signum() < 0);
  }

  private void issuer(String url, String realm) {
    String base = url;
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    if (!base.startsWith("http://") && !base.startsWith("https://")) {
      refuse(
          "auth-server-url",
          quoteValue(url) + " is not an absolute http or https URL",
          "the Keycloak server's URL, e.g. https://sso.example.com (Keycloak 17 and later) or"
              + " https://sso.example.com/auth (earlier); relative URLs are not supported");
      return;
    }
    set(
        "auth-server-url",
        ConfigKey.ISSUER,
        base + "/realms/" + URLEncoder.encode(realm, StandardCharsets.UTF_8).replace("+", "%20"));
  }

  private void credentials(
      Map<String, @Nullable Object> top, boolean publicClient, boolean bearerOnly) {
    Object value = top.get("credentials");
    if (value == null) {
      return;
    }
    if (!(value instanceof Map<?, ?> credentials)) {
      refuse("credentials", "is not a JSON object", "{\"secret\": \"...\"}");
      return;
    }
    if (publicClient || bearerOnly) {
      notes.add(
          name
              + ": ignored keycloak.json key credentials ("
              + (publicClient ? "public-client is true" : "bearer-only is true")
              + ": the client never authenticates to the token endpoint)");
      return;
    }
    if (credentials.isEmpty()) {
      return;
    }
    Object provider = credentials.get("provider");
    String type;
    if (provider != null) {
      if (!(provider instanceof String p)) {
        refuse("credentials.provider", "is not a string", "secret");
        return;
      }
      type = substitute("credentials.provider", p);
    } else if (credentials.size() == 1) {
      type = (String) credentials.keySet().iterator().next();
    } else {
      refuse(
          "credentials",
          "names several client authentications and no provider",
          "one of them, or \"provider\": \"secret\"");
      return;
    }
    if (type == null) {
      return;
    }
    switch (type) {
      case "secret" -> {
        Object secret = credentials.get("secret");
        if (secret instanceof String s) {
          String replaced = substitute("credentials.secret", s);
          if (replaced != null && !replaced.isEmpty()) {
            set("credentials.secret", ConfigKey.CLIENT_SECRET, replaced);
          } else if (replaced != null) {
            refuse("credentials.secret", "is empty", "the client's secret");
          }
        } else {
          refuse("credentials.secret", "is not a string", "the client's secret as a string");
        }
      }
      case "jwt" ->
          refuse(
              "credentials.jwt",
              "names the adapters' keystore, which Portcullis does not read",
              "client-key-file with the client's key as a PKCS#8 PEM (openssl pkcs12 -in"
                  + " client.p12 -nocerts -nodes -out client-key.pem), which signs the"
                  + " private_key_jwt assertions instead; or a client secret");
      case "secret-jwt" ->
          refuse(
              "credentials.secret-jwt",
              "JWT signed with the client secret (client_secret_jwt) is not supported",
              "a client secret: in the Keycloak client's Credentials tab choose \"Client Id and"
                  + " Secret\" and put the secret in credentials.secret or client-secret");
      default ->
          refuse(
              "credentials." + type,
              "is a client authentication Portcullis does not know",
              "credentials.secret");
    }
  }

  /**
   * The policy enforcer narrowed access beyond a login; ignoring it would let every logged-in user
   * in, so only a disabled one is taken.
   */
  private void policyEnforcer(@Nullable Object value) {
    if (value == null) {
      return;
    }
    if (value instanceof Map<?, ?> m) {
      Object mode = m.get("enforcement-mode");
      if (mode instanceof String s && s.equalsIgnoreCase("DISABLED")) {
        notes.add(name + ": ignored keycloak.json key policy-enforcer (enforcement-mode DISABLED)");
        return;
      }
    }
    refuse(
        "policy-enforcer",
        "Keycloak Authorization Services (the policy enforcer) are not supported, and ignoring it"
            + " would let every logged-in user in",
        "no policy-enforcer: write its paths as access rules (rules) or keep the web.xml"
            + " security constraints, then remove it");
  }

  // ---- values ---------------------------------------------------------------------------------

  /** A string value (numbers and booleans as Jackson coerced them), substituted; null if absent. */
  private @Nullable String text(Map<String, @Nullable Object> top, String key, boolean required) {
    Object value = top.get(key);
    if (value == null) {
      if (required) {
        refuse(key, "is missing", "the adapters' " + key + " value");
      }
      return null;
    }
    if (value instanceof Map || value instanceof List) {
      refuse(key, "is not a string", "a string");
      return null;
    }
    String s =
        value instanceof BigDecimal d ? d.toPlainString() : substitute(key, value.toString());
    if (s != null && s.isBlank()) {
      if (required) {
        refuse(key, "is empty", "the adapters' " + key + " value");
      }
      return null;
    }
    return s == null ? null : s.strip();
  }

  private @Nullable Boolean flag(Map<String, @Nullable Object> top, String key) {
    Object value = top.get(key);
    if (value == null || value instanceof Boolean) {
      return (Boolean) value;
    }
    if (value instanceof String s) {
      String replaced = substitute(key, s);
      if (replaced == null) {
        return null;
      }
      if (replaced.strip().equalsIgnoreCase("true")) {
        return true;
      }
      if (replaced.strip().equalsIgnoreCase("false") || replaced.isBlank()) {
        return false;
      }
      refuse(key, quoteValue(replaced) + " is not a boolean", "true or false");
      return null;
    }
    refuse(key, "is not a boolean", "true or false");
    return null;
  }

  private @Nullable Long number(Map<String, @Nullable Object> top, String key, long min, long max) {
    Object value = top.get(key);
    if (value == null) {
      return null;
    }
    String text;
    if (value instanceof BigDecimal d) {
      text = d.toPlainString();
    } else if (value instanceof String s) {
      text = substitute(key, s);
      if (text == null) {
        return null;
      }
      text = text.strip();
    } else {
      refuse(key, "is not a number", "a whole number from " + min + " to " + max);
      return null;
    }
    long n;
    try {
      n = Long.parseLong(text);
    } catch (NumberFormatException e) {
      refuse(
          key,
          quoteValue(text) + " is not a whole number",
          "a whole number from " + min + " to " + max);
      return null;
    }
    if (n < min || n > max) {
      refuse(
          key, quoteValue(text) + " is out of range", "a whole number from " + min + " to " + max);
      return null;
    }
    return n;
  }

  /**
   * The adapters' {@code ${...}} replacement: {@code ${a,b:default}} takes the first of {@code a},
   * {@code b} that is set ({@code env.NAME} an environment variable, else a system property), else
   * the default; {@code ${/}} and {@code ${:}} are the file and path separators. One that is set
   * nowhere and has no default is refused (null), as it cannot stand for what was meant.
   */
  private @Nullable String substitute(String key, String value) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < value.length()) {
      int start = value.indexOf("${", i);
      if (start < 0) {
        out.append(value, i, value.length());
        break;
      }
      int end = value.indexOf('}', start + 2);
      if (end < 0) {
        out.append(value, i, value.length());
        break;
      }
      out.append(value, i, start);
      String expression = value.substring(start + 2, end);
      String replaced = replacement(expression);
      if (replaced == null) {
        refuse(
            key,
            "${" + expression + "} is set nowhere and has no default",
            "the environment variable or system property to be set, or a default: ${"
                + expression
                + ":value}");
        return null;
      }
      out.append(replaced);
      i = end + 1;
    }
    return out.toString();
  }

  private @Nullable String replacement(String expression) {
    if (expression.equals("/")) {
      return File.separator;
    }
    if (expression.equals(":")) {
      return File.pathSeparator;
    }
    int colon = expression.indexOf(':');
    String names = colon < 0 ? expression : expression.substring(0, colon);
    String fallback = colon < 0 ? null : expression.substring(colon + 1);
    for (String candidate : names.split(",")) {
      String n = candidate.strip();
      String found =
          n.startsWith("env.") ? environment.apply(n.substring(4)) : systemProperties.apply(n);
      if (found != null) {
        return found;
      }
    }
    return fallback;
  }

  private void set(String rawName, ConfigKey key, String value) {
    entries.put(rawName, value);
    keys.put(rawName, key);
  }

  /**
   * A problem with the {@code keycloak.json} key {@code rawName}: reported against the Portcullis
   * key it maps onto (so that setting that key explicitly overrides it), or against {@code
   * keycloak-config-file}.
   */
  private void refuse(String rawName, String problem, @Nullable String expected) {
    ConfigKey key = TARGETS.getOrDefault(rawName, ConfigKey.KEYCLOAK_CONFIG_FILE);
    problems.add(
        new ConfigProblem(
            ConfigProblem.Kind.INVALID,
            key,
            name,
            rawName,
            null,
            Text.of("keycloak.json " + rawName + " " + problem),
            expected == null ? null : Text.of(expected)));
  }

  /** A value for a message; a credentials value is never shown. */
  private static String quoteValue(String value) {
    return ConfigParser.quote(value);
  }

  /** The keycloak.json keys whose problems an explicit Portcullis key overrides. */
  private static final Map<String, ConfigKey> TARGETS =
      Map.of(
          "realm", ConfigKey.ISSUER,
          "auth-server-url", ConfigKey.ISSUER,
          "resource", ConfigKey.CLIENT_ID,
          "credentials", ConfigKey.CLIENT_SECRET,
          "credentials.provider", ConfigKey.CLIENT_SECRET,
          "credentials.secret", ConfigKey.CLIENT_SECRET,
          "credentials.jwt", ConfigKey.CLIENT_SECRET,
          "credentials.secret-jwt", ConfigKey.CLIENT_SECRET,
          "principal-attribute", ConfigKey.PRINCIPAL_CLAIM,
          "token-minimum-time-to-live", ConfigKey.REFRESH_BEFORE);

  private static void because(Map<String, String> m, String why, String... keys) {
    for (String key : keys) {
      m.put(key, why);
    }
  }

  /** The keys mapped (or checked) above. */
  private static final List<String> KNOWN =
      List.of(
          "realm",
          "auth-server-url",
          "resource",
          "credentials",
          "public-client",
          "bearer-only",
          "use-resource-role-mappings",
          "principal-attribute",
          "token-minimum-time-to-live",
          "min-time-between-jwks-requests",
          "confidential-port",
          "ssl-required",
          "policy-enforcer");

  private static Map<String, String> ignored() {
    Map<String, String> m = new LinkedHashMap<>();
    because(m, "keys come from the realm's JWK set, found by discovery", "realm-public-key");
    because(m, "every call goes to the issuer's endpoints", "auth-server-url-for-backend-requests");
    because(m, "Portcullis answers no CORS preflight; configure CORS in the app", "enable-cors");
    because(
        m,
        "no CORS handling",
        "cors-max-age",
        "cors-allowed-methods",
        "cors-allowed-headers",
        "cors-exposed-headers");
    because(m, "the access token is available to the app as the identity's token", "expose-token");
    because(
        m,
        "API requests (XHR, JSON Accept) always get 401 instead of a login redirect",
        "autodetect-bearer-only");
    because(m, "no basic authentication: API clients send bearer tokens", "enable-basic-auth");
    because(
        m,
        "Portcullis's provider client has its own pool and timeouts (http-timeout)",
        "connection-pool-size",
        "socket-timeout-millis",
        "connection-timeout-millis",
        "connection-ttl-millis");
    because(
        m,
        "Portcullis always verifies the provider's TLS certificate with the JVM's trust store;"
            + " add the provider's CA there (-Djavax.net.ssl.trustStore)",
        "allow-any-hostname",
        "disable-trust-manager",
        "truststore",
        "truststore-password");
    because(
        m,
        "no mutual-TLS client authentication",
        "client-keystore",
        "client-keystore-password",
        "client-key-password");
    because(m, "calls go straight to the provider", "proxy-url");
    because(
        m, "the token is refreshed refresh-before seconds before expiry", "always-refresh-token");
    because(
        m,
        "no node registration: back-channel logout is not used",
        "register-node-at-startup",
        "register-node-period");
    because(
        m,
        "tokens are kept, encrypted, in the HTTP session",
        "token-store",
        "adapter-state-cookie-path");
    because(
        m,
        "the session id is always changed at login (session fixation)",
        "turn-off-change-session-id-on-login");
    because(
        m,
        "the JWK set is cached and refetched on an unknown key id",
        "public-key-cache-ttl",
        "min-time-between-jwks-requests");
    because(m, "PKCE is always used", "enable-pkce");
    because(m, "a token is never taken from the query string", "ignore-oauth-query-parameter");
    because(
        m,
        "bearer tokens are checked against the client (client-id) and bearer-audience",
        "verify-token-audience");
    because(m, "the redirect URI follows base-url or the request", "redirect-rewrite-rules");
    because(
        m,
        "no HTTPS redirect: enforce HTTPS in the container or proxy; cookies are Secure on HTTPS",
        "ssl-required",
        "confidential-port");
    return Collections.unmodifiableMap(m);
  }
}
