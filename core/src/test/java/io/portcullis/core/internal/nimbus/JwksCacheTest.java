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

/**
 * JWKS re-fetch on unknown keys (OIDC Core §10.1.1): one per minute for presented (bearer) tokens,
 * one per {@link JwksCache#MIN_TRUSTED_REFETCH_INTERVAL} for tokens from the token endpoint, on
 * separate budgets.
 */
class JwksCacheTest {

  @Test
  void refreshForUnknownKeyWhenFloodedThenAtMostOneFetchPerMinute() throws Exception {
    String jwks =
        new JWKSet(new RSAKeyGenerator(2048).keyID("k1").generate().toPublicJWK()).toString();
    AtomicInteger hits = new AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/jwks",
        exchange -> {
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
      Clock clock =
          new Clock() {
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
      try (Http http = new Http(Duration.ofSeconds(2))) {
        JwksCache cache = new JwksCache(clock, http, Runnable::run);
        assertThat(cache.get(uri).getKeyByKeyId("k1")).isNotNull();
        assertThat(hits.get()).isEqualTo(1);
        for (int i = 0; i < 1000; i++) {
          cache.refreshForUnknownKey(uri, cache.get(uri), JwksCache.Source.PRESENTED);
        }
        assertThat(hits.get())
            .as("1000 unknown kids in presented tokens: one re-fetch")
            .isEqualTo(2);
        now[0] = now[0].plusSeconds(30);
        assertThat(cache.refreshForUnknownKey(uri, cache.get(uri), JwksCache.Source.PRESENTED))
            .isNull();
        assertThat(hits.get()).isEqualTo(2);

        // The token endpoint's budget is its own: the presented flood did not use it up, and it
        // does not give the bearer path more.
        assertThat(cache.refreshForUnknownKey(uri, cache.get(uri), JwksCache.Source.TOKEN_ENDPOINT))
            .isNotNull();
        assertThat(hits.get()).isEqualTo(3);
        assertThat(cache.refreshForUnknownKey(uri, cache.get(uri), JwksCache.Source.PRESENTED))
            .isNull();
        assertThat(cache.refreshForUnknownKey(uri, cache.get(uri), JwksCache.Source.TOKEN_ENDPOINT))
            .as("within the trusted floor")
            .isNull();
        assertThat(hits.get()).isEqualTo(3);
        now[0] = now[0].plus(JwksCache.MIN_TRUSTED_REFETCH_INTERVAL);
        assertThat(cache.refreshForUnknownKey(uri, cache.get(uri), JwksCache.Source.TOKEN_ENDPOINT))
            .isNotNull();
        assertThat(hits.get()).isEqualTo(4);

        now[0] = now[0].plusSeconds(31);
        assertThat(cache.refreshForUnknownKey(uri, cache.get(uri), JwksCache.Source.PRESENTED))
            .isNotNull();
        assertThat(hits.get()).isEqualTo(5);

        // A caller that looked in an older set gets the newer one without a fetch.
        JWKSet old = cache.get(uri);
        now[0] = now[0].plus(JwksCache.MIN_TRUSTED_REFETCH_INTERVAL);
        cache.refreshForUnknownKey(uri, old, JwksCache.Source.TOKEN_ENDPOINT);
        assertThat(hits.get()).isEqualTo(6);
        assertThat(cache.refreshForUnknownKey(uri, old, JwksCache.Source.PRESENTED))
            .isNotNull()
            .isNotSameAs(old);
        cache.get(uri);
        assertThat(hits.get()).as("cached").isEqualTo(6);
      }
    } finally {
      server.stop(0);
    }
  }
}
