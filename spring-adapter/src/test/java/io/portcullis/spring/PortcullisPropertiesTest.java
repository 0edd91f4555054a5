package io.portcullis.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.core.ConfigKey;
import io.portcullis.core.InvalidConfigurationException;
import io.portcullis.core.PortcullisConfig;
import java.beans.PropertyDescriptor;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.BeanUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.json.JsonParserFactory;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

/**
 * The starter's properties follow the {@link ConfigKey} declarations: one typed property per key,
 * bound by Boot's conventions, and a value Boot cannot convert fails with the parser's message.
 */
class PortcullisPropertiesTest {

  private final WebApplicationContextRunner configured =
      new WebApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(PortcullisAutoConfiguration.class))
          .withPropertyValues(
              "portcullis.issuer=http://localhost:9/issuer", "portcullis.client-id=app");

  private static Class<?> javaType(ConfigKey.Type type) {
    switch (type) {
      case SECONDS:
        return Duration.class;
      case FLAG:
        return Boolean.class;
      case TEXT:
        return String.class;
      default:
        return List.class;
    }
  }

  @Test
  void
      propertiesWhenComparedToConfigKeysThenOnePropertyOfTheDeclaredTypePerKeyAndOnlyOurOwnBesides() {
    List<String> names = new ArrayList<>();
    for (PropertyDescriptor d : BeanUtils.getPropertyDescriptors(PortcullisProperties.class)) {
      if (!d.getName().equals("class")) {
        names.add(d.getName());
      }
    }
    List<String> expected = new ArrayList<>(List.of("enabled", "clientCredentials", "provider"));
    for (ConfigKey key : ConfigKey.values()) {
      String name = PortcullisProperties.propertyName(key);
      expected.add(name);
      PropertyDescriptor d = BeanUtils.getPropertyDescriptor(PortcullisProperties.class, name);
      assertThat(d).as(key.key()).isNotNull();
      assertThat(d.getPropertyType()).as(key.key()).isEqualTo(javaType(key.type()));
      assertThat(d.getWriteMethod()).as(key.key()).isNotNull();
    }
    assertThat(names).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void toKeyValuesWhenEveryKeySetThenEveryKeyAsItsTextInTableOrder() {
    PortcullisProperties p = new PortcullisProperties();
    p.setIssuer("https://idp.example.com");
    p.setRefreshBefore(Duration.ofMinutes(2));
    p.setScopeStepUp(false);
    p.setScopes(List.of("openid", "email"));
    p.setTrustedProxies(List.of("10.0.0.0/8", "::1"));
    p.setRules(List.of("/ permit", "/** authenticated"));
    assertThat(p.toKeyValues())
        .containsExactly(
            Map.entry("issuer", "https://idp.example.com"),
            Map.entry("scopes", "openid email"),
            Map.entry("rules", "/ permit\n/** authenticated"),
            Map.entry("refresh-before", "120"),
            Map.entry("scope-step-up", "false"),
            Map.entry("trusted-proxies", "10.0.0.0/8,::1"));
  }

  @Test
  void bindingWhenBootSpellingsThenNativeDurationsBooleansAndLists() {
    configured
        .withPropertyValues(
            "portcullis.refresh-before=2m",
            "portcullis.http-timeout=10",
            "portcullis.scope-step-up=off",
            "portcullis.scopes=openid,email",
            "portcullis.trusted-proxies[0]=10.0.0.0/8",
            "portcullis.trusted-proxies[1]=::1",
            "portcullis.bearer-audience=https://api.example,api2",
            "portcullis.identity-headers=X-Corp-User, X-Corp-Claim-*")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              PortcullisConfig config = context.getBean(PortcullisConfig.class);
              assertThat(config.refreshBefore()).hasSeconds(120);
              assertThat(config.httpTimeout()).hasSeconds(10);
              assertThat(config.scopeStepUp()).isFalse();
              assertThat(config.scopes()).containsExactly("openid", "email");
              assertThat(config.trustedProxies()).containsExactly("10.0.0.0/8", "::1");
              assertThat(config.bearerAudience()).containsExactly("https://api.example", "api2");
              assertThat(config.identityHeaders()).containsExactly("x-corp-user", "x-corp-claim-*");
            });
  }

  @Test
  void bindingWhenBootCannotConvertThenTheParsersMessageNamingTheProperty() {
    configured
        .withPropertyValues(
            "portcullis.refresh-before=soon",
            "portcullis.http-timeout=500ms",
            "portcullis.scope-step-up=maybe")
        .run(
            context -> {
              assertThat(context).hasFailed();
              InvalidConfigurationException invalid = null;
              for (Throwable c = context.getStartupFailure(); c != null; c = c.getCause()) {
                if (c instanceof InvalidConfigurationException e) {
                  invalid = e;
                }
              }
              assertThat(invalid).isNotNull();
              assertThat(invalid.problems())
                  .containsExactly(
                      "portcullis.refresh-before = \"soon\" (from Spring property \"portcullis.refresh-before\"):"
                          + " is not a whole number of seconds; expected a whole number of seconds of at least 0, e.g. 60",
                      "portcullis.http-timeout = \"500ms\" (from Spring property \"portcullis.http-timeout\"):"
                          + " is not a whole number of seconds; expected a whole number of seconds from 1 to 300, e.g. 5",
                      "portcullis.scope-step-up = \"maybe\" (from Spring property \"portcullis.scope-step-up\"):"
                          + " is not a boolean; expected true or false");
            });
  }

  @Test
  void bindingWhenProvidersThenEachProvidersOwnKeysOverTheGlobalOnes() {
    new WebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(PortcullisAutoConfiguration.class))
        .withPropertyValues(
            "portcullis.client-id=app",
            "portcullis.providers=employees,partners",
            "portcullis.provider-rules=/partner/**=partners",
            "portcullis.provider.employees.issuer=http://localhost:9/employees",
            "portcullis.provider.partners.issuer=http://localhost:9/partners",
            "portcullis.provider.partners.client-id=partner-app")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              PortcullisConfig config = context.getBean(PortcullisConfig.class);
              assertThat(config.providers().keySet()).containsExactly("employees", "partners");
              assertThat(config.providers().get("employees").clientId()).isEqualTo("app");
              assertThat(config.providers().get("partners").clientId()).isEqualTo("partner-app");
              assertThat(config.providers().get("partners").redirectPath())
                  .isEqualTo("/oauth2/callback/partners");
            });
  }

  @Test
  void bindingWhenProviderKeyWrongThenTheParsersMessageNamingTheProperty() {
    configured
        .withPropertyValues(
            "portcullis.providers=employees", "portcullis.provider.employees.rules=/** permit")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(context.getStartupFailure())
                  .rootCause()
                  .hasMessageContaining("portcullis.provider.employees.rules");
            });
  }

  @Test
  void bindingWhenEnabledIsNoBooleanThenStartupStillFails() {
    configured
        .withPropertyValues("portcullis.enabled=maybe")
        .run(context -> assertThat(context).hasFailed());
  }

  @SuppressWarnings("unchecked")
  @Test
  void additionalMetadataWhenItGivesADefaultThenItIsTheDeclaredDefault() throws Exception {
    try (InputStream in =
        PortcullisProperties.class
            .getClassLoader()
            .getResourceAsStream("META-INF/additional-spring-configuration-metadata.json")) {
      Objects.requireNonNull(in, "additional-spring-configuration-metadata.json");
      Map<String, Object> json =
          JsonParserFactory.getJsonParser()
              .parseMap(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      for (Object o :
          Stream.concat(
                  ((List<Object>) json.get("properties")).stream(),
                  ((List<Object>) json.get("hints")).stream())
              .toList()) {
        Map<String, Object> property = (Map<String, Object>) o;
        String name = (String) property.get("name");
        assertThat(name).startsWith("portcullis.");
        ConfigKey key = ConfigKey.byKey(name.substring("portcullis.".length())).orElse(null);
        assertThat(key).as(name).isNotNull();
        Object defaultValue = property.get("defaultValue");
        if (defaultValue != null) {
          String text =
              defaultValue instanceof List<?> list
                  ? key.textOf(list)
                  : String.valueOf(defaultValue);
          assertThat(text).as(name).isEqualTo(key.defaultText());
        }
      }
    }
  }
}
