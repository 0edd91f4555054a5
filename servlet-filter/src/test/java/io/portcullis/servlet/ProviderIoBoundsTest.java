package io.portcullis.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testsupport.Browser;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, finding 6: every provider call is bounded. A fake endpoint that drips a byte every 400
 * ms, or sends 50 MB, stands in for the token endpoint, the JWK Set or discovery (the rest of the
 * flow is the real test provider). {@code http-timeout} is the deadline of the whole call: the
 * request is answered with the usual 502/503 within it and a second, the connection is closed by
 * then, and no thread is left reading; a body past the 1 MiB cap stops the reading at once.
 */
class ProviderIoBoundsTest extends IntegrationTest {
  private static final long TIMEOUT_MILLIS = 1000;
  private static final long BIG = 50L << 20;

  /** What the fake endpoint does with every request. */
  enum Mode {
    DRIP,
    HUGE
  }

  /** One accepted connection: when it was opened and closed, and how much was written to it. */
  static final class Connection {
    final long openedNanos = System.nanoTime();
    volatile long closedNanos;
    final AtomicLong written = new AtomicLong();
    final CountDownLatch closed = new CountDownLatch(1);
    volatile String requestLine = "";

    synchronized void markClosed() {
      if (closed.getCount() > 0) {
        closedNanos = System.nanoTime();
        closed.countDown();
      }
    }

    long openMillis() {
      return (closedNanos - openedNanos) / 1_000_000;
    }
  }

  /** A raw HTTP endpoint that answers every request the same bad way. */
  static final class FakeEndpoint implements AutoCloseable {
    final ServerSocket server;
    final List<Connection> connections = new CopyOnWriteArrayList<>();
    private final Mode mode;

    FakeEndpoint(Mode mode) throws IOException {
      this.mode = mode;
      this.server = new ServerSocket(0);
      Thread accept = new Thread(this::acceptLoop, "fake-endpoint-accept");
      accept.setDaemon(true);
      accept.start();
    }

    String base() {
      return "http://127.0.0.1:" + server.getLocalPort();
    }

    private void acceptLoop() {
      while (!server.isClosed()) {
        try {
          Socket socket = server.accept();
          Connection c = new Connection();
          connections.add(c);
          Thread t = new Thread(() -> serve(socket, c), "fake-endpoint-conn");
          t.setDaemon(true);
          t.start();
        } catch (IOException e) {
          return;
        }
      }
    }

    private void serve(Socket socket, Connection c) {
      try (socket) {
        c.requestLine = readHead(socket.getInputStream());
        OutputStream out = socket.getOutputStream();
        if (mode == Mode.DRIP) {
          // The client's close is seen at once by a read (a write would see it only later).
          InputStream in = socket.getInputStream();
          Thread watcher =
              new Thread(
                  () -> {
                    try {
                      while (in.read() >= 0) {
                        // a request body the head did not cover: ignored
                      }
                    } catch (IOException e) {
                      // closed
                    }
                    c.markClosed();
                  },
                  "fake-endpoint-watch");
          watcher.setDaemon(true);
          watcher.start();
          out.write(
              ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
                  .getBytes(StandardCharsets.US_ASCII));
          out.flush();
          // A byte every 400 ms (each read well within a 1 s read timeout) for 16 s: far longer
          // than any deadline, shorter than the test client's patience.
          for (int i = 0; i < 40; i++) {
            Thread.sleep(400);
            out.write(' ');
            out.flush();
            c.written.incrementAndGet();
          }
        } else {
          out.write(
              "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
          byte[] data = new byte[64 * 1024];
          Arrays.fill(data, (byte) ' ');
          byte[] head =
              (Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
          while (c.written.get() < BIG) {
            out.write(head);
            out.write(data);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            c.written.addAndGet(data.length);
          }
          out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
          Thread.sleep(30_000);
        }
      } catch (IOException | InterruptedException e) {
        // the client closed the connection: what the tests wait for
      } finally {
        c.markClosed();
      }
    }

    private static String readHead(InputStream in) throws IOException {
      StringBuilder head = new StringBuilder();
      int b;
      while ((b = in.read()) >= 0) {
        head.append((char) b);
        if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
          break;
        }
      }
      int eol = head.indexOf("\r\n");
      return eol < 0 ? head.toString() : head.substring(0, eol);
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }

  /** Opens the login page and the provider's authorization, and returns the callback URL. */
  private static String callbackUrl(TestApp target, Browser browser) {
    HttpResponse<String> start = browser.get(target.url("/profile"));
    assertThat(start.statusCode()).as("login start").isEqualTo(302);
    HttpResponse<String> authorize = browser.get(Browser.location(start));
    assertThat(authorize.statusCode()).as("provider authorize").isEqualTo(302);
    return Browser.location(authorize);
  }

  /** Runs the callback against {@code fake}; asserts 502 within the deadline and a second. */
  private static void assertCallbackAnswered502InTime(TestApp target, FakeEndpoint fake)
      throws Exception {
    Browser browser = browser();
    String callback = callbackUrl(target, browser);
    long started = System.nanoTime();
    HttpResponse<String> r = browser.get(callback);
    long millis = (System.nanoTime() - started) / 1_000_000;
    assertThat(r.statusCode()).as("callback while the provider misbehaves").isEqualTo(502);
    assertThat(r.body()).contains("cannot be reached");
    assertThat(millis).as("answered within http-timeout + 1 s").isLessThan(TIMEOUT_MILLIS + 1000);
    assertThat(fake.connections).as("the fake endpoint was called").isNotEmpty();
  }

  /**
   * Every connection to {@code fake} was closed within the deadline and a second of its opening.
   */
  private static void assertConnectionsClosedInTime(FakeEndpoint fake) throws Exception {
    for (Connection c : fake.connections) {
      assertThat(c.closed.await(TIMEOUT_MILLIS + 5000, TimeUnit.MILLISECONDS))
          .as("connection closed by the client")
          .isTrue();
      assertThat(c.openMillis())
          .as("connection for " + c.requestLine + " open for")
          .isLessThan(TIMEOUT_MILLIS + 1000);
    }
  }

  /**
   * A body past the cap stopped the reading early: far less than 50 MB was accepted by the client.
   */
  private static void assertHugeBodyCutShort(FakeEndpoint fake) throws Exception {
    for (Connection c : fake.connections) {
      assertThat(c.closed.await(10, TimeUnit.SECONDS))
          .as("connection closed by the client")
          .isTrue();
      // The 1 MiB cap, plus what the kernel's socket buffers took before the close.
      assertThat(c.written.get()).as("bytes the fake endpoint could write").isLessThan(BIG / 3);
      System.out.println(
          "ProviderIoBoundsTest: "
              + c.requestLine
              + " got "
              + (c.written.get() >> 10)
              + " KiB of a 50 MiB body through before the client closed");
    }
  }

  /** No thread is still inside a provider call (ours, or a blocking HttpURLConnection read). */
  private static void assertNoThreadStuckInProviderCall() throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    String stuck;
    do {
      stuck = null;
      for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
        for (StackTraceElement frame : e.getValue()) {
          String where = frame.getClassName() + "." + frame.getMethodName();
          if (where.startsWith("io.portcullis.core.internal.nimbus.Http.send")
              || where.startsWith("sun.net.www.protocol.http.HttpURLConnection.getInputStream")
              || where.startsWith("sun.net.www.http.ChunkedInputStream.read")
              || where.startsWith("sun.net.www.MeteredStream.read")) {
            stuck = e.getKey().getName() + " in " + where;
          }
        }
      }
      if (stuck == null) {
        return;
      }
      Thread.sleep(100);
    } while (System.nanoTime() < until);
    assertThat(stuck).as("a thread still in a provider call").isNull();
  }

