package io.portcullis.core;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * A lookup of raw configuration values by key, with a name that tells a user where a value came
 * from; {@link PortcullisConfig#from(ConfigSource...)} layers several of them (SPEC.md,
 * "Configuration keys"). Implementations are immutable snapshots.
 */
public interface ConfigSource {

  /**
   * Returns where the values come from, for messages: {@code init-param}, {@code
   * portcullis.properties (classpath)}, a file path, {@code system property} or {@code environment
   * variable}.
   */
  String name();

  /**
   * Returns every entry this source holds for Portcullis, by its raw name exactly as the source
   * spells it (so unknown names can be reported), in a stable order.
   */
  Map<String, String> entries();

  /** Returns the key a raw name of this source stands for, or empty when it is not a key. */
  Optional<ConfigKey> keyOf(String rawName);

  /** Returns how this source spells {@code key}, e.g. {@code PORTCULLIS_CLIENT_ID}. */
  String rawNameOf(ConfigKey key);

  /**
   * Returns the problems found while reading the source itself, each naming the key as the source
   * spells it; {@link PortcullisConfig#from} reports them with every other problem, except those
   * whose key a later source sets. None for most sources.
   */
  default List<ConfigProblem> problems() {
    return List.of();
  }

  /**
   * Returns what a user should hear once at start-up about this source, e.g. which of its entries
   * are ignored and why; never a secret. None for most sources.
   */
  default List<String> notes() {
    return List.of();
  }

  /**
   * Returns a source over the text of a Keycloak adapter {@code keycloak.json} (README
   * "keycloak.json"), found at {@code name}: its keys mapped onto Portcullis keys, {@code ${...}}
   * replaced from the environment ({@code ${env.NAME}}) and system properties as the adapters did;
   * what it ignores is in {@link #notes()}, what it refuses in {@link #problems()}.
   */
  static ConfigSource keycloakJson(String name, String text) {
    return KeycloakJson.parse(name, text, System::getenv, System::getProperty);
  }

  /**
   * Returns a source over the {@code keycloak.json} at {@code location}, the value of {@code
   * keycloak-config-file}: a file path, or {@code classpath:} and a resource name.
   *
   * @throws InvalidConfigurationException naming {@code keycloak-config-file} when it cannot be
   *     read
   */
  static ConfigSource keycloakJsonFile(String location) {
    Objects.requireNonNull(location, "location");
    return keycloakJson(location, KeycloakJson.readFile(location));
  }

  /**
   * Returns a source over a copy of {@code keyValues}, whose names are the keys themselves ({@code
   * client-id}), as in init-params.
   */
  static ConfigSource of(String name, Map<String, String> keyValues) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(keyValues, "keyValues");
    return new KeyLookupSource(name, KeyLookupSource.Spelling.KEY, keyValues);
  }

  /**
   * Returns a source over a copy of the string entries of {@code properties} (defaults included),
   * whose names are the keys themselves, as in {@code portcullis.properties}.
   */
  static ConfigSource properties(String name, Properties properties) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(properties, "properties");
    return new KeyLookupSource(
        name, KeyLookupSource.Spelling.KEY, KeyLookupSource.toMap(properties));
  }

  /**
   * Returns a snapshot, taken now, of the system properties whose names start with {@code
   * portcullis.} ({@code -Dportcullis.client-id=...}).
   */
  static ConfigSource systemProperties() {
    return systemProperties(System.getProperties());
  }

  /**
   * Returns a snapshot of the entries of {@code properties} whose names start with {@code
   * portcullis.}, read as system properties.
   */
  static ConfigSource systemProperties(Properties properties) {
    Objects.requireNonNull(properties, "properties");
    return new KeyLookupSource(
        "system property",
        KeyLookupSource.Spelling.SYSTEM_PROPERTY,
        KeyLookupSource.toMap(properties));
  }

  /**
   * Returns a snapshot, taken now, of the environment variables whose names start with {@code
   * PORTCULLIS_} ({@code PORTCULLIS_CLIENT_ID=...}).
   */
  static ConfigSource environment() {
    return environment(System.getenv());
  }

  /**
   * Returns a snapshot of the entries of {@code variables} whose names start with {@code
   * PORTCULLIS_}, read as environment variables.
   */
  static ConfigSource environment(Map<String, String> variables) {
    Objects.requireNonNull(variables, "variables");
    return new KeyLookupSource(
        "environment variable", KeyLookupSource.Spelling.ENVIRONMENT, variables);
  }
}
