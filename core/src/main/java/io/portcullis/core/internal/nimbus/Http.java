package io.portcullis.core.internal.nimbus;

import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * HTTP to the provider, in one place: every call (token, JWK Set, discovery, client credentials)
 * goes through {@link #send}, which bounds it twice.
 *
 * <ul>
 *   <li><b>One deadline per call</b>: {@code http-timeout} covers connecting, sending, the response
 *       headers and the whole body. Nimbus' own sender ({@code HttpURLConnection}) only has
 *       per-read timeouts, so a provider dripping a byte a second would hold the calling thread for
 *       ever, and its {@code disconnect()} waits for a blocked body read. Here the exchange runs on
 *       the JDK's non-blocking {@link HttpClient}; the caller waits on its future for what is left
 *       of the deadline and then cancels it, which closes the connection. No thread is ever blocked
 *       reading from the provider.
 *   <li><b>A size cap</b>: a response body larger than {@link #MAX_RESPONSE_BYTES} is refused, by
 *       its {@code Content-Length} before any of it is read, else as soon as the bytes received
 *       pass the cap (the connection is then closed).
 * </ul>
 *
 * <p>HTTP/1.1 only, no redirects followed, the JVM's default proxy selector and TLS settings. One
 * instance per engine; {@link #close()} stops its threads.
 */
public final class Http implements AutoCloseable {
  /** The largest provider response body accepted: 1 MiB. */
  public static final int MAX_RESPONSE_BYTES = 1 << 20;

  /** Headers the JDK client sets itself and refuses to be given. */
  private static final Set<String> CLIENT_SET_HEADERS =
      Set.of("connection", "content-length", "expect", "host", "upgrade");

  private final Duration timeout;
  private final int maxBytes;
  private final ProviderListener listener;
  private final ThreadPoolExecutor callbacks;
  private final HttpClient client;

  /**
   * Creates a client whose calls end after {@code timeout} and accept at most {@link
   * #MAX_RESPONSE_BYTES}.
   */
  public Http(Duration timeout) {
    this(timeout, ProviderListener.NONE);
  }

  /** The same, telling {@code listener} of every call (and the JWK Set fetches made with it). */
  public Http(Duration timeout, ProviderListener listener) {
    this(timeout, MAX_RESPONSE_BYTES, listener);
  }

  Http(Duration timeout, int maxBytes) {
    this(timeout, maxBytes, ProviderListener.NONE);
  }

  private Http(Duration timeout, int maxBytes, ProviderListener listener) {
    this.timeout = timeout;
    this.maxBytes = maxBytes;
    this.listener = listener;
    AtomicInteger threads = new AtomicInteger();
    // The client's callbacks (handing over response bytes, completing futures) are short and
    // never block; their number is bounded by the calls in flight, each bounded by its deadline.
    this.callbacks =
        new ThreadPoolExecutor(
            2,
            2,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "portcullis-http-" + threads.incrementAndGet());
              t.setDaemon(true);
              t.setContextClassLoader(null);
              return t;
            });
    callbacks.allowCoreThreadTimeOut(true);
    // The client starts its selector thread now; without the application's class loader as that
    // thread's context loader, a container does not count it as a thread the application leaked.
    Thread current = Thread.currentThread();
    ClassLoader loader = current.getContextClassLoader();
    current.setContextClassLoader(null);
    try {
      this.client =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .followRedirects(HttpClient.Redirect.NEVER)
              .connectTimeout(timeout)
              .executor(callbacks)
              .build();
    } finally {
      current.setContextClassLoader(loader);
    }
  }

  /** The deadline of each call. */
  public Duration timeout() {
    return timeout;
  }

  /** Who hears of this client's calls. */
  ProviderListener listener() {
    return listener;
  }

  /**
   * Sends {@code request} to {@code endpoint} and returns the complete response, within {@link
   * #timeout()}; tells the listener how long it took and whether it failed ({@link
   * ProviderListener#called}).
   *
   * @throws HttpTimeoutException when the response is not complete by the deadline
   * @throws ResponseTooLargeException when the body is larger than the cap
   * @throws IOException when the provider cannot be reached or breaks the connection
   */
  public HTTPResponse send(HTTPRequest request, ProviderListener.Endpoint endpoint)
      throws IOException {
    long start = System.nanoTime();
    boolean failed = true;
    try {
      HTTPResponse response = send(request, start + timeout.toNanos());
      Instant date = date(response);
      if (date != null) {
        listener.served(endpoint, date);
      }
      int status = response.getStatusCode();
      failed =
          status >= 500
              || status == 429
              || (endpoint != ProviderListener.Endpoint.TOKEN && status != 200);
      return response;
    } finally {
      listener.called(endpoint, System.nanoTime() - start, failed);
    }
  }

  private HTTPResponse send(HTTPRequest request, long deadline) throws IOException {
    HttpRequest.Builder builder;
    try {
      builder = HttpRequest.newBuilder(request.getURI()).timeout(timeout);
      request
          .getHeaderMap()
          .forEach(
              (name, values) -> {
                if (name != null
                    && values != null
                    && !CLIENT_SET_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                  values.forEach(value -> builder.header(name, value));
                }
              });
      String body = request.getBody();
      builder.method(
          request.getMethod().name(),
          body == null
              ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new IOException(
          "cannot send a request to " + request.getURI() + ": " + e.getMessage(), e);
    }
    CompletableFuture<HttpResponse<byte[]>> future;
    try {
      future =
          client.sendAsync(
              builder.build(),
              info -> new CappedBody(maxBytes, info.headers().firstValueAsLong("Content-Length")));
    } catch (RejectedExecutionException e) {
      // close() ran (the application is stopping) while a load was on its way: an I/O failure
      // like any other, reported in one line rather than as a trace from the cache's loader.
      throw new IOException("the provider client is closed (the application is stopping)", e);
    }
    HttpResponse<byte[]> response;
    try {
      response = future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      future.cancel(true); // closes the connection
      throw new HttpTimeoutException(
          "no complete response from "
              + request.getURI()
              + " within "
              + timeout.toMillis()
              + " ms");
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for " + request.getURI());
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      throw new IOException(
          "request to "
              + request.getURI()
              + " failed: "
              + (cause == null ? "unknown cause" : cause.getClass().getSimpleName()),
          cause);
    }
    HTTPResponse result = new HTTPResponse(response.statusCode());
    response
        .headers()
        .map()
        .forEach(
            (name, values) -> {
              if (!values.isEmpty() && !name.startsWith(":")) {
                result.setHeader(name, values.toArray(String[]::new));
              }
            });
    result.setBody(new String(response.body(), StandardCharsets.UTF_8));
    return result;
  }

  /** The response's {@code Date} (RFC 9110 §6.6.1, IMF-fixdate), or null when absent or invalid. */
  static @Nullable Instant date(HTTPResponse response) {
    String value = response.getHeaderValue("Date");
    if (value == null) {
      return null;
    }
    try {
      return DateTimeFormatter.RFC_1123_DATE_TIME.parse(value.trim(), Instant::from);
    } catch (DateTimeException e) {
      return null;
    }
  }

  /** Stops this client's threads; calls in flight fail. */
  @Override
  public void close() {
    callbacks.shutdownNow();
    try {
      // Java 21+: stop the selector thread now (on 17 it ends once the client is unreachable).
      HttpClient.class.getMethod("shutdownNow").invoke(client);
    } catch (ReflectiveOperationException | RuntimeException e) {
      // Java 17 to 20: nothing to do
    }
  }

  /** A response body larger than the cap. */
  public static final class ResponseTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    ResponseTooLargeException(int maxBytes) {
      super("response body larger than " + maxBytes + " bytes");
    }
  }

  /** Collects the body up to the cap; past it cancels (closing the connection) and fails. */
  private static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final int maxBytes;
    private final OptionalLong declared;
    private Flow.@Nullable Subscription subscription;

    CappedBody(int maxBytes, OptionalLong declared) {
      this.maxBytes = maxBytes;
      this.declared = declared;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      if (declared.isPresent() && declared.getAsLong() > maxBytes) {
        s.cancel();
        result.completeExceptionally(new ResponseTooLargeException(maxBytes));
        return;
      }
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      if (result.isDone()) {
        return;
      }
      for (ByteBuffer buffer : items) {
        int n = buffer.remaining();
        if (bytes.size() + (long) n > maxBytes) {
          if (subscription != null) {
            subscription.cancel();
          }
          result.completeExceptionally(new ResponseTooLargeException(maxBytes));
          return;
        }
        byte[] chunk = new byte[n];
        buffer.get(chunk);
        bytes.write(chunk, 0, n);
      }
    }

    @Override
    public void onError(Throwable throwable) {
      result.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
      result.complete(bytes.toByteArray());
    }
  }

  /**
   * Whether {@code uri} may be used to talk to a provider: HTTPS, or HTTP to a loopback host
   * ({@code localhost}, {@code 127.0.0.0/8}, {@code [::1]}). No DNS lookup is made.
   */
  public static boolean isAllowedProviderUri(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (uri.getHost() == null) {
      return false;
    }
    return scheme.equals("https") || (scheme.equals("http") && isLoopbackHost(uri.getHost()));
  }

  /** Whether {@code host} names a loopback address without a DNS lookup. */
  public static boolean isLoopbackHost(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.equals("localhost") || h.endsWith(".localhost")) {
      return true;
    }
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    boolean literal =
        !h.isEmpty()
            && (h.indexOf(':') >= 0 || h.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9')));
    if (!literal) {
      return false;
    }
    try {
      return InetAddress.getByName(h).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
