package io.portcullis.spring;

import io.portcullis.core.ConfigKey;
import io.portcullis.core.ConfigSource;
import io.portcullis.core.InvalidConfigurationException;
import io.portcullis.core.PortcullisConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Turns bound {@link PortcullisProperties} into a {@link PortcullisConfig} through the one parser
 * every source uses, and rewrites the problems it reports so that they name the Spring property
 * ({@code portcullis.client-auth}) a user has to fix.
 */
final class SpringConfigSource {
  /** The source name in messages. */
  static final String NAME = "Spring property";

  private static final Pattern HOW_TO_SET =
      Pattern.compile("set init-param \"([a-z0-9-]+)\", .*? or environment variable (PORTCULLIS_[A-Z0-9_]+)");
  /** Each key as a whole word not already part of a name, path or URL; longest first. */
  private static final List<Pattern> KEYS = Stream.of(ConfigKey.values())
      .map(ConfigKey::key)
      .sorted(Comparator.comparingInt(String::length).reversed())
      .map(k -> Pattern.compile("(?<![\\w./-])" + Pattern.quote(k) + "(?![\\w-])"))
      .toList();

  private SpringConfigSource() {}

  static PortcullisConfig config(PortcullisProperties properties) {
    try {
      return PortcullisConfig.from(ConfigSource.of(NAME, properties.toKeyValues()));
    } catch (InvalidConfigurationException e) {
      List<String> problems = new ArrayList<>();
      for (String problem : e.problems()) {
        problems.add(rewrite(problem));
      }
      throw new InvalidConfigurationException(problems);
    }
  }

  /** Names {@code portcullis.KEY} wherever a problem names a key. */
  static String rewrite(String problem) {
    String text = HOW_TO_SET.matcher(problem)
        .replaceAll("set portcullis.$1 (application.properties or application.yml) or environment variable $2");
    for (Pattern key : KEYS) {
      text = key.matcher(text).replaceAll(m -> Matcher.quoteReplacement("portcullis." + m.group()));
    }
    return text;
  }
}
