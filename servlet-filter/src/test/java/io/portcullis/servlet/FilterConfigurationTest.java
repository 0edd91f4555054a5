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
}
