package io.portcullis.core.internal.nimbus;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.portcullis.core.PortcullisConfig;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * THREATS H-05: a token endpoint's redirect is never followed, so no credentials are re-sent.
 *
 * <p>A two-route server of its own rather than FakeProvider: what it plays is not a provider but a
 * hostile redirect, and the count that matters is of requests to where it points.
 */
class NimbusTokenClientTest {

  @Test
  void tokenRequestWhenEndpointRedirectsThenNotFollowed() throws Exception {
    AtomicInteger stolen = new AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/token",
        exchange -> {
          exchange.getResponseHeaders().add("Location", "/steal");
          exchange.sendResponseHeaders(307, -1);
          exchange.close();
        });
    server.createContext(
        "/steal",
        exchange -> {
          stolen.incrementAndGet();
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    server.start();
    try {
      String base = "http://127.0.0.1:" + server.getAddress().getPort();
      PortcullisConfig config =
          PortcullisConfig.of(
              Map.of(
                  "issuer",
                  base,
                  "client-id",
                  "app",
                  "client-secret",
                  "a-secret-that-must-not-travel"));
      NimbusTokenClient client =
          new NimbusTokenClient(
              new ClientRegistration(
                  "app", "a-secret-that-must-not-travel", ClientRegistration.Method.SECRET_BASIC),
              new Http(config.httpTimeout()));
      TokenResult cc =
          client.clientCredentials(
              URI.create(base + "/token"), "app", "a-secret-that-must-not-travel", Set.of("x"));
      TokenResult code =
          client.exchangeCode(
              URI.create(base + "/token"), "code", URI.create(base + "/cb"), "v".repeat(43));
      TokenResult refresh = client.refresh(URI.create(base + "/token"), "rt");
      for (TokenResult r : new TokenResult[] {cc, code, refresh}) {
        assertThat(r).isInstanceOf(TokenResult.Failed.class);
      }
      assertThat(stolen.get()).isZero();
    } finally {
      server.stop(0);
    }
  }
}
