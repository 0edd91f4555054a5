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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** STYLE.md: no public signature of {@code io.portcullis.core} names a Nimbus or Caffeine type. */
class PublicApiTest {

  @Test
  void publicSignaturesWhenScannedThenNoLibraryTypes() throws Exception {
    Path dir = Path.of(Portcullis.class.getProtectionDomain().getCodeSource().getLocation().toURI())
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
        if (s.contains("com.nimbusds") || s.contains("com.github.benmanes") || s.contains("net.minidev")) {
          offenders.add(type.getSimpleName() + ": " + s);
        }
      }
    }
    assertThat(offenders).isEmpty();
  }
}
