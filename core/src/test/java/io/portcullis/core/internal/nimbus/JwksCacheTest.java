package io.portcullis.core.internal.nimbus;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWKSet;
import io.portcullis.testsupport.FakeProvider;
import io.portcullis.testsupport.MutableClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
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
    MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    try (FakeProvider provider = new FakeProvider(clock)) {
      AtomicInteger hits = provider.jwksRequests;
      URI uri = URI.create(provider.issuer() + "/jwks");
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
        clock.advance(Duration.ofSeconds(30));
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
        clock.advance(JwksCache.MIN_TRUSTED_REFETCH_INTERVAL);
        assertThat(cache.refreshForUnknownKey(uri, cache.get(uri), JwksCache.Source.TOKEN_ENDPOINT))
            .isNotNull();
        assertThat(hits.get()).isEqualTo(4);

        clock.advance(Duration.ofSeconds(31));
        assertThat(cache.refreshForUnknownKey(uri, cache.get(uri), JwksCache.Source.PRESENTED))
            .isNotNull();
        assertThat(hits.get()).isEqualTo(5);

        // A caller that looked in an older set gets the newer one without a fetch.
        JWKSet old = cache.get(uri);
        clock.advance(JwksCache.MIN_TRUSTED_REFETCH_INTERVAL);
        cache.refreshForUnknownKey(uri, old, JwksCache.Source.TOKEN_ENDPOINT);
        assertThat(hits.get()).isEqualTo(6);
        assertThat(cache.refreshForUnknownKey(uri, old, JwksCache.Source.PRESENTED))
            .isNotNull()
            .isNotSameAs(old);
        cache.get(uri);
        assertThat(hits.get()).as("cached").isEqualTo(6);
      }
    }
  }
}
