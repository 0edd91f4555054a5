package io.portcullis.samples.legacy;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link ErrorPagesContract} on embedded Jetty 12, as the sample's launcher runs the WAR ({@link
 * Main#start}): once with the demo provider, once with an issuer on a port nobody listens on.
 */
class JettyErrorPagesTest extends ErrorPagesContract {
  private static Main.Running app;
  private static Main.Running down;

  @BeforeAll
  static void start() throws Exception {
    Path webapp = Path.of("src", "main", "webapp");
    app = Main.start(0, 0, webapp, null);
    // The filter reads its issuer when it starts: the second copy gets a dead one.
    String deadIssuer = "http://127.0.0.1:" + freePort() + "/nobody";
    System.setProperty("portcullis.issuer", deadIssuer);
    down = Main.start(0, 0, webapp, deadIssuer);
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (down != null) {
        down.close();
      }
    } finally {
      if (app != null) {
        app.close();
      }
      System.clearProperty("portcullis.issuer");
    }
  }

  @Override
  URI app() {
    return URI.create(app.url());
  }

  @Override
  URI appWithProviderDown() {
    return URI.create(down.url());
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
