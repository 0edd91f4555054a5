package io.portcullis.benchmarks.load;

import io.portcullis.benchmarks.load.Variants.Variant;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.LocalConnector;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One logged-in {@code GET /protected} through the whole Jetty 12 stack (HTTP parsing, session
 * lookup, filter, servlet, response generation) but without sockets: a persistent connection of
 * Jetty's {@code LocalConnector}. The same variants as {@link LoadBenchmark} (A no filter, S no
 * filter with a session cookie, B Portcullis, C Spring Security, D pac4j), each logged in once over
 * HTTP against the in-process provider. With {@code -prof gc} it reports what each stack allocates
 * per request. Every response is checked: status 200 and the servlet's exact body.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class FullStackBenchmark {
  private static final byte[] OK_STATUS = "HTTP/1.1 200 ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] BODY = Variants.BODY.getBytes(StandardCharsets.US_ASCII);

  @Param({"A", "S", "B", "C", "D"})
  public String variant;

  private BenchProvider provider;
  private Variant server;
  private LocalConnector.LocalEndPoint endpoint;
  private ByteBuffer request;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    provider = new BenchProvider();
    server = Variants.start(variant.charAt(0), provider.issuer());
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    String cookie = LoadBenchmark.login(http, server);
    LoadBenchmark.verify(http, server, cookie);
    // What wrk sends in the load benchmark: request line, Host, the session cookie.
    String raw =
        "GET "
            + Variants.PATH
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + (cookie.isEmpty() ? "" : "Cookie: " + cookie + "\r\n")
            + "\r\n";
    request = ByteBuffer.wrap(raw.getBytes(StandardCharsets.US_ASCII)).asReadOnlyBuffer();
    endpoint = server.local.connect();
    request();
  }

  @Benchmark
  public int request() throws Exception {
    endpoint.addInputAndExecute(request.duplicate());
    ByteBuffer response = endpoint.waitForResponse(false, 10, TimeUnit.SECONDS);
    if (response == null || !startsWith(response, OK_STATUS) || !endsWith(response, BODY)) {
      throw new IllegalStateException(
          server.name
              + " answered "
              + (response == null ? "nothing" : StandardCharsets.ISO_8859_1.decode(response)));
    }
    return response.remaining();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    if (endpoint != null) {
      endpoint.close();
    }
    if (server != null) {
      server.close();
    }
    if (provider != null) {
      provider.close();
    }
  }

  private static boolean startsWith(ByteBuffer b, byte[] prefix) {
    if (b.remaining() < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (b.get(b.position() + i) != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean endsWith(ByteBuffer b, byte[] suffix) {
    if (b.remaining() < suffix.length) {
      return false;
    }
    int start = b.limit() - suffix.length;
    for (int i = 0; i < suffix.length; i++) {
      if (b.get(start + i) != suffix[i]) {
        return false;
      }
    }
    return true;
  }
}
