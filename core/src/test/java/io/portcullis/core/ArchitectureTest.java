package io.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The build check of README "Public API" over every module's sources (core's tests run first in the
 * reactor, so sources, not compiled classes, of the other modules): {@code
 * io.portcullis.core.internal} is reached only from {@code io.portcullis.core}; {@code
 * internal.nimbus} does not depend back on core; the adapter SPI ({@link
 * PublicApiTest#ADAPTER_SPI}) is used only by the adapter modules and the benchmarks; no other
 * module puts classes into core's packages (which would reach its package-private types).
 */
class ArchitectureTest {

  /** Modules that may use the adapter SPI; the samples use the public API only. */
  private static final Set<String> SPI_MODULES =
      Set.of("servlet-filter", "spring-adapter", "benchmarks");

  /** Files outside core that may name {@code io.portcullis.core.internal}, and why. */
  private static final Set<String> INTERNAL_ALLOWED =
      Set.of(
          // reads JwksCache's re-fetch intervals to bound its counts; test code only
          "servlet-filter/src/test/java/io/portcullis/servlet/JwksRotationTest.java");

  /** Files outside core declared in core's package, and why. */
  private static final Set<String> CORE_PACKAGE_ALLOWED =
      Set.of(
          // JMH benchmarks of the engine's decision and of the token cache, which need its
          // package-private seams
          "benchmarks/src/main/java/io/portcullis/core/DecisionBenchmark.java",
          "benchmarks/src/main/java/io/portcullis/core/ClientCredentialsBenchmark.java",
          // the in-memory exchange, compiled into core's tests and the benchmarks only (never
          // into test-support's jar): it puts a completed login into a session
          "test-support/src/core-package/java/io/portcullis/core/InMemoryExchange.java");

  /** Types of {@code io.portcullis.core} that {@code internal.nimbus} may name: none. */
  private static final Set<String> NIMBUS_MAY_NAME = Set.of();

  private static final Pattern CORE_TYPE_IN_CLASS_FILE =
      Pattern.compile("io/portcullis/core/([A-Z][A-Za-z0-9_]*)");
  private static final Pattern CORE_IMPORT =
      Pattern.compile("^import\\s+(?:static\\s+)?io\\.portcullis\\.core\\.([A-Za-z0-9_*]+)");

  @Test
  void internalNimbusWhenCompiledThenNamesNoCoreType() throws Exception {
    Path classes =
        Path.of(Portcullis.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Set<String> named = new TreeSet<>();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(classes.resolve("io/portcullis/core/internal"))) {
      files = walk.filter(p -> p.toString().endsWith(".class")).toList();
    }
    assertThat(files).isNotEmpty();
    for (Path f : files) {
      Matcher m =
          CORE_TYPE_IN_CLASS_FILE.matcher(
              new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
      while (m.find()) {
        if (!NIMBUS_MAY_NAME.contains(m.group(1))) {
          named.add(classes.relativize(f) + " -> " + m.group(1));
        }
      }
    }
    assertThat(named)
        .as(
            "internal.nimbus must not depend on io.portcullis.core (no import cycle);"
                + " pass plain values or a record of internal.nimbus")
        .isEmpty();
  }

  @Test
  void otherModulesWhenScannedThenNothingOutsideCoreNamesInternal() throws IOException {
    List<String> offenders = new ArrayList<>();
    for (Source s : sources()) {
      if (s.module().equals("core") || INTERNAL_ALLOWED.contains(s.path())) {
        continue;
      }
      for (String line : s.lines()) {
        boolean hit =
            s.main()
                ? isCode(line) && line.contains("io.portcullis.core.internal")
                : line.startsWith("import") && line.contains("io.portcullis.core.internal");
        if (hit) {
          offenders.add(s.path() + ": " + line.strip());
        }
      }
    }
    assertThat(offenders).as("io.portcullis.core.internal is for core only").isEmpty();
  }

  @Test
  void otherModulesWhenScannedThenDeclareNothingInCorePackages() throws IOException {
    List<String> offenders = new ArrayList<>();
    for (Source s : sources()) {
      if (!s.module().equals("core")
          && !CORE_PACKAGE_ALLOWED.contains(s.path())
          && s.lines().stream()
              .anyMatch(l -> l.matches("^package\\s+io\\.portcullis\\.core\\b.*"))) {
        offenders.add(s.path());
      }
    }
    assertThat(offenders)
        .as("a class in core's package reaches its package-private types")
        .isEmpty();
  }

  @Test
  void otherModulesWhenScannedThenAdapterSpiOnlyInAdapters() throws IOException {
    List<String> offenders = new ArrayList<>();
    for (Source s : sources()) {
      if (s.module().equals("core") || s.declaresCorePackage()) {
        continue;
      }
      for (String line : s.lines()) {
        Matcher m = CORE_IMPORT.matcher(line);
        if (!m.find()) {
          continue;
        }
        String type = m.group(1);
        boolean allowed =
            PublicApiTest.API.contains(type)
                || (PublicApiTest.ADAPTER_SPI.contains(type) && SPI_MODULES.contains(s.module()))
                || type.equals("internal"); // the rule above
        if (!allowed) {
          offenders.add(s.path() + ": " + line.strip());
        }
      }
    }
    assertThat(offenders)
        .as("outside the adapters, only the public API of io.portcullis.core")
        .isEmpty();
  }

  @Test
  void sourcesWhenScannedThenEveryModuleSeen() throws IOException {
    Set<String> modules = new TreeSet<>();
    for (Source s : sources()) {
      modules.add(s.module());
    }
    assertThat(modules)
        .contains(
            "core",
            "servlet-filter",
            "spring-adapter",
            "benchmarks",
            "samples/legacy-webapp",
            "samples/spring-boot-app");
  }

  @Test
  void readmeWhenReadThenPublicApiSectionNamesEveryPublicType() throws IOException {
    String readme = Files.readString(root().resolve("README.md"), StandardCharsets.UTF_8);
    int start = readme.indexOf("\n## Public API\n");
    assertThat(start).isNotNegative();
    int end = readme.indexOf("\n## ", start + 1);
    String section = readme.substring(start, end < 0 ? readme.length() : end);
    Set<String> names = new TreeSet<>(PublicApiTest.API);
    names.addAll(PublicApiTest.ADAPTER_SPI);
    Pattern publicType =
        Pattern.compile(
            "^public\\s+(?:final\\s+|abstract\\s+|sealed\\s+)*"
                + "(?:class|interface|record|enum|@interface)\\s+([A-Za-z0-9_]+)");
    for (Source s : sources()) {
      if (s.main()
          && (s.module().equals("servlet-filter") || s.module().equals("spring-adapter"))) {
        for (String line : s.lines()) {
          Matcher m = publicType.matcher(line);
          if (m.find()) {
            names.add(m.group(1));
          }
        }
      }
    }
    assertThat(names).contains("PortcullisFilter", "PortcullisProperties");
    List<String> missing = names.stream().filter(n -> !section.contains("`" + n + "`")).toList();
    assertThat(missing).as("public types README \"Public API\" does not name").isEmpty();
  }

  private record Source(String path, String module, boolean main, List<String> lines) {
    boolean declaresCorePackage() {
      return lines.stream().anyMatch(l -> l.matches("^package\\s+io\\.portcullis\\.core\\b.*"));
    }
  }

  private static boolean isCode(String line) {
    String t = line.strip();
    return !(t.startsWith("*") || t.startsWith("//") || t.startsWith("/*"));
  }

  private static Path root() {
    Path root;
    try {
      root =
          Path.of(Portcullis.class.getProtectionDomain().getCodeSource().getLocation().toURI())
              .resolve("../../..")
              .normalize();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    assertThat(root.resolve("core/pom.xml")).exists();
    return root;
  }

  private static List<Source> sources() throws IOException {
    Path root = root();
    List<Source> out = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path f : walk.filter(p -> p.toString().endsWith(".java")).toList()) {
        String rel = root.relativize(f).toString().replace('\\', '/');
        int src = rel.indexOf("/src/");
        if (src < 0 || rel.contains("/target/") || rel.startsWith(".")) {
          continue;
        }
        String module = rel.substring(0, src);
        boolean main = rel.startsWith("src/main/java/", src + 1);
        out.add(new Source(rel, module, main, Files.readAllLines(f, StandardCharsets.UTF_8)));
      }
    }
    return out;
  }
}
