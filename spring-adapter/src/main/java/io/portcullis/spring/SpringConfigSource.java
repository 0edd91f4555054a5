package io.portcullis.spring;

import io.portcullis.core.ConfigKey;
import io.portcullis.core.ConfigProblem;
import io.portcullis.core.ConfigSource;
import io.portcullis.core.InvalidConfigurationException;
import io.portcullis.core.PortcullisConfig;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.AbstractBindHandler;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.core.env.Environment;

/**
 * The bound {@link PortcullisProperties} as a {@link ConfigSource} whose names are the Spring
 * properties ({@code portcullis.client-auth}), each typed value as the text it stands for ({@link
 * ConfigKey#textOf}), parsed by the one parser every source uses; its problems are rendered in
 * Spring's spelling, so that each names the property a user has to fix.
 */
final class SpringConfigSource implements ConfigSource {
  /** The source name in messages. */
  static final String NAME = "Spring property";

  private static final String PREFIX = "portcullis.";

  private static final System.Logger LOG = System.getLogger("io.portcullis");

  /** Keys as Spring properties; how to set one in a Boot application. */
  static final ConfigProblem.Spelling SPELLING =
      new ConfigProblem.Spelling() {
        @Override
        public String key(ConfigKey key) {
          return PREFIX + key.key();
        }

        @Override
        public String howToSet(ConfigKey key) {
          return "set "
              + key(key)
              + " (application.properties or application.yml) or environment variable "
              + key.envName();
        }
      };

  private final Map<String, String> entries;

  private SpringConfigSource(Map<String, String> keyValues) {
    Map<String, String> named = new LinkedHashMap<>();
    keyValues.forEach((key, value) -> named.put(PREFIX + key, value));
    this.entries = Collections.unmodifiableMap(named);
  }

  static PortcullisConfig config(PortcullisProperties properties) {
    return config(properties.toKeyValues());
  }

  /**
   * The configuration of {@code properties}, with the text of {@code environment} for each key
   * whose value Boot could not convert to its type ({@code portcullis.refresh-before=soon}): the
   * one parser then names the problem as it does for every other source.
   */
  static PortcullisConfig config(PortcullisProperties properties, Environment environment) {
    Binder binder = Binder.get(environment);
    Map<String, String> bound = properties.toKeyValues();
    Map<String, String> keyValues = new LinkedHashMap<>();
    for (ConfigKey key : ConfigKey.values()) {
      String value = bound.get(key.key());
      if (value == null
              && (key.type() == ConfigKey.Type.SECONDS || key.type() == ConfigKey.Type.FLAG)
          || value != null
              && key.type() == ConfigKey.Type.SECONDS
              && !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
        // Not converted, or not whole seconds (500ms, -5): as written, for the parser's message.
        value = binder.bind(PREFIX + key.key(), String.class).orElse(value);
      }
      if (value != null) {
        keyValues.put(key.key(), value);
      }
    }
    bound.forEach(
        (name, value) -> {
          if (name.startsWith("provider.")) {
            keyValues.put(name, value); // a provider's own key (README "More than one provider")
          }
        });
    return config(keyValues);
  }

  /**
   * Wraps the binding of {@code @ConfigurationProperties} so that a value of a {@code portcullis.}
   * duration or boolean key that Boot cannot convert is left unset (and counted as bound, not as
   * unknown) instead of failing with Boot's message: {@link #config(PortcullisProperties,
   * Environment)} then hands it as written to the parser, whose message names it.
   */
  static BindHandler bindHandler(BindHandler parent) {
    return new AbstractBindHandler(parent) {
      @Override
      public @Nullable Object onFailure(
          ConfigurationPropertyName name, Bindable<?> target, BindContext context, Exception error)
          throws Exception {
        String property = name.toString();
        Optional<ConfigKey> key =
            property.startsWith(PREFIX)
                ? ConfigKey.byKey(property.substring(PREFIX.length()))
                : Optional.empty();
        if (key.isPresent()
            && (key.get().type() == ConfigKey.Type.SECONDS
                || key.get().type() == ConfigKey.Type.FLAG)) {
          onSuccess(name, target, context, "");
          return null;
        }
        return super.onFailure(name, target, context, error);
      }
    };
  }

  private static PortcullisConfig config(Map<String, String> keyValues) {
    try {
      String keycloakConfigFile = keyValues.get(ConfigKey.KEYCLOAK_CONFIG_FILE.key());
      if (keycloakConfigFile != null && !keycloakConfigFile.isBlank()) {
        // Below the Spring properties: they win. Its notes are said once, here at start-up.
        ConfigSource keycloak = ConfigSource.keycloakJsonFile(keycloakConfigFile.strip());
        for (String note : keycloak.notes()) {
          LOG.log(System.Logger.Level.WARNING, note);
        }
        return PortcullisConfig.from(keycloak, new SpringConfigSource(keyValues));
      }
      return PortcullisConfig.from(new SpringConfigSource(keyValues));
    } catch (InvalidConfigurationException e) {
      if (e.configProblems().isEmpty()) {
        throw e;
      }
      throw new InvalidConfigurationException(e.configProblems(), SPELLING);
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Map<String, String> entries() {
    return entries;
  }

  @Override
  public Optional<ConfigKey> keyOf(String rawName) {
    return rawName.startsWith(PREFIX)
        ? ConfigKey.byKey(rawName.substring(PREFIX.length()))
        : Optional.empty();
  }

  @Override
  public String rawNameOf(ConfigKey key) {
    return SPELLING.key(key);
  }
}
