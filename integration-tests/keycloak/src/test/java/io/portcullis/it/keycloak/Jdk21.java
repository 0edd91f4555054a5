package io.portcullis.it.keycloak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A JDK that runs Keycloak 26 (21 or later), found without installing anything: the system property
 * {@code keycloak.java.home}, the environment variable {@code KEYCLOAK_JAVA_HOME}, the JDK running
 * the tests, {@code JAVA_HOME}, then every JDK under {@code /usr/lib/jvm}, newest first.
 */
final class Jdk21 {
  static final int MINIMUM = 21;
  private static final Pattern VERSION =
      Pattern.compile("^JAVA_VERSION=\"(\\d+)[^\"]*\"", Pattern.MULTILINE);

  private Jdk21() {}

  static Optional<Path> find() {
    List<Path> candidates = new ArrayList<>();
    String property = System.getProperty("keycloak.java.home");
    if (property != null && !property.isBlank()) {
      candidates.add(Path.of(property));
    }
    String env = System.getenv("KEYCLOAK_JAVA_HOME");
    if (env != null && !env.isBlank()) {
      candidates.add(Path.of(env));
    }
    if (Runtime.version().feature() >= MINIMUM) {
      candidates.add(Path.of(System.getProperty("java.home")));
    }
    String javaHome = System.getenv("JAVA_HOME");
    if (javaHome != null && !javaHome.isBlank()) {
      candidates.add(Path.of(javaHome));
    }
    Path jvms = Path.of("/usr/lib/jvm");
    if (Files.isDirectory(jvms)) {
      try (Stream<Path> dirs = Files.list(jvms)) {
        dirs.sorted((a, b) -> Integer.compare(feature(b), feature(a))).forEach(candidates::add);
      } catch (IOException e) {
        // no JDK from there
      }
    }
    return candidates.stream()
        .filter(home -> Files.isExecutable(home.resolve("bin/java")))
        .filter(home -> feature(home) >= MINIMUM)
        .findFirst();
  }

  /** The feature version a JDK's {@code release} file names, or 0. */
  static int feature(Path home) {
    try {
      Matcher m = VERSION.matcher(Files.readString(home.resolve("release")));
      return m.find() ? Integer.parseInt(m.group(1)) : 0;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
