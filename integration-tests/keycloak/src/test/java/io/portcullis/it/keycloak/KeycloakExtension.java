package io.portcullis.it.keycloak;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real Keycloak for every test class of the module: started by the first class that needs it
 * and stopped when the test run ends (a closeable resource of the root context). Realm {@code
 * legacy} (src/test/resources/legacy-realm.json) lets apps log in from {@code
 * http://127.0.0.1:}{@link #appPort()}; the system property {@code keycloak.it.auth-server-url} is
 * the server URL, for the apps' keycloak.json files.
 *
 * <p>Without a JDK 21 or later ({@link Jdk21}) the tests are skipped, saying so; under {@code
 * CI=true} they fail instead.
 */
final class KeycloakExtension implements BeforeAllCallback {
  static final String REALM = "legacy";

  private static final class Running implements AutoCloseable {
    final KeycloakServer server;
    final int appPort;
    final long startedNanos = System.nanoTime();

    Running(KeycloakServer server, int appPort) {
      this.server = server;
      this.appPort = appPort;
    }

    @Override
    public void close() {
      server.close();
      System.out.printf(
          "Keycloak: started in %.1f s; it and the tests against it ran %.1f s%n",
          server.startTime.toMillis() / 1000.0,
          Duration.ofNanos(System.nanoTime() - startedNanos).plus(server.startTime).toMillis()
              / 1000.0);
    }
  }

  private static volatile Running running;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    String missing = missing();
    if (missing != null) {
      if ("true".equals(System.getenv("CI"))) {
        throw new IllegalStateException(
            "Keycloak integration test cannot run under CI: " + missing);
      }
      // Said on the console too: Surefire shows an aborted class only as "Tests run: 0".
      System.err.println("WARNING: Keycloak integration test skipped: " + missing);
      Assumptions.abort("Keycloak integration test skipped: " + missing);
    }
    ExtensionContext.Store store = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL);
    Running r =
        store.getOrComputeIfAbsent(
            Running.class,
            key -> {
              try {
                return start();
              } catch (IOException e) {
                throw new IllegalStateException(e);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
              }
            },
            Running.class);
    running = r;
  }

  /** What the test lacks to run, or null: the distribution, a JDK 21 or later. */
  private static String missing() {
    String home = System.getProperty("keycloak.home");
    if (home == null || !Files.isRegularFile(Path.of(home, "bin", "kc.sh"))) {
      return "no Keycloak distribution at keycloak.home="
          + home
          + " (the build unpacks org.keycloak:keycloak-quarkus-dist there)";
    }
    if (Jdk21.find().isEmpty()) {
      return "no JDK "
          + Jdk21.MINIMUM
          + " or later for Keycloak 26: set KEYCLOAK_JAVA_HOME or -Dkeycloak.java.home, or"
          + " install one under /usr/lib/jvm";
    }
    return null;
  }

  private static Running start() throws IOException, InterruptedException {
    Path home = Path.of(System.getProperty("keycloak.home"));
    Path jdk = Jdk21.find().orElseThrow();
    int keycloakPort = KeycloakServer.freePort();
    int appPort = KeycloakServer.freePort();
    String realm;
    try (InputStream in = KeycloakExtension.class.getResourceAsStream("/legacy-realm.json")) {
      realm =
          new String(in.readAllBytes(), StandardCharsets.UTF_8)
              .replace("@APP_URL@", "http://127.0.0.1:" + appPort);
    }
    Path log = Path.of("target", "keycloak.log");
    KeycloakServer server = KeycloakServer.start(home, jdk, keycloakPort, REALM, realm, log);
    System.setProperty("keycloak.it.auth-server-url", server.authServerUrl());
    System.out.printf(
        "Keycloak: %s on %s started in %.1f s (log %s)%n",
        home.getFileName(), jdk, server.startTime.toMillis() / 1000.0, log.toAbsolutePath());
    return new Running(server, appPort);
  }

  /** The port the apps must listen on: the realm's clients redirect only there. */
  static int appPort() {
    return running.appPort;
  }

  static KeycloakServer server() {
    return running.server;
  }
}
