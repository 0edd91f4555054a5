package io.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import java.net.URI;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class PortcullisConfigTest {

  private static final String SECRET = "s3cr3t-Zebra-Quokka-9931";
  private static final byte[] KEY_BYTES = new byte[32];

  static {
    for (int i = 0; i < KEY_BYTES.length; i++) {
      KEY_BYTES[i] = (byte) (i * 7 + 250);
    }
  }

  /** A valid configuration with {@code keyValues} added or replaced. */
  private static PortcullisConfig config(String... keyValues) {
    return PortcullisConfig.of(map(keyValues));
  }

  private static Map<String, String> map(String... keyValues) {
    Map<String, String> map = new LinkedHashMap<>();
    map.put("issuer", "https://idp.example.com/realms/app");
    map.put("client-id", "app");
    return EngineFixture.overlay(map, keyValues);
  }

  private static List<String> problems(String... keyValues) {
    return problemsOf(() -> PortcullisConfig.of(map(keyValues)));
  }

  private static List<String> problemsOf(Runnable action) {
    InvalidConfigurationException e =
        catchThrowableOfType(InvalidConfigurationException.class, action::run);
    assertThat(e).as("InvalidConfigurationException").isNotNull();
    return e.problems();
  }

  // ---- defaults -------------------------------------------------------------------------------

  @Test
  void ofWhenOnlyRequiredKeysThenSpecDefaults() {
    PortcullisConfig config = config();
    assertThat(config.issuer()).contains(URI.create("https://idp.example.com/realms/app"));
    assertThat(config.authorizationEndpoint()).isEmpty();
    assertThat(config.tokenEndpoint()).isEmpty();
    assertThat(config.jwksUri()).isEmpty();
    assertThat(config.userinfoEndpoint()).isEmpty();
    assertThat(config.endSessionEndpoint()).isEmpty();
    assertThat(config.clientId()).isEqualTo("app");
    assertThat(config.clientSecret()).isEmpty();
    assertThat(config.clientAuth()).isEqualTo(ClientAuth.NONE);
    assertThat(config.scopes()).containsExactly("openid", "profile");
    assertThat(config.redirectPath()).isEqualTo("/oauth2/callback");
    assertThat(config.logoutPath()).isEqualTo("/logout");
    assertThat(config.postLogoutRedirectUri()).isEmpty();
    assertThat(config.rules().toString()).isEqualTo("/** authenticated");
    assertThat(config.refreshBefore()).isEqualTo(Duration.ofSeconds(60));
    assertThat(config.baseUrl()).isEmpty();
    assertThat(config.authorizationParams()).isEmpty();
    assertThat(config.principalClaim()).isEmpty();
    assertThat(config.rolesClaim()).isEmpty();
    assertThat(config.httpTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.responseMode()).isEqualTo(ResponseMode.QUERY);
    assertThat(config.stateKey()).isEmpty();
    assertThat(config.scopeStepUp()).isTrue();
    assertThat(config.trustedProxies()).isEmpty();
    assertThat(config.isTrustedProxy("127.0.0.1")).isFalse();
  }

  @Test
  void fromWhenValuesHaveSurroundingWhitespaceThenTrimmed() {
    assertThat(config("client-id", "  app \n").clientId()).isEqualTo("app");
  }

  // ---- precedence -----------------------------------------------------------------------------

  @Test
  void fromWhenKeySetInEveryLayerThenHighestPrecedenceWins() {
    ConfigSource initParams =
        ConfigSource.of(
            "init-param",
            Map.of(
                "issuer", "https://idp.example.com",
                "client-id", "from-init",
                "scopes", "openid a",
                "http-timeout", "1",
                "refresh-before", "1"));
    Properties file = new Properties();
    file.setProperty("client-id", "from-file");
    file.setProperty("scopes", "openid b");
    file.setProperty("http-timeout", "2");
    Properties system = new Properties();
    system.setProperty("portcullis.client-id", "from-system");
    system.setProperty("portcullis.scopes", "openid c");
    Map<String, String> env = Map.of("PORTCULLIS_CLIENT_ID", "from-env");

    PortcullisConfig config =
        PortcullisConfig.from(
            initParams,
            ConfigSource.properties("portcullis.properties (classpath)", file),
            ConfigSource.systemProperties(system),
            ConfigSource.environment(env));

    assertThat(config.clientId()).isEqualTo("from-env");
    assertThat(config.scopes()).containsExactly("openid", "c");
    assertThat(config.httpTimeout()).hasSeconds(2);
    assertThat(config.refreshBefore()).hasSeconds(1);
  }

  @Test
  void fromWhenLaterSourceSetsEmptyValueThenEarlierValueCleared() {
    PortcullisConfig config =
        PortcullisConfig.from(
            ConfigSource.of("init-param", map("client-secret", SECRET)),
            ConfigSource.environment(Map.of("PORTCULLIS_CLIENT_SECRET", "")));
    assertThat(config.clientSecret()).isEmpty();
    assertThat(config.clientAuth()).isEqualTo(ClientAuth.NONE);
  }

  @Test
  void fromWhenRequiredKeyClearedByLaterSourceThenSaysWhereItIsEmpty() {
    List<String> problems =
        problemsOf(
            () ->
                PortcullisConfig.from(
                    ConfigSource.of("init-param", map()),
                    ConfigSource.environment(Map.of("PORTCULLIS_CLIENT_ID", " "))));
    assertThat(problems)
        .singleElement(STRING)
        .startsWith(
            "client-id is empty (from environment variable \"PORTCULLIS_CLIENT_ID\"), but it is"
                + " required;");
  }

  @Test
  void fromWhenNullSourceThenNullPointerException() {
    assertThatThrownBy(() -> PortcullisConfig.from((ConfigSource) null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> PortcullisConfig.from((ConfigSource[]) null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> PortcullisConfig.of(null)).isInstanceOf(NullPointerException.class);
  }

  // ---- unknown keys ---------------------------------------------------------------------------

  @Test
  void fromWhenUnknownKeysInEverySourceThenEachReportedWithSourceAndSuggestion() {
    Properties system = new Properties();
    system.setProperty("portcullis.foo", "x");
    system.setProperty("portcullis.client_id", "x");
    List<String> problems =
        problemsOf(
            () ->
                PortcullisConfig.from(
                    ConfigSource.of("init-param", map("client_id", "app")),
                    ConfigSource.systemProperties(system),
                    ConfigSource.environment(
                        Map.of("PORTCULLIS_FOO", "x", "PORTCULLIS_SCOPE", "openid"))));
    assertThat(problems)
        .containsExactly(
            "unknown key \"client_id\" in init-param; did you mean \"client-id\"?",
            "unknown key \"portcullis.client_id\" in system property; did you mean"
                + " \"portcullis.client-id\"?",
            "unknown key \"portcullis.foo\" in system property",
            "unknown key \"PORTCULLIS_FOO\" in environment variable",
            "unknown key \"PORTCULLIS_SCOPE\" in environment variable; did you mean"
                + " \"PORTCULLIS_SCOPES\"?");
  }

  @Test
  void fromWhenUnknownKeyHasSecretLookingValueThenValueNotShown() {
    List<String> problems = problems("client-secrte", SECRET);
    assertThat(problems)
        .containsExactly("unknown key \"client-secrte\" in map; did you mean \"client-secret\"?");
  }

  // ---- required -------------------------------------------------------------------------------

  @Test
  void fromWhenNothingSetThenClientIdAndIssuerMissingWithHowToSetThem() {
    List<String> problems = problemsOf(() -> PortcullisConfig.of(Map.of()));
    assertThat(problems).hasSize(2);
    assertThat(problems.get(0))
        .startsWith("issuer is not set, but it is required: ID tokens are checked against it")
        .contains("init-param \"issuer\"", "-Dportcullis.issuer", "PORTCULLIS_ISSUER");
    assertThat(problems.get(1))
        .isEqualTo(
            "client-id is not set, but it is required; set init-param \"client-id\", client-id in"
                + " portcullis.properties, -Dportcullis.client-id or environment variable"
                + " PORTCULLIS_CLIENT_ID");
  }

  @Test
  void fromWhenEndpointsGivenWithIssuerThenAccepted() {
    PortcullisConfig config =
        config(
            "issuer", "https://as.example.com",
            "authorization-endpoint", "https://as.example.com/authorize",
            "token-endpoint", "https://as.example.com/token",
            "jwks-uri", "https://as.example.com/jwks",
            "userinfo-endpoint", "https://as.example.com/userinfo",
            "end-session-endpoint", "https://as.example.com/logout?x=1");
    assertThat(config.issuer()).contains(URI.create("https://as.example.com"));
    assertThat(config.authorizationEndpoint())
        .contains(URI.create("https://as.example.com/authorize"));
    assertThat(config.tokenEndpoint()).contains(URI.create("https://as.example.com/token"));
    assertThat(config.jwksUri()).contains(URI.create("https://as.example.com/jwks"));
    assertThat(config.userinfoEndpoint()).contains(URI.create("https://as.example.com/userinfo"));
    assertThat(config.endSessionEndpoint())
        .contains(URI.create("https://as.example.com/logout?x=1"));
  }

  @Test
  void fromWhenEndpointsGivenWithoutIssuerThenIssuerStillRequired() {
    assertThat(
            problems(
                "issuer", null,
                "authorization-endpoint", "https://as.example.com/authorize",
                "token-endpoint", "https://as.example.com/token",
                "jwks-uri", "https://as.example.com/jwks"))
        .singleElement(STRING)
        .startsWith("issuer is not set, but it is required: ID tokens are checked against it")
        .contains("PORTCULLIS_ISSUER");
  }

  // ---- URIs -----------------------------------------------------------------------------------

  @Test
  void fromWhenProviderUsesPlainHttpOnRemoteHostThenRefused() {
    assertThat(problems("issuer", "http://idp.example"))
        .singleElement(STRING)
        .startsWith("issuer = \"http://idp.example\" (from map \"issuer\"): uses plain http")
        .contains("loopback", "expected");
    for (ConfigKey key :
        List.of(
            ConfigKey.AUTHORIZATION_ENDPOINT,
            ConfigKey.TOKEN_ENDPOINT,
            ConfigKey.JWKS_URI,
            ConfigKey.USERINFO_ENDPOINT,
            ConfigKey.END_SESSION_ENDPOINT)) {
      assertThat(problems(key.key(), "http://idp.example/x"))
          .singleElement(STRING)
          .startsWith(key.key() + " = \"http://idp.example/x\"")
          .contains("plain http");
    }
  }

  @Test
  void fromWhenProviderUsesPlainHttpOnLoopbackThenAccepted() {
    for (String uri :
        List.of(
            "http://localhost:8080/x",
            "http://127.0.0.1",
            "http://127.1.2.3:9000/realms/a",
            "http://[::1]:9")) {
      assertThat(config("issuer", uri, "token-endpoint", uri).issuer()).contains(URI.create(uri));
    }
  }

  @Test
  void fromWhenUrisMalformedThenEachSaysWhy() {
    assertThat(problems("issuer", "idp.example.com"))
        .singleElement(STRING)
        .contains("not an absolute http or https URL");
    assertThat(problems("issuer", "ftp://idp.example.com"))
        .singleElement(STRING)
        .contains("not an absolute http or https URL");
    assertThat(problems("issuer", "https://idp example.com"))
        .singleElement(STRING)
        .contains("not a valid URI");
    assertThat(problems("issuer", "https:///path"))
        .singleElement(STRING)
        .contains("has no valid host");
    assertThat(problems("issuer", "https://idp.example.com?x=1"))
        .singleElement(STRING)
        .contains("must not have a query");
    assertThat(problems("token-endpoint", "https://idp.example.com/t#frag"))
        .singleElement(STRING)
        .contains("must not have a fragment");
  }

  @Test
  void fromWhenUriCarriesUserInfoThenRefusedWithoutShowingIt() {
    List<String> problems = problems("token-endpoint", "https://me:" + SECRET + "@idp.example");
    assertThat(problems)
        .singleElement(STRING)
        .contains("token-endpoint", "user info")
        .doesNotContain(SECRET);
  }

  @Test
  void fromWhenBaseUrlPlainHttpOnRemoteHostThenAccepted() {
    assertThat(config("base-url", "http://app.example.com/myapp").baseUrl())
        .contains(URI.create("http://app.example.com/myapp"));
    assertThat(problems("base-url", "/myapp"))
        .singleElement(STRING)
        .startsWith("base-url = \"/myapp\" (from map \"base-url\"): is not an absolute");
  }

  @Test
  void fromWhenPostLogoutRedirectUriIsUrlOrPathThenAccepted() {
    assertThat(config("post-logout-redirect-uri", "http://app.example/bye").postLogoutRedirectUri())
        .contains("http://app.example/bye");
    assertThat(config("post-logout-redirect-uri", "/bye?x=1").postLogoutRedirectUri())
        .contains("/bye?x=1");
    assertThat(problems("post-logout-redirect-uri", "//evil.example/"))
        .singleElement(STRING)
        .contains("post-logout-redirect-uri", "absolute http or https URL");
    assertThat(problems("post-logout-redirect-uri", "bye"))
        .singleElement(STRING)
        .contains("post-logout-redirect-uri");
    assertThat(problems("post-logout-redirect-uri", "/b y"))
        .singleElement(STRING)
        .contains("not a valid path");
  }

  // ---- client ---------------------------------------------------------------------------------

  @Test
  void fromWhenSecretSetWithoutClientAuthThenClientSecretBasic() {
    PortcullisConfig config = config("client-secret", SECRET);
    assertThat(config.clientSecret()).contains(SECRET);
    assertThat(config.clientAuth()).isEqualTo(ClientAuth.CLIENT_SECRET_BASIC);
    assertThat(config.clientAuth().value()).isEqualTo("client_secret_basic");
  }

  @Test
  void fromWhenClientAuthGivenThenParsed() {
    assertThat(config("client-secret", SECRET, "client-auth", "client_secret_post").clientAuth())
        .isEqualTo(ClientAuth.CLIENT_SECRET_POST);
    assertThat(config("client-secret", SECRET, "client-auth", "client_secret_basic").clientAuth())
        .isEqualTo(ClientAuth.CLIENT_SECRET_BASIC);
    assertThat(config("client-auth", "none").clientAuth()).isEqualTo(ClientAuth.NONE);
  }

  @Test
  void fromWhenClientAuthNeedsSecretButNoneSetThenError() {
    assertThat(problems("client-auth", "client_secret_post"))
        .singleElement(STRING)
        .startsWith(
            "client-auth = \"client_secret_post\" (from map \"client-auth\"): client_secret_post"
                + " needs client-secret, which is not set");
    assertThat(problems("client-auth", "client_secret_basic")).hasSize(1);
  }

  @Test
  void fromWhenClientAuthNoneWithSecretThenErrorWithoutSecret() {
    List<String> problems = problems("client-auth", "none", "client-secret", SECRET);
    assertThat(problems)
        .singleElement(STRING)
        .contains("client-secret is set but client-auth is none")
        .doesNotContain(SECRET);
  }

  @Test
  void fromWhenParSetThenParsedElseAuto() {
    assertThat(config().par()).isEmpty();
    assertThat(config("par", "true").par()).contains(true);
    assertThat(config("par", "FALSE").par()).contains(false);
    assertThat(problems("par", "always"))
        .singleElement(STRING)
        .contains("is not a pushed authorization request setting", "auto, true or false");
  }

  // ---- private_key_jwt ------------------------------------------------------------------------

  /** A test key file's path, as configured. */
  private static String keyFile(String name) {
    try {
      return java.nio.file.Path.of(
              PortcullisConfigTest.class.getResource("/client-keys/" + name).toURI())
          .toString();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String keyText(String name) throws Exception {
    return java.nio.file.Files.readString(java.nio.file.Path.of(keyFile(name)));
  }

  @Test
  void fromWhenClientKeyFileSetThenPrivateKeyJwtImpliedAndToStringShowsThePathOnly()
      throws Exception {
    String path = keyFile("rsa-2048.pem");
    PortcullisConfig config = config("client-key-file", path, "client-jwks-path", "/jwks/");

    assertThat(config.clientAuth()).isEqualTo(ClientAuth.PRIVATE_KEY_JWT);
    assertThat(config.clientKey()).get().extracting(k -> k.algorithm()).isEqualTo("RS256");
    assertThat(config.clientJwksPath()).contains("/jwks");
    String body = keyText("rsa-2048.pem").lines().toList().get(1);
    assertThat(config.toString())
        .contains("client-key-file=" + path, "client-auth=private_key_jwt")
        .doesNotContain(body);
    assertThat(
            config(
                    "client-key-file",
                    path,
                    "client-key-id",
                    "app-1",
                    "client-auth",
                    "private_key_jwt")
                .clientKey()
                .orElseThrow()
                .keyId())
        .isEqualTo("app-1");
  }

  @Test
  void fromWhenClientAuthPrivateKeyJwtWithoutKeyFileThenNamesTheKey() {
    assertThat(problems("client-auth", "private_key_jwt"))
        .singleElement(STRING)
        .contains("private_key_jwt needs client-key-file, which is not set");
  }

  @Test
  void fromWhenClientKeyFileMissingUnreadableOrPublicThenErrorNamingItWithoutItsContent()
      throws Exception {
    assertThat(problems("client-key-file", "/no/such/dir/key.pem"))
        .singleElement(STRING)
        .startsWith("client-key-file = \"/no/such/dir/key.pem\" (from map \"client-key-file\")")
        .contains("cannot be read (NoSuchFileException)");
    assertThat(problems("client-key-file", keyFile("rsa-2048-public.pem")))
        .singleElement(STRING)
        .contains("holds a public key only; private_key_jwt needs the private key")
        .doesNotContain(keyText("rsa-2048-public.pem").lines().toList().get(1));
    String pkcs1 = keyText("rsa-2048-pkcs1.pem");
    assertThat(problems("client-key-file", keyFile("rsa-2048-pkcs1.pem")))
        .singleElement(STRING)
        .contains("openssl pkcs8 -topk8 -nocrypt")
        .doesNotContain(pkcs1.lines().toList().get(1));
    assertThat(problems("client-key-file", keyFile(".")))
        .singleElement(STRING)
        .contains("client-key-file", "cannot be read");
  }

  @Test
  void fromWhenPrivateKeyJwtWithASecretThenErrorWithoutTheSecret() {
    String path = keyFile("rsa-2048.pem");
    assertThat(
            problems(
                "client-auth", "private_key_jwt", "client-key-file", path, "client-secret", SECRET))
        .singleElement(STRING)
        .contains("client-secret is set but client-auth is private_key_jwt")
        .doesNotContain(SECRET);
    assertThat(problems("client-key-file", path, "client-secret", SECRET))
        .as("the secret implies client_secret_basic, which leaves the key unused")
        .singleElement(STRING)
        .startsWith("client-key-file = ")
        .contains("is set but client-auth is client_secret_basic, which does not use it")
        .doesNotContain(SECRET);
    assertThat(problems("client-key-file", path, "client-auth", "none"))
        .singleElement(STRING)
        .contains("is set but client-auth is none");
  }

  @Test
  void fromWhenClientKeyIdOrJwksPathWithoutKeyFileThenError() {
    assertThat(problems("client-key-id", "k1"))
        .singleElement(STRING)
        .contains("client-key-id", "is set but client-key-file is not");
    assertThat(problems("client-jwks-path", "/jwks"))
        .singleElement(STRING)
        .contains("client-jwks-path", "there is no key to publish");
    String path = keyFile("rsa-2048.pem");
    assertThat(problems("client-key-file", path, "client-jwks-path", "/logout"))
        .singleElement(STRING)
        .contains("is the same path as logout-path");
    assertThat(problems("client-key-file", path, "client-jwks-path", "/h", "health-path", "/h/"))
        .singleElement(STRING)
        .contains("is the same path as health-path");
    assertThat(problems("client-key-file", path, "client-jwks-path", "jwks"))
        .singleElement(STRING)
        .contains("e.g. /portcullis/jwks");
  }

  @Test
  void fromWhenClientAuthUnknownThenListsAllowedValues() {
    assertThat(problems("client-auth", "basic"))
        .singleElement(STRING)
        .startsWith("client-auth = \"basic\" (from map \"client-auth\")")
        .contains("client_secret_basic, client_secret_post, private_key_jwt, none");
  }

  // ---- scopes ---------------------------------------------------------------------------------

  // ---- client credentials (m2m) --------------------------------------------------------------

  @Test
  void fromWhenBearerAudienceGivenThenParsed() {
    PortcullisConfig config =
        config("bearer-tokens", "own-clients", "bearer-audience", " https://api.example  api2 ");
    assertThat(config.bearerAudience()).containsExactly("https://api.example", "api2");
    assertThat(config("bearer-tokens", "own-clients").bearerAudience()).isEmpty();
  }

  /**
   * ID tokens carry the client ids as aud: an audience naming them would make ID tokens bearer
   * tokens.
   */
  @Test
  void fromWhenBearerAudienceNamesClientIdOrM2mClientIdThenRefusedNamingKey() {
    assertThat(problems("bearer-audience", "api app"))
        .singleElement(STRING)
        .startsWith("bearer-audience = \"api app\"")
        .contains("contains the client id \"app\"");
    assertThat(
            problems(
                "client-secret",
                "other",
                "m2m-client-id",
                "batch",
                "m2m-client-secret",
                SECRET,
                "bearer-audience",
                "batch"))
        .singleElement(STRING)
        .startsWith("bearer-audience = \"batch\"")
        .contains("\"batch\"");
  }

  @Test
  void fromWhenNoM2mKeysThenFilterClientAndSecretUsed() {
    PortcullisConfig config = config("client-secret", SECRET);
    assertThat(config.m2mClientId()).contains("app");
    assertThat(config.m2mClientSecret()).contains(SECRET);
  }

  @Test
  void fromWhenNoM2mKeysAndPublicClientThenNoM2mSecret() {
    PortcullisConfig config = config();
    assertThat(config.m2mClientId()).contains("app");
    assertThat(config.m2mClientSecret()).isEmpty();
  }

  @Test
  void fromWhenM2mClientIdAndSecretGivenThenUsedInsteadOfFilterClient() {
    PortcullisConfig config =
        config("client-secret", "other", "m2m-client-id", "batch", "m2m-client-secret", SECRET);
    assertThat(config.m2mClientId()).contains("batch");
    assertThat(config.m2mClientSecret()).contains(SECRET);
    assertThat(config.clientId()).isEqualTo("app");
    assertThat(config.clientSecret()).contains("other");
  }

  @Test
  void fromWhenM2mClientIdWithPublicFilterClientThenAccepted() {
    PortcullisConfig config = config("m2m-client-id", "batch", "m2m-client-secret", SECRET);
    assertThat(config.clientAuth()).isEqualTo(ClientAuth.NONE);
    assertThat(config.m2mClientSecret()).contains(SECRET);
  }

  @Test
  void fromWhenM2mClientIdWithoutM2mSecretThenSecretRequiredEvenIfClientSecretSet() {
    assertThat(problems("client-secret", SECRET, "m2m-client-id", "batch"))
        .singleElement(STRING)
        .startsWith("m2m-client-secret is not set, but it is required when m2m-client-id is set")
        .contains("from map \"m2m-client-id\"", "OAuth 2.1 §4.2", "PORTCULLIS_M2M_CLIENT_SECRET")
        .doesNotContain(SECRET);
  }

  @Test
  void fromWhenM2mSecretWithoutM2mClientIdThenErrorWithoutShowingIt() {
    assertThat(problems("client-secret", "other", "m2m-client-secret", SECRET))
        .singleElement(STRING)
        .startsWith(
            "m2m-client-secret = (value hidden) (from map \"m2m-client-secret\"): is set but"
                + " m2m-client-id is not; expected m2m-client-id")
        .doesNotContain(SECRET);
  }

  @Test
  void fromWhenM2mKeysFromEnvironmentThenRead() {
    PortcullisConfig config =
        PortcullisConfig.from(
            ConfigSource.of("init-param", map()),
            ConfigSource.environment(
                Map.of(
                    "PORTCULLIS_M2M_CLIENT_ID", "batch", "PORTCULLIS_M2M_CLIENT_SECRET", SECRET)));
    assertThat(config.m2mClientId()).contains("batch");
    assertThat(config.m2mClientSecret()).contains(SECRET);
  }

  @Test
  void toStringWhenM2mSecretSetThenRedacted() {
    PortcullisConfig config = config("m2m-client-id", "batch", "m2m-client-secret", SECRET);
    assertThat(config.toString())
        .contains("m2m-client-id=batch", "m2m-client-secret=****")
        .doesNotContain(SECRET);
  }

  @Test
  void fromWhenScopesGivenThenOrderKeptAndDuplicatesDropped() {
    PortcullisConfig config = config("scopes", " email  openid\tread:data email openid ");
    assertThat(config.scopes()).containsExactly("email", "openid", "read:data");
    assertThatThrownBy(() -> config.scopes().add("x"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void fromWhenScopesLackOpenidThenError() {
    assertThat(problems("scopes", "profile email"))
        .singleElement(STRING)
        .startsWith("scopes = \"profile email\" (from map \"scopes\"): does not contain openid")
        .contains("OpenID Connect Core §3.1.2.1");
  }

  @Test
  void fromWhenScopeHasForbiddenCharacterThenErrorNamingIt() {
    assertThat(problems("scopes", "openid a\"b"))
        .singleElement(STRING)
        .contains("scope \"a\\\"b\"", "RFC 6749 §3.3");
    assertThat(problems("scopes", "openid caf\u00e9")).hasSize(1);
    assertThat(problems("scopes", "openid a\\b")).hasSize(1);
  }

  // ---- paths ----------------------------------------------------------------------------------

  @Test
  void fromWhenPathsGivenThenUsed() {
    PortcullisConfig config = config("redirect-path", "/login/cb", "logout-path", "/bye");
    assertThat(config.redirectPath()).isEqualTo("/login/cb");
    assertThat(config.logoutPath()).isEqualTo("/bye");
  }

  @Test
  void fromWhenPathsMalformedThenErrorEach() {
    assertThat(problems("redirect-path", "callback", "logout-path", "/bye?x"))
        .hasSize(2)
        .anySatisfy(p -> assertThat(p).startsWith("redirect-path = \"callback\""))
        .anySatisfy(p -> assertThat(p).startsWith("logout-path = \"/bye?x\""));
    assertThat(problems("redirect-path", "/cb#x")).hasSize(1);
    assertThat(problems("redirect-path", "//cb")).hasSize(1);
    assertThat(problems("redirect-path", "/c b")).hasSize(1);
  }

  @Test
  void fromWhenRedirectAndLogoutPathsEqualThenError() {
    assertThat(problems("logout-path", "/oauth2/callback"))
        .singleElement(STRING)
        .startsWith("logout-path = \"/oauth2/callback\"")
        .contains("same path as redirect-path");
    assertThat(problems("redirect-path", "/logout"))
        .singleElement(STRING)
        .startsWith("redirect-path = \"/logout\"");
  }

  // ---- rules ----------------------------------------------------------------------------------

  @Test
  void fromWhenRulesGivenThenParsed() {
    String rules = "# comment\n/static/** permit\n/** authenticated\n";
    assertThat(config("rules", rules).rules().toString())
        .isEqualTo(AccessRules.parse(rules).toString());
  }

  @Test
  void fromWhenRulesInvalidThenParserMessageWrapped() {
    assertThat(problems("rules", "/a permit\n/b"))
        .singleElement(STRING)
        .startsWith("rules (from map \"rules\"): line 2: ")
        .contains("expected");
  }

  // ---- numbers --------------------------------------------------------------------------------

  @Test
  void fromWhenSecondsGivenThenDurations() {
    PortcullisConfig config = config("refresh-before", "0", "http-timeout", "300");
    assertThat(config.refreshBefore()).isEqualTo(Duration.ZERO);
    assertThat(config.httpTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(config("http-timeout", "1").httpTimeout()).hasSeconds(1);
  }

  @Test
  void fromWhenSecondsMalformedOrOutOfRangeThenError() {
    assertThat(problems("refresh-before", "-1"))
        .singleElement(STRING)
        .startsWith("refresh-before = \"-1\" (from map \"refresh-before\"): is not a whole number")
        .contains("of at least 0");
    assertThat(problems("refresh-before", "60s")).hasSize(1);
    assertThat(problems("refresh-before", "99999999999999")).hasSize(1);
    assertThat(problems("http-timeout", "0"))
        .singleElement(STRING)
        .contains("is out of range", "from 1 to 300");
    assertThat(problems("http-timeout", "301")).hasSize(1);
    assertThat(problems("http-timeout", "1.5")).hasSize(1);
  }

  // ---- authorization params -------------------------------------------------------------------

  @Test
  void fromWhenAuthorizationParamsGivenThenDecodedInOrder() {
    PortcullisConfig config =
        config(
            "authorization-params", "prompt=consent&audience=https%3A%2F%2Fapi&acr_values=a+b&x=");
    assertThat(config.authorizationParams())
        .containsExactly(
            Map.entry("prompt", "consent"),
            Map.entry("audience", "https://api"),
            Map.entry("acr_values", "a b"),
            Map.entry("x", ""));
    assertThatThrownBy(() -> config.authorizationParams().put("a", "b"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void fromWhenAuthorizationParamsOverrideProtectedParamThenErrorNamingIt() {
    for (String param : ConfigParser.PROTECTED_AUTHORIZATION_PARAMS) {
      assertThat(problems("authorization-params", "prompt=login&" + param + "=x"))
          .singleElement(STRING)
          .contains("parameter \"" + param + "\" is set by Portcullis");
    }
    assertThat(problems("authorization-params", "scope=x"))
        .singleElement(STRING)
        .contains("(use scopes)");
  }

  @Test
  void fromWhenAuthorizationParamsMalformedThenError() {
    assertThat(problems("authorization-params", "=x"))
        .singleElement(STRING)
        .contains("pair \"=x\"");
    assertThat(problems("authorization-params", "%20=x"))
        .singleElement(STRING)
        .contains("empty name");
    assertThat(problems("authorization-params", "prompt")).hasSize(1);
    assertThat(problems("authorization-params", "a=1&&b=2")).hasSize(1);
    assertThat(problems("authorization-params", "a=%zz"))
        .singleElement(STRING)
        .contains("URL-encoded");
    assertThat(problems("authorization-params", "a=1&a=2"))
        .singleElement(STRING)
        .contains("given twice");
  }

  // ---- claims, response mode, flags -----------------------------------------------------------

  @Test
  void fromWhenClaimsGivenThenExposed() {
    PortcullisConfig config =
        config("principal-claim", "email", "roles-claim", "realm_access.roles");
    assertThat(config.principalClaim()).contains("email");
    assertThat(config.rolesClaim()).contains("realm_access.roles");
  }

  @Test
  void fromWhenRolesClaimHasEmptySegmentThenError() {
    assertThat(problems("roles-claim", "realm_access..roles"))
        .singleElement(STRING)
        .startsWith("roles-claim = \"realm_access..roles\"");
    assertThat(problems("roles-claim", ".roles")).hasSize(1);
  }

  @Test
  void fromWhenResponseModeGivenThenParsed() {
    assertThat(config("response-mode", "form_post").responseMode())
        .isEqualTo(ResponseMode.FORM_POST);
    assertThat(config("response-mode", "query").responseMode()).isEqualTo(ResponseMode.QUERY);
    assertThat(ResponseMode.FORM_POST.value()).isEqualTo("form_post");
    assertThat(problems("response-mode", "fragment"))
        .singleElement(STRING)
        .startsWith("response-mode = \"fragment\"")
        .endsWith("expected query or form_post");
  }

  @Test
  void fromWhenScopeStepUpGivenThenCaseInsensitiveBoolean() {
    assertThat(config("scope-step-up", "FALSE").scopeStepUp()).isFalse();
    assertThat(config("scope-step-up", "True").scopeStepUp()).isTrue();
    assertThat(problems("scope-step-up", "yes"))
        .singleElement(STRING)
        .endsWith("expected true or false");
  }

  @Test
  void fromWhenPreservePostGivenThenFlagAndByteLimitInRange() {
    PortcullisConfig unset = config("scope-step-up", "true");
    assertThat(unset.preservePost()).isFalse();
    assertThat(unset.preservePostMaxBytes()).isEqualTo(65536);
    assertThat(config("preserve-post", "TRUE").preservePost()).isTrue();
    assertThat(config("preserve-post-max-bytes", "1048576").preservePostMaxBytes())
        .isEqualTo(1048576);
    assertThat(problems("preserve-post", "on")).singleElement(STRING).endsWith("true or false");
    assertThat(problems("preserve-post-max-bytes", "64k"))
        .singleElement(STRING)
        .startsWith("preserve-post-max-bytes = \"64k\"")
        .contains("is not a whole number of bytes")
        .endsWith("expected a whole number of bytes from 1 to 1048576, e.g. 65536");
    assertThat(problems("preserve-post-max-bytes", "1048577"))
        .singleElement(STRING)
        .contains("is out of range");
    assertThat(problems("preserve-post-max-bytes", "0")).singleElement(STRING).contains("range");
  }

  // ---- state key ------------------------------------------------------------------------------

  @Test
  void fromWhenStateKeyStandardOrUrlSafeBase64ThenDecoded() {
    String standard = Base64.getEncoder().encodeToString(KEY_BYTES);
    String urlSafe = Base64.getUrlEncoder().withoutPadding().encodeToString(KEY_BYTES);
    assertThat(standard).containsAnyOf("+", "/");
    assertThat(urlSafe).containsAnyOf("-", "_");
    assertThat(config("state-key", standard).stateKey())
        .hasValueSatisfying(k -> assertThat(k).isEqualTo(KEY_BYTES));
    assertThat(config("state-key", urlSafe).stateKey())
        .hasValueSatisfying(k -> assertThat(k).isEqualTo(KEY_BYTES));
  }

  @Test
  void stateKeyWhenCallerChangesCopyThenConfigUnchanged() {
    PortcullisConfig config = config("state-key", Base64.getEncoder().encodeToString(KEY_BYTES));
    config.stateKey().orElseThrow()[0] ^= 1;
    assertThat(config.stateKey().orElseThrow()).isEqualTo(KEY_BYTES);
  }

  @Test
  void fromWhenStateKeyWrongLengthOrNotBase64ThenErrorWithValueHidden() {
    String shortKey = Base64.getEncoder().encodeToString(new byte[16]);
    assertThat(problems("state-key", shortKey))
        .singleElement(STRING)
        .startsWith("state-key = (value hidden) (from map \"state-key\"): decodes to 16 bytes")
        .doesNotContain(shortKey);
    assertThat(problems("state-key", SECRET + "!"))
        .singleElement(STRING)
        .contains("not valid base64")
        .doesNotContain(SECRET);
  }

  @Test
  void fromWhenPreviousStateKeyBesideStateKeyThenDecodedAndHidden() {
    String previous = Base64.getEncoder().encodeToString(KEY_BYTES);
    PortcullisConfig config =
        config(
            "state-key",
            Base64.getEncoder().encodeToString(new byte[32]),
            "previous-state-key",
            previous);
    assertThat(config.previousStateKey())
        .hasValueSatisfying(k -> assertThat(k).isEqualTo(KEY_BYTES));
    assertThat(config.toString()).contains("previous-state-key=****").doesNotContain(previous);
    assertThat(config().previousStateKey()).isEmpty();
  }

  @Test
  void fromWhenPreviousStateKeyWithoutStateKeyOrWrongThenErrorNamingItWithValueHidden() {
    String previous = Base64.getEncoder().encodeToString(KEY_BYTES);
    assertThat(problems("previous-state-key", previous))
        .singleElement(STRING)
        .startsWith("previous-state-key = (value hidden)")
        .contains("without state-key")
        .doesNotContain(previous);
    String shortKey = Base64.getEncoder().encodeToString(new byte[16]);
    assertThat(problems("state-key", previous, "previous-state-key", shortKey))
        .singleElement(STRING)
        .startsWith("previous-state-key = (value hidden)")
        .contains("decodes to 16 bytes")
        .doesNotContain(shortKey);
  }

  // ---- trusted proxies ------------------------------------------------------------------------

  @Test
  void fromWhenTrustedProxiesGivenThenCidrMatching() {
    PortcullisConfig config =
        config("trusted-proxies", "10.0.0.0/8, 192.168.1.10 2001:db8::/32,::1");
    assertThat(config.trustedProxies())
        .containsExactly("10.0.0.0/8", "192.168.1.10", "2001:db8::/32", "::1");
    assertThat(config.isTrustedProxy("10.20.30.40")).isTrue();
    assertThat(config.isTrustedProxy("192.168.1.10")).isTrue();
    assertThat(config.isTrustedProxy("192.168.1.11")).isFalse();
    assertThat(config.isTrustedProxy("2001:db8::5")).isTrue();
    assertThat(config.isTrustedProxy("0:0:0:0:0:0:0:1")).isTrue();
    assertThat(config.isTrustedProxy("localhost")).isFalse();
    assertThat(config.isTrustedProxy("")).isFalse();
  }

  @Test
  void fromWhenTrustedProxyIsHostNameOrBadCidrThenErrorPerEntry() {
    assertThat(problems("trusted-proxies", "proxy.internal, 10.0.0.0/40, 10.0.0.1"))
        .hasSize(2)
        .allSatisfy(p -> assertThat(p).startsWith("trusted-proxies = \"proxy.internal, "))
        .anySatisfy(p -> assertThat(p).contains("entry \"proxy.internal\""))
        .anySatisfy(p -> assertThat(p).contains("entry \"10.0.0.0/40\""));
  }

  // ---- container error pages -------------------------------------------------------------------

  @Test
  void fromWhenContainerErrorPagesGivenThenTheStatusesElseNone() {
    assertThat(config("container-error-pages", "503, 403 400,403").containerErrorPages())
        .containsExactly(400, 403, 503);
    assertThat(config("container-error-pages", "").containerErrorPages()).isEmpty();
    assertThat(config("client-id", "app").containerErrorPages()).isEmpty();
  }

  @Test
  void fromWhenContainerErrorPagesNamesAnotherStatusThenOneProblemNamingIt() {
    for (String bad : new String[] {"404", "500", "true", "4033", "403;503"}) {
      assertThat(problems("container-error-pages", "403 " + bad))
          .as(bad)
          .singleElement()
          .satisfies(p -> assertThat(p).startsWith("container-error-pages = \"403 "))
          .satisfies(p -> assertThat(p).contains("entry \"" + bad + "\"", "400, 401, 403"));
    }
  }

  // ---- identity headers ------------------------------------------------------------------------

  @Test
  void fromWhenIdentityHeadersGivenThenNormalisedNamesAndPrefixes() {
    PortcullisConfig config =
        config("identity-headers", "X-Corp-User, x_corp_groups  X-Corp-Claim-*,X-CORP-USER");
    assertThat(config.identityHeaders())
        .containsExactly("x-corp-user", "x-corp-groups", "x-corp-claim-*");
    assertThat(config.toString())
        .contains("identity-headers=x-corp-user,x-corp-groups,x-corp-claim-*");
    assertThat(config().identityHeaders()).isEmpty();
  }

  @Test
  void fromWhenIdentityHeaderNameInvalidThenErrorNamingKeyAndEntry() {
    for (String bad :
        List.of("X-User: root", "X Corp:User", "*", "X-*-User", "X-Ünï", "X-A\"B", "a(b)")) {
      assertThat(problems("identity-headers", bad))
          .as(bad)
          .singleElement(STRING)
          .startsWith("identity-headers = ")
          .contains("is not a header name", "expected header names");
    }
  }

  // ---- collection, secrets, toString ----------------------------------------------------------

  @Test
  void fromWhenSeveralProblemsThenAllInOneException() {
    InvalidConfigurationException e =
        catchThrowableOfType(
            InvalidConfigurationException.class,
            () ->
                PortcullisConfig.from(
                    ConfigSource.of(
                        "init-param",
                        Map.of(
                            "issuer", "http://idp.example",
                            "scopes", "profile",
                            "http-timeout", "0",
                            "client_id", "app"))));
    assertThat(e.problems()).hasSize(5);
    assertThat(e.getMessage())
        .startsWith("Invalid Portcullis configuration:\n  - ")
        .contains(
            "unknown key \"client_id\" in init-param; did you mean \"client-id\"?",
            "issuer = \"http://idp.example\" (from init-param \"issuer\")",
            "client-id is not set, but it is required",
            "scopes = \"profile\" (from init-param \"scopes\")",
            "http-timeout = \"0\" (from init-param \"http-timeout\")");
  }

  @Test
  void fromWhenSecretInvolvedInErrorsThenNeverInMessage() {
    String stateKey = SECRET + "AAAA";
    InvalidConfigurationException e =
        catchThrowableOfType(
            InvalidConfigurationException.class,
            () ->
                PortcullisConfig.from(
                    ConfigSource.of("init-param", map("client-secret", SECRET)),
                    ConfigSource.environment(
                        Map.of(
                            "PORTCULLIS_CLIENT_AUTH", "none", "PORTCULLIS_STATE_KEY", stateKey))));
    assertThat(e.problems()).hasSize(2);
    assertThat(e.getMessage())
        .doesNotContain(SECRET)
        .contains(
            "state-key = (value hidden) (from environment variable \"PORTCULLIS_STATE_KEY\")",
            "client-auth = \"none\" (from environment variable \"PORTCULLIS_CLIENT_AUTH\")",
            "client-secret from init-param \"client-secret\"");
  }

  @Test
  void toStringWhenSecretsSetThenRedacted() {
    String stateKey = Base64.getEncoder().encodeToString(KEY_BYTES);
    PortcullisConfig config =
        config(
            "client-secret", SECRET,
            "state-key", stateKey,
            "rules", "/a permit\n/** authenticated",
            "trusted-proxies", "10.0.0.0/8",
            "authorization-params", "prompt=consent");
    assertThat(config.toString())
        .startsWith("PortcullisConfig{issuer=https://idp.example.com/realms/app, client-id=app,")
        .contains(
            "client-secret=****",
            "state-key=****",
            "client-auth=client_secret_basic",
            "scopes=openid profile",
            "rules=/a permit\\n/** authenticated",
            "trusted-proxies=10.0.0.0/8",
            "authorization-params=prompt=consent",
            "http-timeout=5",
            "refresh-before=60")
        .doesNotContain(SECRET)
        .doesNotContain(stateKey)
        .doesNotContain("\n");
  }

  @Test
  void fromWhenConfigFileGivenThenAcceptedAsKnownKey() {
    PortcullisConfig config =
        PortcullisConfig.from(
            ConfigSource.of("init-param", map()),
            ConfigSource.environment(Map.of("PORTCULLIS_CONFIG_FILE", "/etc/app/p.properties")));
    assertThat(config.toString()).contains("config-file=/etc/app/p.properties");
  }
}
