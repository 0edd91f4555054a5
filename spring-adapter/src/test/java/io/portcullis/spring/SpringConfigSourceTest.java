package io.portcullis.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.portcullis.core.InvalidConfigurationException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Configuration problems name Spring properties, rendered from records, never rewritten text. */
class SpringConfigSourceTest {

  private static PortcullisProperties valid() {
    PortcullisProperties p = new PortcullisProperties();
    p.setIssuer("https://idp.example.com");
    p.setClientId("app");
    return p;
  }

  private static List<String> problems(PortcullisProperties p) {
    return catchThrowableOfType(
            InvalidConfigurationException.class, () -> SpringConfigSource.config(p))
        .problems();
  }

  @Test
  void problemsWhenKeysReferToOtherKeysThenEveryKeyIsAPortcullisProperty() {
    PortcullisProperties p = valid();
    p.setClientAuth("client_secret_post");
    p.setRedirectPath("/same");
    p.setLogoutPath("/same");
    p.setM2mClientSecret("s3cr3t-value");
    assertThat(problems(p))
        .containsExactly(
            "portcullis.client-auth = \"client_secret_post\" (from Spring property \"portcullis.client-auth\"):"
                + " client_secret_post needs portcullis.client-secret, which is not set; expected"
                + " portcullis.client-secret to be set (set portcullis.client-secret (application.properties or"
                + " application.yml) or environment variable PORTCULLIS_CLIENT_SECRET), or portcullis.client-auth"
                + " none for a public client",
            "portcullis.m2m-client-secret = (value hidden) (from Spring property \"portcullis.m2m-client-secret\"):"
                + " is set but portcullis.m2m-client-id is not; expected portcullis.m2m-client-id with it (set"
                + " portcullis.m2m-client-id (application.properties or application.yml) or environment variable"
                + " PORTCULLIS_M2M_CLIENT_ID), or no portcullis.m2m-client-secret to use portcullis.client-id and"
                + " portcullis.client-secret",
            "portcullis.logout-path = \"/same\" (from Spring property \"portcullis.logout-path\"): is the same path"
                + " as portcullis.redirect-path; expected portcullis.redirect-path and portcullis.logout-path to"
                + " differ");
  }

  @Test
  void problemsWhenValueSpellsAKeyThenTheValueIsShownAsGiven() {
    PortcullisProperties p = valid();
    p.setClientId(null);
    p.setRedirectPath("client-id");
    assertThat(problems(p))
        .containsExactly(
            "portcullis.client-id is not set, but it is required; set portcullis.client-id"
                + " (application.properties or application.yml) or environment variable PORTCULLIS_CLIENT_ID",
            "portcullis.redirect-path = \"client-id\" (from Spring property \"portcullis.redirect-path\"): is not"
                + " a plain path inside the application; expected a path starting with a single /, without ?, # or"
                + " whitespace, e.g. /oauth2/callback");
  }

  @Test
  void configWhenKeycloakConfigFileThenItsKeysBelowTheSpringProperties(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path file = dir.resolve("keycloak.json");
    java.nio.file.Files.writeString(
        file,
        "{\"realm\": \"demo\", \"auth-server-url\": \"https://sso.example.com/auth\","
            + " \"resource\": \"portal\", \"public-client\": true, \"bearer-only\": true}");
    PortcullisProperties p = new PortcullisProperties();
    p.setKeycloakConfigFile(file.toString());
    p.setPrincipalClaim("email");
    var config = SpringConfigSource.config(p);
    assertThat(config.issuer().orElseThrow().toString())
        .isEqualTo("https://sso.example.com/auth/realms/demo");
    assertThat(config.clientId()).isEqualTo("portal");
    assertThat(config.bearerOnly()).isTrue();
    assertThat(config.principalClaim()).contains("email");
  }
}
