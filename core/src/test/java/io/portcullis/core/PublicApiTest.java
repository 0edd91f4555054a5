package io.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What {@code io.portcullis.core} makes public (README "Public API"): the types applications name,
 * with the compatibility promise, and the adapter SPI the servlet filter and the Spring starter
 * need from another package, without it. STYLE.md: no public signature names a Nimbus or Caffeine
 * type. {@link ArchitectureTest} keeps the SPI and {@code internal.nimbus} out of the other
 * modules' reach.
 */
class PublicApiTest {

  /** What applications name: README "Public API", under the compatibility promise. */
  static final Set<String> API =
      Set.of(
          "ClientCredentialsException",
          "ClientCredentialsTokenSource",
          "ConfigKey",
          "ConfigProblem",
          "ConfigSource",
          "DownstreamHeaders",
          "Identity",
          "InvalidConfigurationException",
          "PortcullisConfig",
          "TokenSet");

  /**
   * Public only because the adapters live in other packages; no compatibility promise, and only the
   * adapter modules and the benchmarks may use them ({@link ArchitectureTest}).
   */
  static final Set<String> ADAPTER_SPI =
      Set.of(
          "Diagnostics",
          "HttpExchange",
          "LogoutRegistry",
          "Outcome",
          "Portcullis",
          "PortcullisMetrics",
          "Reason",
          "Responses");

  @Test
  void publicTypesWhenListedThenOnlyTheApiAndTheAdapterSpi() throws Exception {
    Set<String> expected = new TreeSet<>(API);
    expected.addAll(ADAPTER_SPI);
    Set<String> actual = new TreeSet<>();
    for (Class<?> type : coreTypes()) {
      if (Modifier.isPublic(type.getModifiers())) {
        actual.add(type.getSimpleName());
      }
    }
    assertThat(actual)
        .as(
            "public top-level types of io.portcullis.core; a new one belongs in README"
                + " \"Public API\" and in API or ADAPTER_SPI here, else make it package-private")
        .isEqualTo(expected);
  }

  @Test
  void publicSignaturesWhenScannedThenNameNoHiddenCoreType() throws Exception {
    List<String> offenders = new ArrayList<>();
    for (Class<?> type : coreTypes()) {
      if (!Modifier.isPublic(type.getModifiers())) {
        continue;
      }
      for (String s : publicSignatures(type)) {
        for (Class<?> hidden : coreTypes()) {
          if (!Modifier.isPublic(hidden.getModifiers())
              && s.matches(".*\\b" + hidden.getName().replace(".", "\\.") + "\\b.*")) {
            offenders.add(type.getSimpleName() + ": " + s);
          }
        }
        if (s.contains("io.portcullis.core.internal.")) {
          offenders.add(type.getSimpleName() + ": " + s);
        }
      }
    }
    assertThat(offenders).isEmpty();
  }

  private static List<Class<?>> coreTypes() throws Exception {
    Path dir =
        Path.of(Portcullis.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .resolve("io/portcullis/core");
    List<Class<?>> types = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f :
          files
              .filter(p -> p.toString().endsWith(".class") && !p.toString().contains("$"))
              .toList()) {
        types.add(
            Class.forName(
                "io.portcullis.core." + f.getFileName().toString().replace(".class", "")));
      }
    }
    return types;
  }

  private static List<String> publicSignatures(Class<?> type) {
    List<String> signatures = new ArrayList<>();
    for (Method m : type.getDeclaredMethods()) {
      if (Modifier.isPublic(m.getModifiers()) || Modifier.isProtected(m.getModifiers())) {
        signatures.add(m.toGenericString());
      }
    }
    for (Constructor<?> c : type.getDeclaredConstructors()) {
      if (Modifier.isPublic(c.getModifiers()) || Modifier.isProtected(c.getModifiers())) {
        signatures.add(c.toGenericString());
      }
    }
    for (Field f : type.getDeclaredFields()) {
      if (Modifier.isPublic(f.getModifiers()) || Modifier.isProtected(f.getModifiers())) {
        signatures.add(f.toGenericString());
      }
    }
    for (Class<?> nested : type.getDeclaredClasses()) {
      if (Modifier.isPublic(nested.getModifiers())) {
        signatures.addAll(publicSignatures(nested));
      }
    }
    return signatures;
  }

  @Test
  void publicSignaturesWhenScannedThenNoLibraryTypes() throws Exception {
    Path dir =
        Path.of(Portcullis.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .resolve("io/portcullis/core");
    List<String> offenders = new ArrayList<>();
    List<Class<?>> publicTypes = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
        String name = "io.portcullis.core." + f.getFileName().toString().replace(".class", "");
        Class<?> type = Class.forName(name);
        if (Modifier.isPublic(type.getModifiers())) {
          publicTypes.add(type);
        }
      }
    }
    assertThat(publicTypes).isNotEmpty();
    for (Class<?> type : publicTypes) {
      List<String> signatures = new ArrayList<>();
      for (Method m : type.getDeclaredMethods()) {
        if (Modifier.isPublic(m.getModifiers())) {
          signatures.add(m.toGenericString());
        }
      }
      for (Constructor<?> c : type.getDeclaredConstructors()) {
        if (Modifier.isPublic(c.getModifiers())) {
          signatures.add(c.toGenericString());
        }
      }
      for (Field f : type.getDeclaredFields()) {
        if (Modifier.isPublic(f.getModifiers())) {
          signatures.add(f.toGenericString());
        }
      }
      if (type.isRecord()) {
        for (RecordComponent rc : type.getRecordComponents()) {
          signatures.add(rc.getGenericType().getTypeName());
        }
      }
      for (String s : signatures) {
        if (s.contains("com.nimbusds")
            || s.contains("com.github.benmanes")
            || s.contains("net.minidev")) {
          offenders.add(type.getSimpleName() + ": " + s);
        }
      }
    }
    assertThat(offenders).isEmpty();
  }
}
