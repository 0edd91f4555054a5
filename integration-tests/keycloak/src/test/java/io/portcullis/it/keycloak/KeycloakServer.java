package io.portcullis.it.keycloak;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Keycloak from its server distribution, in dev mode on loopback, with one realm imported
 * ({@code --import-realm}) and the old {@code /auth} context path that pre-17 keycloak.json files
 * name. Its database (dev-file H2 under the distribution's {@code data/}) is removed before each
 * start, so that every run imports the realm afresh.
 */
final class KeycloakServer implements AutoCloseable {
  private final Process process;
  private final int port;
  private final Path log;

  /** How long the start took, from launch to the realm's discovery document answering. */
  final Duration startTime;

  private KeycloakServer(Process process, int port, Path log, Duration startTime) {
    this.process = process;
    this.port = port;
    this.log = log;
    this.startTime = startTime;
  }

  /**
   * Starts Keycloak from {@code home} on {@code jdk} on {@code port}, importing {@code realmJson}
   * (realm {@code realm}), and waits until the realm answers.
   */
  static KeycloakServer start(
      Path home, Path jdk, int port, String realm, String realmJson, Path log)
      throws IOException, InterruptedException {
    Path data = home.resolve("data");
    if (Files.exists(data)) {
      try (Stream<Path> files = Files.walk(data)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    Files.createDirectories(data.resolve("import"));
    Files.writeString(data.resolve("import").resolve(realm + "-realm.json"), realmJson);
    ProcessBuilder builder =
        new ProcessBuilder(
            List.of(
                "bash",
                home.resolve("bin/kc.sh").toString(),
                "start-dev",
                "--http-host=127.0.0.1",
                "--http-port=" + port,
                "--http-management-port=" + freePort(),
                "--http-relative-path=/auth",
                "--import-realm"));
    builder.environment().put("JAVA_HOME", jdk.toString());
    builder.environment().remove("JAVA_OPTS");
    // Small heap: the machine is shared; dev mode needs little.
    builder.environment().put("JAVA_OPTS_KC_HEAP", "-Xms64m -Xmx512m");
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    long started = System.nanoTime();
    Process process = builder.start();
    KeycloakServer server = new KeycloakServer(process, port, log, Duration.ZERO);
    URI discovery =
        URI.create(
            "http://localhost:"
                + port
                + "/auth/realms/"
                + realm
                + "/.well-known/openid-configuration");
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "Keycloak exited with " + process.exitValue() + "; its log:\n" + server.logTail());
      }
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(discovery).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return new KeycloakServer(
              process, port, log, Duration.ofNanos(System.nanoTime() - started));
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(500);
    }
    server.close();
    throw new IllegalStateException(
        "Keycloak did not start in 300 s; its log:\n" + server.logTail());
  }

  /** The server URL as a pre-17 keycloak.json names it: with {@code /auth} and a slash. */
  String authServerUrl() {
    return "http://localhost:" + port + "/auth/";
  }

  String logTail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() {
    List<ProcessHandle> tree =
        Stream.concat(Stream.of(process.toHandle()), process.descendants()).toList();
    tree.forEach(ProcessHandle::destroy);
    for (ProcessHandle p : tree) {
      try {
        p.onExit().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        p.destroyForcibly();
      }
    }
  }
}
