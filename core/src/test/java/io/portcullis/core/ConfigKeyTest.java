package io.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConfigKeyTest {

  @Test
  void envNameWhenKeyHasDashesThenUpperCaseWithUnderscores() {
    assertThat(ConfigKey.CLIENT_ID.envName()).isEqualTo("PORTCULLIS_CLIENT_ID");
    assertThat(ConfigKey.POST_LOGOUT_REDIRECT_URI.envName())
        .isEqualTo("PORTCULLIS_POST_LOGOUT_REDIRECT_URI");
    assertThat(ConfigKey.ISSUER.envName()).isEqualTo("PORTCULLIS_ISSUER");
  }

  @Test
  void systemPropertyWhenAnyKeyThenPortcullisPrefixedKey() {
    assertThat(ConfigKey.CLIENT_ID.systemProperty()).isEqualTo("portcullis.client-id");
    assertThat(ConfigKey.CONFIG_FILE.systemProperty()).isEqualTo("portcullis.config-file");
  }

  @Test
  void byKeyWhenEveryConstantThenRoundTrips() {
    for (ConfigKey key : ConfigKey.values()) {
      assertThat(ConfigKey.byKey(key.key())).contains(key);
      assertThat(key.key()).matches("[a-z][a-z0-9]*(-[a-z0-9]+)*");
      assertThat(key.description()).isNotBlank().doesNotContain("\n");
      assertThat(key.defaultText()).isNotBlank();
    }
  }

  @Test
  void byKeyWhenMisspelledOrOtherSpellingThenEmpty() {
    assertThat(ConfigKey.byKey("client_id")).isEmpty();
    assertThat(ConfigKey.byKey("CLIENT-ID")).isEmpty();
    assertThat(ConfigKey.byKey("portcullis.client-id")).isEmpty();
  }

  @Test
  void secretWhenClientSecretOrStateKeyThenTrueElseFalse() {
    assertThat(Arrays.stream(ConfigKey.values()).filter(ConfigKey::secret))
        .containsExactlyInAnyOrder(
            ConfigKey.CLIENT_SECRET,
            ConfigKey.M2M_CLIENT_SECRET,
            ConfigKey.STATE_KEY,
            ConfigKey.PREVIOUS_STATE_KEY);
  }

  @Test
  void keysWhenComparedToSpecTableThenAllPresent() {
    assertThat(Arrays.stream(ConfigKey.values()).map(ConfigKey::key))
        .containsExactly(
            "issuer",
            "authorization-endpoint",
            "token-endpoint",
            "jwks-uri",
            "userinfo-endpoint",
            "end-session-endpoint",
            "client-id",
            "client-secret",
            "client-key-file",
            "client-key-id",
            "client-auth",
            "m2m-client-id",
            "m2m-client-secret",
            "scopes",
            "redirect-path",
            "logout-path",
            "post-logout-redirect-uri",
            "health-path",
            "backchannel-logout-path",
            "frontchannel-logout-path",
            "client-jwks-path",
            "rules",
            "providers",
            "provider-rules",
            "display-name",
            "tenants",
            "refresh-before",
            "session-idle-timeout", // issue 14 AC2: not in SPEC.md's table (read-only here)
            "session-max-lifetime",
            "base-url",
            "authorization-params",
            "principal-claim",
            "roles-claim",
            "userinfo", // issue 14 AC4: not in SPEC.md's table (read-only here)
            "http-timeout",
            "response-mode",
            "par",
            "dpop",
            "dpop-key-file",
            "state-key",
            "previous-state-key",
            "scope-step-up",
            "preserve-post",
            "preserve-post-max-bytes",
            "bearer-only",
            "bearer-tokens",
            "bearer-audience",
            "trusted-proxies",
            "identity-headers",
            "container-auth", // issue 12 AC3: not in SPEC.md's table (read-only here)
            "container-error-pages",
            "config-file",
            "keycloak-config-file");
  }

  @Test
  void declarationWhenDefaultIsAValueThenDocumentedDefaultIsItAndAnUnsetKeyHasIt() {
    PortcullisConfig unset =
        PortcullisConfig.of(Map.of("issuer", "https://idp.example.com", "client-id", "app"));
    String shown = unset.toString();
    // Defaults derived from other keys: documented in words, not by the declared value.
    Set<ConfigKey> derived = Set.of(ConfigKey.CLIENT_ID, ConfigKey.CLIENT_AUTH);
    for (ConfigKey key : ConfigKey.values()) {
      Optional<String> text = PortcullisConfig.shown(key, key.defaultValue());
      if (text.isPresent() && !derived.contains(key)) {
        assertThat(key.defaultText()).as(key.key()).isEqualTo(text.get());
        assertThat(shown).as(key.key()).contains(key.key() + "=" + text.get());
      }
    }
  }

  @Test
  void textOfWhenTypedValueThenTheTextEverySourceGives() {
    assertThat(ConfigKey.REFRESH_BEFORE.textOf(Duration.ofMinutes(2))).isEqualTo("120");
    assertThat(ConfigKey.HTTP_TIMEOUT.textOf(Duration.ofMillis(1500))).isEqualTo("PT1.5S");
    assertThat(ConfigKey.SCOPE_STEP_UP.textOf(false)).isEqualTo("false");
    assertThat(ConfigKey.SCOPES.textOf(List.of("openid", "email"))).isEqualTo("openid email");
    assertThat(ConfigKey.TRUSTED_PROXIES.textOf(List.of("10.0.0.0/8", "::1")))
        .isEqualTo("10.0.0.0/8,::1");
    assertThat(ConfigKey.RULES.textOf(List.of("/ permit", "/** authenticated")))
        .isEqualTo("/ permit\n/** authenticated");
    assertThat(ConfigKey.CLIENT_ID.textOf("app")).isEqualTo("app");
  }
}
