package io.portcullis.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;

/** {@code init} from init-params: a bad configuration fails with one message naming each key. */
class FilterConfigurationTest {

  private static FilterConfig initParams(Map<String, String> params) {
    FilterConfig config = Mockito.mock(FilterConfig.class);
    ServletContext context = Mockito.mock(ServletContext.class);
    Mockito.when(context.getContextPath()).thenReturn("/app");
    Mockito.when(config.getServletContext()).thenReturn(context);
    Mockito.when(config.getInitParameterNames())
        .thenAnswer(i -> Collections.enumeration(params.keySet()));
    Mockito.when(config.getInitParameter(Mockito.anyString()))
        .thenAnswer(i -> params.get(i.getArgument(0, String.class)));
    return config;
  }

  @Test
  void initWhenKeysBadThenFailsNamingEachKeyAndSourceWithoutSecret() {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("issuer", "http://idp.example");
    params.put("client_id", "x");
    params.put("client-secret", "very-secret-value-1234");
    params.put("http-timeout", "soon");
    params.put("rules", "/admin/**");
    PortcullisFilter filter = new PortcullisFilter();
    assertThatThrownBy(() -> filter.init(initParams(params)))
        .isInstanceOf(ServletException.class)
        .hasMessageContaining("client_id")
        .hasMessageContaining("init-param")
        .hasMessageContaining("client-id")
        .hasMessageContaining("http-timeout")
        .hasMessageContaining("issuer")
        .hasMessageContaining("rules")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("very-secret-value-1234"));
  }

  @Test
  void initWhenContainerAuthThenRefusedNamingTheWayOut() {
    PortcullisFilter filter = new PortcullisFilter();
    assertThatThrownBy(
            () ->
                filter.init(
                    initParams(
                        Map.of(
                            "issuer",
                            "http://127.0.0.1:9/realm",
                            "client-id",
                            "app",
                            "container-auth",
                            "true"))))
        .isInstanceOf(ServletException.class)
        .hasMessageContaining("container-auth=true")
        .hasMessageContaining("remove the PortcullisFilter declaration");
  }

  @Test
  void initWhenValidThenStartsWithoutContactingProvider() throws Exception {
    // Start-up does not depend on the provider: nothing listens on port 9 of loopback.
    PortcullisFilter filter = new PortcullisFilter();
    filter.init(initParams(Map.of("issuer", "http://127.0.0.1:9/realm", "client-id", "app")));
    assertThat(filter.engine().config().clientId()).isEqualTo("app");
    filter.destroy();
  }

  @Test
  void initWhenConfigFileMissingThenFailsNamingIt() {
    PortcullisFilter filter = new PortcullisFilter();
    assertThatThrownBy(
            () ->
                filter.init(
                    initParams(
                        Map.of(
                            "config-file",
                            "/nonexistent/portcullis.properties",
                            "client-id",
                            "a",
                            "issuer",
                            "https://idp.example"))))
        .isInstanceOf(ServletException.class)
        .hasMessageContaining("config-file")
        .hasMessageContaining("/nonexistent/portcullis.properties");
  }

  @Test
  void initWhenConfigFileGivenThenItsValuesOverrideInitParams(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path file = dir.resolve("portcullis.properties");
    java.nio.file.Files.writeString(file, "client-id=from-file\nscopes=openid email\n");
    PortcullisFilter filter = new PortcullisFilter();
    filter.init(
        initParams(
            Map.of(
                "config-file",
                file.toString(),
                "client-id",
                "from-init-param",
                "issuer",
                "https://idp.example")));
    assertThat(filter.engine().config().clientId()).isEqualTo("from-file");
    assertThat(filter.engine().config().scopes()).containsExactly("openid", "email");
    filter.destroy();
  }

  @SuppressWarnings("unused")
  private static Enumeration<String> none() {
    return Collections.emptyEnumeration();
  }

  private static final String KEYCLOAK_JSON =
      "{\"realm\": \"demo\", \"auth-server-url\": \"http://127.0.0.1:9/auth/\","
          + " \"ssl-required\": \"external\", \"resource\": \"portal\","
          + " \"credentials\": {\"secret\": \"kc-secret-4711-abcdef\"},"
          + " \"use-resource-role-mappings\": true, \"enable-cors\": true,"
          + " \"confidential-port\": 0}";

  @Test
  void initWhenWebInfKeycloakJsonThenReadBelowInitParamsAndIgnoredKeysLoggedOnce()
      throws Exception {
    FilterConfig config = initParams(Map.of("principal-claim", "email"));
    Mockito.when(config.getServletContext().getResourceAsStream("/WEB-INF/keycloak.json"))
        .thenAnswer(
            i ->
                new java.io.ByteArrayInputStream(
                    KEYCLOAK_JSON.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    java.util.List<String> logged = new java.util.ArrayList<>();
    java.util.logging.Logger jul = java.util.logging.Logger.getLogger("io.portcullis");
    java.util.logging.Handler handler =
        new java.util.logging.Handler() {
          @Override
          public void publish(java.util.logging.LogRecord r) {
            logged.add(r.getMessage());
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    jul.addHandler(handler);
    PortcullisFilter filter = new PortcullisFilter();
    try {
      filter.init(config);
    } finally {
      jul.removeHandler(handler);
    }
    var c = filter.engine().config();
    assertThat(c.issuer().orElseThrow().toString())
        .isEqualTo("http://127.0.0.1:9/auth/realms/demo");
    assertThat(c.clientId()).isEqualTo("portal");
    assertThat(c.clientSecret()).contains("kc-secret-4711-abcdef");
    assertThat(c.rolesClaim()).contains("resource_access.portal.roles");
    assertThat(c.principalClaim()).as("the init-param wins").contains("email");
    assertThat(logged.stream().filter(m -> m.contains("ignored keycloak.json keys")))
        .singleElement()
        .asString()
        .startsWith("WEB-INF/keycloak.json: ")
        .contains("enable-cors (")
        .contains("ssl-required (");
    assertThat(String.join("\n", logged)).doesNotContain("kc-secret-4711-abcdef");
    filter.destroy();
  }

  @Test
  void initWhenKeycloakJsonRefusesAKeyThenFailsNamingKeyAndFile(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path file = dir.resolve("keycloak.json");
    java.nio.file.Files.writeString(
        file,
        KEYCLOAK_JSON.replace(
            "{\"secret\": \"kc-secret-4711-abcdef\"}",
            "{\"jwt\": {\"client-key-password\": \"kp\"}}"));
    PortcullisFilter filter = new PortcullisFilter();
    assertThatThrownBy(
            () -> filter.init(initParams(Map.of("keycloak-config-file", file.toString()))))
        .isInstanceOf(ServletException.class)
        .hasMessageContaining("keycloak.json credentials.jwt")
        .hasMessageContaining(file.toString());
    assertThatThrownBy(
            () -> filter.init(initParams(Map.of("keycloak-config-file", "/nonexistent/kc.json"))))
        .isInstanceOf(ServletException.class)
        .hasMessageContaining("keycloak-config-file")
        .hasMessageContaining("/nonexistent/kc.json");
  }

  @Test
  void initWhenTheAdaptersConfigFileInitParamThenFailsSuggestingKeycloakConfigFile() {
    PortcullisFilter filter = new PortcullisFilter();
    assertThatThrownBy(
            () -> filter.init(initParams(Map.of("keycloak.config.file", "/etc/app/keycloak.json"))))
        .isInstanceOf(ServletException.class)
        .hasMessageContaining(
            "unknown key \"keycloak.config.file\" in init-param; did you mean"
                + " \"keycloak-config-file\"?");
  }
}
