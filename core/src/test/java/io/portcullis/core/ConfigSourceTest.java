package io.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ConfigSourceTest {

  @Test
  void environmentWhenMappingNamesThenBothWays() {
    ConfigSource env = ConfigSource.environment(Map.of());
    for (ConfigKey key : ConfigKey.values()) {
      assertThat(env.rawNameOf(key)).isEqualTo(key.envName());
      assertThat(env.keyOf(key.envName())).contains(key);
    }
    assertThat(env.keyOf("PORTCULLIS_CLIENT_ID")).contains(ConfigKey.CLIENT_ID);
    assertThat(env.keyOf("PORTCULLIS_client_id")).isEmpty();
    assertThat(env.keyOf("PORTCULLIS_CLIENT-ID")).isEmpty();
    assertThat(env.keyOf("CLIENT_ID")).isEmpty();
    assertThat(env.name()).isEqualTo("environment variable");
  }

  @Test
  void systemPropertiesWhenMappingNamesThenBothWays() {
    ConfigSource props = ConfigSource.systemProperties(new Properties());
    for (ConfigKey key : ConfigKey.values()) {
      assertThat(props.rawNameOf(key)).isEqualTo(key.systemProperty());
      assertThat(props.keyOf(key.systemProperty())).contains(key);
    }
    assertThat(props.keyOf("client-id")).isEmpty();
    assertThat(props.keyOf("portcullis.client_id")).isEmpty();
    assertThat(props.name()).isEqualTo("system property");
  }

  @Test
  void ofWhenKeySpelledThenKeyIsRawName() {
    ConfigSource source = ConfigSource.of("init-param", Map.of("client-id", "app"));
    assertThat(source.name()).isEqualTo("init-param");
    assertThat(source.entries()).containsExactly(Map.entry("client-id", "app"));
    assertThat(source.keyOf("client-id")).contains(ConfigKey.CLIENT_ID);
    assertThat(source.keyOf("client_id")).isEmpty();
    assertThat(source.rawNameOf(ConfigKey.CLIENT_ID)).isEqualTo("client-id");
  }

  @Test
  void environmentWhenOtherVariablesThenOnlyPortcullisOnesExposed() {
    ConfigSource env =
        ConfigSource.environment(
            Map.of("PATH", "/bin", "PORTCULLIS_CLIENT_ID", "app", "PORTCULLIS_FOO", "x"));
    assertThat(env.entries()).containsOnlyKeys("PORTCULLIS_CLIENT_ID", "PORTCULLIS_FOO");
  }

  @Test
  void systemPropertiesWhenOtherPropertiesThenOnlyPortcullisOnesExposed() {
    Properties properties = new Properties();
    properties.setProperty("java.version", "17");
    properties.setProperty("portcullis.client-id", "app");
    properties.setProperty("portcullis.foo", "x");
    ConfigSource source = ConfigSource.systemProperties(properties);
    assertThat(source.entries()).containsOnlyKeys("portcullis.client-id", "portcullis.foo");
  }

  @Test
  void systemPropertiesWhenNoArgumentThenReadsJvmPropertiesAtCallTime() {
    String name = "portcullis.scopes";
    String before = System.getProperty(name);
    System.setProperty(name, "openid email");
    try {
      ConfigSource source = ConfigSource.systemProperties();
      System.setProperty(name, "openid changed");
      assertThat(source.entries()).containsEntry(name, "openid email");
    } finally {
      if (before == null) {
        System.clearProperty(name);
      } else {
        System.setProperty(name, before);
      }
    }
  }

  @Test
  void environmentWhenNoArgumentThenOnlyPortcullisVariables() {
    assertThat(ConfigSource.environment().entries().keySet())
        .allMatch(name -> name.startsWith("PORTCULLIS_"));
  }

  @Test
  void propertiesWhenDefaultsPresentThenIncludedAndSnapshotTaken() {
    Properties defaults = new Properties();
    defaults.setProperty("scopes", "openid");
    Properties properties = new Properties(defaults);
    properties.setProperty("client-id", "app");
    ConfigSource source = ConfigSource.properties("portcullis.properties (classpath)", properties);
    properties.setProperty("client-id", "changed");
    assertThat(source.entries())
        .containsOnly(Map.entry("client-id", "app"), Map.entry("scopes", "openid"));
  }

  @Test
  void ofWhenMapChangesLaterThenSourceUnchanged() {
    Map<String, String> map = new HashMap<>(Map.of("client-id", "app"));
    ConfigSource source = ConfigSource.of("init-param", map);
    map.put("client-id", "changed");
    assertThat(source.entries()).containsEntry("client-id", "app");
    assertThatThrownBy(() -> source.entries().put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void ofWhenNullArgumentsThenNamedNullPointerException() {
    assertThatThrownBy(() -> ConfigSource.of(null, Map.of()))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("name");
    assertThatThrownBy(() -> ConfigSource.of("x", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("keyValues");
  }
}
