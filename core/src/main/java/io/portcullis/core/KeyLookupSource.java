package io.portcullis.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The stock {@link ConfigSource}: an immutable snapshot of raw names to values, keeping only the
 * names that belong to Portcullis in its spelling (all of them for init-params and properties
 * files, {@code portcullis.*} for system properties, {@code PORTCULLIS_*} for the environment).
 */
final class KeyLookupSource implements ConfigSource {

  /** How a source spells keys. */
  enum Spelling {
    KEY("") {
      @Override
      String rawNameOf(ConfigKey key) {
        return key.key();
      }
    },
    SYSTEM_PROPERTY("portcullis.") {
      @Override
      String rawNameOf(ConfigKey key) {
        return key.systemProperty();
      }
    },
    ENVIRONMENT("PORTCULLIS_") {
      @Override
      String rawNameOf(ConfigKey key) {
        return key.envName();
      }
    };

    private final String prefix;

    Spelling(String prefix) {
      this.prefix = prefix;
    }

    abstract String rawNameOf(ConfigKey key);

    boolean belongs(String rawName) {
      return rawName.startsWith(prefix);
    }

    /** Maps exactly, so that every key has one spelling and a misspelling is reported. */
    Optional<ConfigKey> keyOf(String rawName) {
      if (!belongs(rawName)) {
        return Optional.empty();
      }
      String rest = rawName.substring(prefix.length());
      String key = this == ENVIRONMENT ? rest.toLowerCase(Locale.ROOT).replace('_', '-') : rest;
      return ConfigKey.byKey(key).filter(k -> rawNameOf(k).equals(rawName));
    }
  }

  private final String name;
  private final Spelling spelling;
  private final Map<String, String> entries;

  KeyLookupSource(String name, Spelling spelling, Map<String, String> raw) {
    this.name = name;
    this.spelling = spelling;
    Map<String, String> copy = spelling == Spelling.KEY ? new LinkedHashMap<>() : new TreeMap<>();
    raw.forEach(
        (rawName, value) -> {
          Objects.requireNonNull(rawName, "name of an entry in " + name);
          Objects.requireNonNull(value, "value of " + rawName + " in " + name);
          if (spelling.belongs(rawName)) {
            copy.put(rawName, value);
          }
        });
    this.entries = Collections.unmodifiableMap(copy);
  }

  static Map<String, String> toMap(Properties properties) {
    Map<String, String> map = new TreeMap<>();
    for (String name : properties.stringPropertyNames()) {
      map.put(name, properties.getProperty(name));
    }
    return map;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Map<String, String> entries() {
    return entries;
  }

  @Override
  public Optional<ConfigKey> keyOf(String rawName) {
    Objects.requireNonNull(rawName, "rawName");
    return spelling.keyOf(rawName);
  }

  @Override
  public String rawNameOf(ConfigKey key) {
    Objects.requireNonNull(key, "key");
    return spelling.rawNameOf(key);
  }

  @Override
  public String toString() {
    return "ConfigSource[" + name + ", " + entries.size() + " entries]";
  }
}
