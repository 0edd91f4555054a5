package io.portcullis.core.internal.nimbus;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** JWKS re-fetch on unknown keys is rate-limited to one per minute (OIDC Core §10.1.1). */
class JwksCacheTest {

  @Test
  void refreshForUnknownKeyWhenFloodedThenAtMostOneFetchPerMinute() throws Exception {
    String jwks = new JWKSet(new RSAKeyGenerator(2048).keyID("k1").generate().toPublicJWK()).toString();
    AtomicInteger hits = new AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/jwks", exchange -> {
      hits.incrementAndGet();
      byte[] body = jwks.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    try {
      Instant[] now = {Instant.parse("2030-01-01T00:00:00Z")};
      Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return now[0];
        }
      };
      URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks");
      JwksCache cache = new JwksCache(clock, Duration.ofSeconds(2), Runnable::run);
      assertThat(cache.get(uri).getKeyByKeyId("k1")).isNotNull();
      assertThat(hits.get()).isEqualTo(1);
      int refetched = 0;
      for (int i = 0; i < 1000; i++) {
        if (cache.refreshForUnknownKey(uri)) {
          refetched++;
        }
      }
      assertThat(refetched).isEqualTo(1);
      assertThat(hits.get()).isEqualTo(2);
      now[0] = now[0].plusSeconds(30);
      assertThat(cache.refreshForUnknownKey(uri)).isFalse();
      now[0] = now[0].plusSeconds(31);
      assertThat(cache.refreshForUnknownKey(uri)).isTrue();
      assertThat(hits.get()).isEqualTo(3);
      cache.get(uri);
      assertThat(hits.get()).as("cached").isEqualTo(3);
    } finally {
      server.stop(0);
    }
  }
}
