package io.portcullis.benchmarks.load;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The load generator used when {@code wrk} is not installed: a separate JVM (so it shares neither
 * heap nor JIT with the servers) that keeps {@code connections} HTTP/1.1 keep-alive connections
 * busy, one thread each, for a warm-up second and then {@code seconds}. Each request carries the
 * next cookie of the list, round-robin per connection, like the wrk script. Every response is read
 * whole and checked: status 200 and exactly the expected body. Prints one line, {@code RESULT rps=…
 * p50us=… p99us=… ok=… bad=…}, which {@link LoadBenchmark} parses.
 *
 * <p>Arguments: {@code url seconds connections expectedBody [cookie …]}.
 */
public final class JavaLoad {
  private JavaLoad() {}

  public static void main(String[] args) throws Exception {
    URI url = URI.create(args[0]);
    int seconds = Integer.parseInt(args[1]);
    int connections = Integer.parseInt(args[2]);
    byte[] expected = args[3].getBytes(StandardCharsets.US_ASCII);
    List<byte[]> requests = new ArrayList<>();
    String head =
        "GET "
            + url.getRawPath()
            + " HTTP/1.1\r\nHost: "
            + url.getHost()
            + ":"
            + url.getPort()
            + "\r\n";
    if (args.length == 4) {
      requests.add((head + "\r\n").getBytes(StandardCharsets.US_ASCII));
    }
    for (int i = 4; i < args.length; i++) {
      requests.add((head + "Cookie: " + args[i] + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    Worker[] workers = new Worker[connections];
    CountDownLatch started = new CountDownLatch(connections);
    AtomicBoolean measuring = new AtomicBoolean();
    AtomicBoolean stop = new AtomicBoolean();
    for (int c = 0; c < connections; c++) {
      workers[c] = new Worker(url, requests, c, expected, started, measuring, stop);
      workers[c].start();
    }
    started.await();
    Thread.sleep(1_000); // warm-up: not counted
    long begin = System.nanoTime();
    measuring.set(true);
    Thread.sleep(seconds * 1_000L);
    measuring.set(false);
    long elapsed = System.nanoTime() - begin;
    stop.set(true);
    long ok = 0;
    long bad = 0;
    int n = 0;
    for (Worker w : workers) {
      w.join();
      if (w.failure != null) {
        throw new IllegalStateException("connection " + w.getName() + " failed", w.failure);
      }
      ok += w.ok;
      bad += w.bad;
      n += w.count;
    }
    long[] all = new long[n];
    int at = 0;
    for (Worker w : workers) {
      System.arraycopy(w.latencies, 0, all, at, w.count);
      at += w.count;
    }
    Arrays.sort(all);
    System.out.printf(
        Locale.ROOT,
        "RESULT rps=%.1f p50us=%.1f p99us=%.1f ok=%d bad=%d%n",
        (ok + bad) * 1e9 / elapsed,
        percentile(all, 0.50) / 1e3,
        percentile(all, 0.99) / 1e3,
        ok,
        bad);
  }

  private static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
  }

  /** One keep-alive connection, one request at a time. */
  private static final class Worker extends Thread {
    private final URI url;
    private final List<byte[]> requests;
    private final byte[] expected;
    private final CountDownLatch started;
    private final AtomicBoolean measuring;
    private final AtomicBoolean stop;
    private final byte[] buffer = new byte[16 * 1024];
    private int next;
    long ok;
    long bad;
    long[] latencies = new long[1 << 20];
    int count;
    Throwable failure;

    Worker(
        URI url,
        List<byte[]> requests,
        int index,
        byte[] expected,
        CountDownLatch started,
        AtomicBoolean measuring,
        AtomicBoolean stop) {
      super("load-" + index);
      this.url = url;
      this.requests = requests;
      this.next = index % requests.size();
      this.expected = expected;
      this.started = started;
      this.measuring = measuring;
      this.stop = stop;
    }

    @Override
    public void run() {
      try (Socket socket = new Socket()) {
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(url.getHost(), url.getPort()), 5_000);
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        started.countDown();
        while (!stop.get()) {
          byte[] request = requests.get(next);
          next = (next + 1) % requests.size();
          long t0 = System.nanoTime();
          out.write(request);
          out.flush();
          boolean good = readResponse(in);
          long t1 = System.nanoTime();
          if (measuring.get()) {
            if (good) {
              ok++;
            } else {
              bad++;
            }
            if (count == latencies.length) {
              latencies = Arrays.copyOf(latencies, count * 2);
            }
            latencies[count++] = t1 - t0;
          }
        }
      } catch (Throwable t) {
        failure = t;
        started.countDown();
      }
    }

    /**
     * Reads one response (headers, then a Content-Length body); true for 200 with the expected
     * body.
     */
    private boolean readResponse(InputStream in) throws IOException {
      int length = 0;
      int headerEnd = -1;
      while (headerEnd < 0) {
        int r = in.read(buffer, length, buffer.length - length);
        if (r < 0) {
          throw new IOException("connection closed by the server");
        }
        length += r;
        headerEnd = indexOfBlankLine(buffer, length);
        if (headerEnd < 0 && length == buffer.length) {
          throw new IOException("response headers larger than " + buffer.length + " bytes");
        }
      }
      String headers = new String(buffer, 0, headerEnd, StandardCharsets.ISO_8859_1);
      int contentLength = contentLength(headers);
      int bodyStart = headerEnd + 4;
      while (length < bodyStart + contentLength) {
        int r = in.read(buffer, length, buffer.length - length);
        if (r < 0) {
          throw new IOException("connection closed in the body");
        }
        length += r;
      }
      if (length != bodyStart + contentLength) {
        throw new IOException(
            "more bytes than one response: the server is not answering one request at a time");
      }
      return headers.startsWith("HTTP/1.1 200 ")
          && contentLength == expected.length
          && Arrays.equals(
              buffer, bodyStart, bodyStart + contentLength, expected, 0, expected.length);
    }

    private static int indexOfBlankLine(byte[] b, int length) {
      for (int i = 0; i + 3 < length; i++) {
        if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
          return i;
        }
      }
      return -1;
    }

    private static int contentLength(String headers) {
      for (String line : headers.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Content-Length")) {
          return Integer.parseInt(line.substring(colon + 1).trim());
        }
      }
      throw new IllegalStateException("no Content-Length in the response: " + headers);
    }
  }
}
