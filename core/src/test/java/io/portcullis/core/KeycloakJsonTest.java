package io.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code keycloak.json} as the adapters' users have it (README "keycloak.json"): a corpus of files
 * from every era under {@code src/test/resources/keycloak-json}, each of which either configures
 * cleanly or fails naming the keycloak.json key and the file.
 */
class KeycloakJsonTest {

  private static final Map<String, String> ENV = Map.of("KEYCLOAK_SECRET", "from-the-environment");
  private static final Map<String, String> SYS = Map.of("keycloak.client", "client-from-sysprop");

  /** Every file of the corpus: null for a clean configuration, else what the message must hold. */
  static Stream<Arguments> corpus() {
    return Stream.of(
        Arguments.of("kc3-demo-public.json", null),
        Arguments.of("kc4-installation-confidential.json", null),
        Arguments.of("kc7-quickstart-bearer-only.json", null),
        Arguments.of("kc10-every-key.json", null),
        Arguments.of("kc19-console-export.json", null),
        Arguments.of("kc22-public-verify-audience.json", null),
        Arguments.of("strings-for-scalars.json", null),
        Arguments.of("substitution.json", null),
        Arguments.of("several-credentials-provider.json", null),
        Arguments.of("unknown-keys.json", null),
        Arguments.of("realm-with-space.json", null),
        Arguments.of("bom.json", null),
        Arguments.of("fail-jwt-credentials.json", "keycloak.json credentials.jwt"),
        Arguments.of("fail-secret-jwt.json", "keycloak.json credentials.secret-jwt"),
        Arguments.of("fail-policy-enforcer.json", "keycloak.json policy-enforcer"),
        Arguments.of("fail-ssl-required.json", "keycloak.json ssl-required \"sometimes\""),
        Arguments.of("fail-comment.json", "line 2, column 3: a comment"),
        Arguments.of("fail-trailing-comma.json", "trailing commas are not JSON"),
        Arguments.of("fail-no-realm.json", "keycloak.json realm is missing"),
        Arguments.of("fail-no-resource.json", "keycloak.json resource is missing"),
        Arguments.of("fail-relative-url.json", "keycloak.json auth-server-url \"/auth\""),
        Arguments.of("fail-plain-http.json", "\"auth-server-url\"): uses plain http"),
        Arguments.of(
            "fail-unset-variable.json",
            "keycloak.json auth-server-url ${env.PORTCULLIS_TEST_UNSET_URL} is set nowhere"),
        Arguments.of(
            "fail-bad-number.json", "keycloak.json token-minimum-time-to-live \"ten\" is not"),
        Arguments.of(
            "fail-bad-boolean.json", "keycloak.json public-client \"yes\" is not a boolean"),
        Arguments.of("fail-not-object.json", "is not a JSON object"),
        Arguments.of("fail-duplicate.json", "\"realm\" appears twice"));
  }

  @ParameterizedTest
  @MethodSource("corpus")
  void fromWhenCorpusFileThenConfiguresOrFailsNamingTheKeyAndFile(
      String file, @Nullable String expected) throws IOException {
    KeycloakJson source = parse(file, resource(file));
    if (expected == null) {
      PortcullisConfig config = PortcullisConfig.from(source);
      assertThat(config.clientId()).isNotEmpty();
      assertThat(config.issuer()).isPresent();
      return;
    }
    InvalidConfigurationException e =
        catchThrowableOfType(
            InvalidConfigurationException.class, () -> PortcullisConfig.from(source));
    assertThat(e).as(file).isNotNull();
    assertThat(e.getMessage()).contains(expected).contains("from " + file + " ");
    assertThat(e.getMessage()).doesNotContain("storepass", "keypass", "abc\"", "secret\"");
  }

