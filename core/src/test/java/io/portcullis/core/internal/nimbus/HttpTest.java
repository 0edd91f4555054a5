package io.portcullis.core.internal.nimbus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class HttpTest {

  /**
   * A load still on its way when the engine closes (a WAR that fails to start, a redeploy) fails as
   * I/O, reported in one line, not with the executor's {@code RejectedExecutionException}, which
   * the cache's loader logged as a trace.
   */
  @Test
  void sendWhenClosedThenIoFailure() {
    Http http = new Http(Duration.ofSeconds(2));
    http.close();
    HTTPRequest request =
        new HTTPRequest(HTTPRequest.Method.GET, URI.create("http://127.0.0.1:9/.well-known/x"));
    assertThatThrownBy(() -> http.send(request, ProviderListener.Endpoint.DISCOVERY))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("closed");
  }

  /**
   * Issue 13 AC2: every provider response's {@code Date} reaches the listener (the engine compares
   * its clock with it, also when no discovery request is made); none when absent or not a date.
   */
  @Test
  void sendWhenResponseHasDateThenListenerHearsItWithTheEndpoint() throws Exception {
    List<String> heard = new CopyOnWriteArrayList<>();
    ProviderListener listener =
        new ProviderListener() {
          @Override
          public void called(Endpoint endpoint, long nanos, boolean failed) {}

          @Override
          public void jwksFetched(JwksFetch cause) {}

          @Override
          public void served(Endpoint endpoint, Instant date) {
            heard.add(endpoint + " " + date);
          }
        };
    try (Http http = new Http(Duration.ofSeconds(5), listener)) {
      for (String date : List.of("Sun, 06 Nov 1994 08:49:37 GMT", "", "yesterday")) {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
          Thread answer = new Thread(() -> answerOnce(server, date));
          answer.start();
          HTTPRequest request =
              new HTTPRequest(
                  HTTPRequest.Method.GET,
                  URI.create("http://127.0.0.1:" + server.getLocalPort() + "/jwks"));
          assertThat(http.send(request, ProviderListener.Endpoint.JWKS).getStatusCode())
              .isEqualTo(404);
          answer.join(5000);
        }
      }
    }
    assertThat(heard).containsExactly("JWKS 1994-11-06T08:49:37Z");
  }

  /** Reads one request's head and answers 404 with {@code date} as its Date (none when empty). */
  private static void answerOnce(ServerSocket server, String date) {
    try (Socket socket = server.accept()) {
      InputStream in = socket.getInputStream();
      int matched = 0;
      while (matched < 4) {
        int b = in.read();
        if (b < 0) {
          return;
        }
        matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
      }
      OutputStream out = socket.getOutputStream();
      out.write(
          ("HTTP/1.1 404 Not Found\r\n"
                  + (date.isEmpty() ? "" : "Date: " + date + "\r\n")
                  + "Content-Length: 0\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
    } catch (IOException e) {
      // the test's assertion says what went wrong
    }
  }
}