  private static Map<String, String> with(String key, String value) {
    return Map.of(key, value, "http-timeout", String.valueOf(TIMEOUT_MILLIS / 1000));
  }

  @Test
  void tokenEndpointWhenDrippingThen502WithinDeadlineAndThreadReleased() throws Exception {
    try (FakeEndpoint fake = new FakeEndpoint(Mode.DRIP);
        TestApp own = new TestApp(provider, with("token-endpoint", fake.base() + "/token"))) {
      assertCallbackAnswered502InTime(own, fake);
      assertConnectionsClosedInTime(fake);
      assertNoThreadStuckInProviderCall();
    }
  }

  @Test
  void tokenEndpointWhen50MegabytesThen502AndReadingStoppedAtCap() throws Exception {
    try (FakeEndpoint fake = new FakeEndpoint(Mode.HUGE);
        TestApp own = new TestApp(provider, with("token-endpoint", fake.base() + "/token"))) {
      assertCallbackAnswered502InTime(own, fake);
      assertHugeBodyCutShort(fake);
    }
  }

  @Test
  void jwksWhenDrippingThen502WithinDeadlineAndThreadReleased() throws Exception {
    try (FakeEndpoint fake = new FakeEndpoint(Mode.DRIP);
        TestApp own = new TestApp(provider, with("jwks-uri", fake.base() + "/jwks"))) {
      assertCallbackAnswered502InTime(own, fake);
      assertConnectionsClosedInTime(fake);
      assertNoThreadStuckInProviderCall();
    }
  }

  @Test
  void jwksWhen50MegabytesThen502AndReadingStoppedAtCap() throws Exception {
    try (FakeEndpoint fake = new FakeEndpoint(Mode.HUGE);
        TestApp own = new TestApp(provider, with("jwks-uri", fake.base() + "/jwks"))) {
      assertCallbackAnswered502InTime(own, fake);
      assertHugeBodyCutShort(fake);
    }
  }

  /**
   * Discovery runs in the background: requests get 503 at once, and each discovery call ends in
   * time.
   */
  private static void assertDiscoveryFailsInTime(FakeEndpoint fake, TestApp own) throws Exception {
    Browser browser = browser();
    long started = System.nanoTime();
    HttpResponse<String> page = browser.get(own.url("/profile"));
    assertThat(page.statusCode()).isEqualTo(503);
    assertThat(page.headers().firstValue("Retry-After")).isPresent();
    assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(TIMEOUT_MILLIS + 1000);
    // OpenID Connect discovery, then the RFC 8414 fallback: two calls, each bounded.
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (fake.connections.size() < 2 && System.nanoTime() < until) {
      Thread.sleep(50);
    }
    assertThat(fake.connections).hasSizeGreaterThanOrEqualTo(2);
  }

  @Test
  void discoveryWhenDrippingThen503AndEachCallEndsWithinDeadline() throws Exception {
    try (FakeEndpoint fake = new FakeEndpoint(Mode.DRIP);
        TestApp own = new TestApp(provider, with("issuer", fake.base()))) {
      assertDiscoveryFailsInTime(fake, own);
      assertConnectionsClosedInTime(fake);
      assertNoThreadStuckInProviderCall();
    }
  }

  @Test
  void discoveryWhen50MegabytesThen503AndReadingStoppedAtCap() throws Exception {
    try (FakeEndpoint fake = new FakeEndpoint(Mode.HUGE);
        TestApp own = new TestApp(provider, with("issuer", fake.base()))) {
      assertDiscoveryFailsInTime(fake, own);
      assertHugeBodyCutShort(fake);
    }
  }
}