  @Test
  void corpusWhenListedThenEveryFileOfTheDirectoryIsInIt() throws IOException {
    try (Stream<java.nio.file.Path> files =
        java.nio.file.Files.list(java.nio.file.Path.of("src/test/resources/keycloak-json"))) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .containsExactlyInAnyOrderElementsOf(corpus().map(a -> (String) a.get()[0]).toList());
    }
  }

  @Test
  void fromWhenInstallationExportThenIssuerClientSecretAndResourceRoles() throws IOException {
    PortcullisConfig config = config("kc4-installation-confidential.json");
    assertThat(config.issuer()).contains(URI.create("https://sso.example.com/auth/realms/demo"));
    assertThat(config.clientId()).isEqualTo("database-service");
    assertThat(config.clientSecret()).contains("0c5ef1e2-3b6f-4a1f-9c8b-8e1f2d3c4b5a");
    assertThat(config.clientAuth()).isEqualTo(ClientAuth.CLIENT_SECRET_BASIC);
    assertThat(config.rolesClaim()).contains("resource_access.database-service.roles");
    assertThat(config.principalClaim()).as("the adapters' default principal").contains("sub");
    assertThat(config.bearerOnly()).isFalse();
  }

  @Test
  void fromWhenAuthServerUrlInEveryEraThenTheRealmIssuer() {
    for (String url :
        List.of(
            "https://sso.example.com",
            "https://sso.example.com/",
            "https://sso.example.com//",
            "https://sso.example.com/auth",
            "https://sso.example.com/auth/")) {
      String base = url.replaceAll("/+$", "");
      PortcullisConfig config =
          PortcullisConfig.from(
              parse(
                  "keycloak.json",
                  "{\"realm\":\"r\",\"auth-server-url\":\""
                      + url
                      + "\",\"resource\":\"a\",\"public-client\":true}"));
      assertThat(config.issuer()).as(url).contains(URI.create(base + "/realms/r"));
      assertThat(config.rolesClaim()).contains("realm_access.roles");
      assertThat(config.clientSecret()).isEmpty();
    }
  }

  @Test
  void fromWhenBearerOnlyThenBearerTokensOwnClientsAndNoLogin() throws IOException {
    PortcullisConfig config = config("kc7-quickstart-bearer-only.json");
    assertThat(config.bearerOnly()).isTrue();
    assertThat(config.acceptsOwnClientBearerTokens()).isTrue();
    assertThat(config.issuer())
        .contains(URI.create("http://localhost:8180/auth/realms/quickstart"));
  }

  @Test
  void fromWhenStringsForScalarsThenCoercedAsJacksonDid() throws IOException {
    PortcullisConfig config = config("strings-for-scalars.json");
    assertThat(config.bearerOnly()).isTrue();
    assertThat(config.refreshBefore()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.rolesClaim()).contains("resource_access.api.roles");
  }

  @Test
  void fromWhenSubstitutionsThenEnvironmentSystemPropertiesAndDefaults() throws IOException {
    PortcullisConfig config = config("substitution.json");
    assertThat(config.issuer()).contains(URI.create("http://localhost:8080/realms/demo"));
    assertThat(config.clientId()).isEqualTo("client-from-sysprop");
    assertThat(config.clientSecret()).contains("from-the-environment");
  }

  @Test
  void fromWhenEveryAdapterKeyThenEachIgnoredOneNotedOnceWithWhy() throws IOException {
    KeycloakJson source = parse("kc10-every-key.json", resource("kc10-every-key.json"));
    PortcullisConfig config = PortcullisConfig.from(source);
    assertThat(config.principalClaim()).contains("preferred_username");
    assertThat(config.refreshBefore()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.rolesClaim()).contains("realm_access.roles");
    assertThat(source.notes()).hasSize(2);
    String note = String.join("\n", source.notes());
    for (String key :
        List.of(
            "realm-public-key",
            "enable-cors",
            "truststore",
            "token-store",
            "always-refresh-token",
            "turn-off-change-session-id-on-login",
            "policy-enforcer",
            "ssl-required",
            "min-time-between-jwks-requests")) {
      assertThat(note).contains(" " + key + " (");
    }
    assertThat(note).startsWith("kc10-every-key.json: ignored keycloak.json key");
    assertThat(note).as("a false flag asks for nothing").doesNotContain(" enable-basic-auth (");
    assertThat(note).as("no password in a note").doesNotContain("geheim", "secret-of-the-portal");
  }

  @Test
  void fromWhenUnknownKeysThenNotedNotRefused() throws IOException {
    KeycloakJson source = parse("unknown-keys.json", resource("unknown-keys.json"));
    PortcullisConfig.from(source);
    assertThat(String.join("\n", source.notes()))
        .contains("did not know either: x-deployed-by")
        .contains("auth-server-url-for-backend-requests (every call goes");
  }

  @Test
  void fromWhenExplicitKeysThenTheyWinOverKeycloakJsonAndItsProblems() throws IOException {
    KeycloakJson json = parse("fail-jwt-credentials.json", resource("fail-jwt-credentials.json"));
    PortcullisConfig config =
        PortcullisConfig.from(
            json,
            ConfigSource.of(
                "init-param",
                Map.of(
                    "client-secret",
                    "explicit-secret",
                    "roles-claim",
                    "groups",
                    "principal-claim",
                    "email")));
    assertThat(config.clientSecret()).contains("explicit-secret");
    assertThat(config.rolesClaim()).contains("groups");
    assertThat(config.principalClaim()).contains("email");
    assertThat(config.clientId()).isEqualTo("product-portal");
  }

  @Test
  void fromWhenJwtCredentialsAndClientKeyFileThenPrivateKeyJwt() throws Exception {
    KeycloakJson json = parse("fail-jwt-credentials.json", resource("fail-jwt-credentials.json"));
    String keyFile =
        java.nio.file.Path.of(getClass().getResource("/client-keys/rsa-2048.pem").toURI())
            .toString();
    PortcullisConfig config =
        PortcullisConfig.from(
            json, ConfigSource.of("init-param", Map.of("client-key-file", keyFile)));
    assertThat(config.clientAuth()).isEqualTo(ClientAuth.PRIVATE_KEY_JWT);
    assertThat(config.clientId()).isEqualTo("product-portal");
    assertThatThrownBy(() -> PortcullisConfig.from(json))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("client-key-file with the client's key as a PKCS#8 PEM");
  }

  @Test
  void fromWhenProblemNotOverriddenThenStillReportedBesideExplicitKeys() throws IOException {
    KeycloakJson json = parse("fail-policy-enforcer.json", resource("fail-policy-enforcer.json"));
    InvalidConfigurationException e =
        catchThrowableOfType(
            InvalidConfigurationException.class,
            () ->
                PortcullisConfig.from(
                    json, ConfigSource.of("init-param", Map.of("rules", "/** authenticated"))));
    assertThat(e.configProblems()).hasSize(1);
    assertThat(e.configProblems().get(0).rawName()).isEqualTo("policy-enforcer");
  }

  @Test
  void fromWhenPublicClientWithCredentialsThenCredentialsNotedAndNoSecret() {
    KeycloakJson json =
        parse(
            "keycloak.json",
            "{\"realm\":\"r\",\"auth-server-url\":\"https://sso.example.com\",\"resource\":\"a\","
                + "\"public-client\":true,\"credentials\":{\"secret\":\"leftover-secret\"}}");
    PortcullisConfig config = PortcullisConfig.from(json);
    assertThat(config.clientSecret()).isEmpty();
    assertThat(json.notes()).anyMatch(n -> n.contains("credentials (public-client is true"));
    assertThat(String.join("", json.notes())).doesNotContain("leftover-secret");
  }

  /**
   * Property: whatever bytes a keycloak.json holds, reading it never throws anything but {@link
   * InvalidConfigurationException}, and a problem never shows a secret value of the file.
   */
  @Test
  void fromWhenMutatedFilesThenConfiguresOrFailsCleanlyNeverLeakingTheSecret() throws IOException {
    Random random = new Random(12);
    List<String> seeds = new ArrayList<>();
    for (Object[] args : corpus().map(Arguments::get).toList()) {
      seeds.add(resource((String) args[0]));
    }
    String alphabet = "{}[]\",:\\/ $\n\t0123456789-.eEtrufalsn*";
    for (int i = 0; i < 3000; i++) {
      StringBuilder text = new StringBuilder(seeds.get(random.nextInt(seeds.size())));
      int edits = 1 + random.nextInt(4);
      for (int j = 0; j < edits && text.length() > 0; j++) {
        int at = random.nextInt(text.length());
        switch (random.nextInt(3)) {
          case 0 -> text.deleteCharAt(at);
          case 1 -> text.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
          default -> text.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
        }
      }
      String mutated = text.toString();
      try {
        PortcullisConfig.from(parse("mutated.json", mutated));
      } catch (InvalidConfigurationException e) {
        assertThat(e.getMessage())
            .as(mutated)
            .contains("mutated.json")
            .doesNotContain("0c5ef1e2-3b6f", "Kq1r3Yv0bXlq2f", "secret-of-the-portal");
      }
    }
  }

  @Test
  void publicFactoryWhenTextThenReadsWithTheRealEnvironment() {
    ConfigSource source =
        ConfigSource.keycloakJson(
            "WEB-INF/keycloak.json",
            "{\"realm\":\"r\",\"auth-server-url\":\"https://sso.example.com\",\"resource\":\"a\","
                + "\"public-client\":true,\"enable-cors\":true}");
    assertThat(PortcullisConfig.from(source).clientId()).isEqualTo("a");
    assertThat(source.notes()).singleElement().asString().contains("enable-cors");
    assertThat(source.keyOf("resource")).contains(ConfigKey.CLIENT_ID);
    assertThat(source.keyOf("realm-public-key")).isEqualTo(Optional.empty());
  }

  private static PortcullisConfig config(String file) throws IOException {
    return PortcullisConfig.from(parse(file, resource(file)));
  }

  private static KeycloakJson parse(String name, String text) {
    return KeycloakJson.parse(name, text, ENV::get, SYS::get);
  }

  private static String resource(String file) throws IOException {
    try (InputStream in = KeycloakJsonTest.class.getResourceAsStream("/keycloak-json/" + file)) {
      assertThat(in).as(file).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
