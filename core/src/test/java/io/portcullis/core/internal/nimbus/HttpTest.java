package io.portcullis.core.internal.nimbus;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
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
}
