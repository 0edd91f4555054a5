package io.portcullis.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What the rest of this module's suite takes for granted: it runs the transformed filter (javax,
 * from target/classes, no Jakarta API anywhere on the class path) on the container the execution
 * names, Tomcat 9 or Jetty 12 {@code ee8}; and the filter asks nothing of the container that
 * Servlet 3.1 lacks (every {@code javax.servlet} class, method and field it refers to exists in
 * javax.servlet-api 3.1.0, which the build copies to target/servlet-api-3.1).
 */
class JavaxBuildTest {

  @Test
  void filterIsTheTransformedJavaxOneAndNoJakartaApiIsPresent() throws Exception {
    assertThat(javax.servlet.Filter.class.isAssignableFrom(PortcullisFilter.class)).isTrue();
    assertThat(PortcullisFilter.class.getProtectionDomain().getCodeSource().getLocation().getPath())
        .endsWith("servlet-filter-javax/target/classes/");
    // Spelled in parts: the build's transformer renames this class too, and a jakarta.servlet
    // string constant with it.
    String jakartaFilter = String.join(".", "jakarta", "servlet", "Filter");
    assertThatThrownBy(() -> Class.forName(jakartaFilter))
        .isInstanceOf(ClassNotFoundException.class);
  }

  @Test
  void containerIsTomcat9OrJettyEe8() throws Exception {
    String api =
        javax.servlet.Filter.class.getProtectionDomain().getCodeSource().getLocation().getPath();
    if (TestApp.onTomcat()) {
      assertThat(org.apache.catalina.util.ServerInfo.getServerNumber()).startsWith("9.0.");
      assertThat(api)
          .as("Tomcat runs on the Servlet API it bundles")
          .contains("/tomcat-embed-core-9.0.");
    } else {
      assertThat(Class.forName("org.eclipse.jetty.ee8.servlet.ServletContextHandler")).isNotNull();
      assertThatThrownBy(
              () -> Class.forName("org.eclipse.jetty.ee10.servlet.ServletContextHandler"))
          .isInstanceOf(ClassNotFoundException.class);
      assertThat(api).doesNotContain("tomcat");
    }
  }

  @Test
  void filterUsesOnlyServlet31Api() throws Exception {
    Path api = Path.of("target", "servlet-api-3.1", "javax.servlet-api.jar");
    assertThat(api).exists();
    Path classes = Path.of("target", "classes");
    List<String> missing = new ArrayList<>();
    int checked = 0;
    try (URLClassLoader servlet31 =
            new URLClassLoader(
                new URL[] {api.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        Stream<Path> files = Files.walk(classes)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
        try (InputStream in = Files.newInputStream(file)) {
          for (String[] ref : servletReferences(in)) {
            checked++;
            if (!exists(servlet31, ref)) {
              missing.add(classes.relativize(file) + ": " + String.join(" ", ref));
            }
          }
        }
      }
    }
    assertThat(checked).as("javax.servlet references found").isGreaterThan(20);
    assertThat(missing).as("not in Servlet 3.1").isEmpty();
  }

  /** {@code {class}} or {@code {class, member, descriptor}} for each javax.servlet reference. */
  private static List<String[]> servletReferences(InputStream classFile) throws IOException {
    DataInputStream in = new DataInputStream(classFile);
    in.readInt(); // magic
    in.readUnsignedShort();
    in.readUnsignedShort();
    int count = in.readUnsignedShort();
    String[] utf8 = new String[count];
    int[] classNames = new int[count];
    int[][] refs = new int[count][];
    int[][] nameAndTypes = new int[count][];
    for (int i = 1; i < count; i++) {
      int tag = in.readUnsignedByte();
      switch (tag) {
        case 1 -> utf8[i] = in.readUTF();
        case 7 -> classNames[i] = in.readUnsignedShort();
        case 9, 10, 11 -> refs[i] = new int[] {in.readUnsignedShort(), in.readUnsignedShort()};
        case 12 -> nameAndTypes[i] = new int[] {in.readUnsignedShort(), in.readUnsignedShort()};
        case 3, 4 -> in.readInt();
        case 5, 6 -> {
          in.readLong();
          i++;
        }
        case 8, 16, 19, 20 -> in.readUnsignedShort();
        case 15 -> {
          in.readUnsignedByte();
          in.readUnsignedShort();
        }
        case 17, 18 -> in.readInt();
        default -> throw new IOException("constant pool tag " + tag);
      }
    }
    List<String[]> out = new ArrayList<>();
    for (int i = 1; i < count; i++) {
      if (classNames[i] != 0 && utf8[classNames[i]].startsWith("javax/servlet/")) {
        out.add(new String[] {utf8[classNames[i]]});
      }
      if (refs[i] != null) {
        String owner = utf8[classNames[refs[i][0]]];
        int[] nt = nameAndTypes[refs[i][1]];
        if (owner.startsWith("javax/servlet/")) {
          out.add(new String[] {owner, utf8[nt[0]], utf8[nt[1]]});
        }
      }
    }
    return out;
  }

  private static boolean exists(ClassLoader loader, String[] ref) {
    Class<?> owner;
    try {
      owner = Class.forName(ref[0].replace('/', '.'), false, loader);
    } catch (ClassNotFoundException e) {
      return false;
    }
    if (ref.length == 1) {
      return true;
    }
    Deque<Class<?>> types = new ArrayDeque<>(List.of(owner));
    TreeSet<String> seen = new TreeSet<>();
    while (!types.isEmpty()) {
      Class<?> type = types.pop();
      if (!seen.add(type.getName())) {
        continue;
      }
      for (Field f : type.getDeclaredFields()) {
        if (f.getName().equals(ref[1]) && descriptor(f.getType()).equals(ref[2])) {
          return true;
        }
      }
      List<Executable> executables = new ArrayList<>(List.of(type.getDeclaredMethods()));
      executables.addAll(List.of(type.getDeclaredConstructors()));
      for (Executable e : executables) {
        String name = e instanceof Constructor<?> ? "<init>" : e.getName();
        if (name.equals(ref[1]) && descriptor(e).equals(ref[2])) {
          return true;
        }
      }
      if (type.getSuperclass() != null) {
        types.push(type.getSuperclass());
      }
      types.addAll(List.of(type.getInterfaces()));
    }
    return false;
  }

  private static String descriptor(Executable e) {
    StringBuilder d = new StringBuilder("(");
    for (Class<?> p : e.getParameterTypes()) {
      d.append(descriptor(p));
    }
    d.append(')');
    d.append(e instanceof Method m ? descriptor(m.getReturnType()) : "V");
    return d.toString();
  }

  private static String descriptor(Class<?> type) {
    if (type.isArray()) {
      return type.getName().replace('.', '/');
    }
    if (!type.isPrimitive()) {
      return "L" + type.getName().replace('.', '/') + ";";
    }
    return switch (type.getName()) {
      case "void" -> "V";
      case "boolean" -> "Z";
      case "byte" -> "B";
      case "char" -> "C";
      case "short" -> "S";
      case "int" -> "I";
      case "long" -> "J";
      case "float" -> "F";
      case "double" -> "D";
      default -> throw new IllegalArgumentException(type.getName());
    };
  }
}
