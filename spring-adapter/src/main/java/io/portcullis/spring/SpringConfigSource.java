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

/**
 * The bound {@link PortcullisProperties} as a {@link ConfigSource} whose names are the Spring
 * properties ({@code portcullis.client-auth}), parsed by the one parser every source uses; its
 * problems are rendered in Spring's spelling, so that each names the property a user has to fix.
 */
final class SpringConfigSource implements ConfigSource {
  /** The source name in messages. */
  static final String NAME = "Spring property";
  private static final String PREFIX = "portcullis.";

  /** Keys as Spring properties; how to set one in a Boot application. */
  static final ConfigProblem.Spelling SPELLING = new ConfigProblem.Spelling() {
    @Override
    public String key(ConfigKey key) {
      return PREFIX + key.key();
    }

    @Override
    public String howToSet(ConfigKey key) {
      return "set " + key(key) + " (application.properties or application.yml) or environment variable "
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
    try {
      return PortcullisConfig.from(new SpringConfigSource(properties.toKeyValues()));
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
    return rawName.startsWith(PREFIX) ? ConfigKey.byKey(rawName.substring(PREFIX.length())) : Optional.empty();
  }

  @Override
  public String rawNameOf(ConfigKey key) {
    return SPELLING.key(key);
  }
}
