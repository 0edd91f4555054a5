package io.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.core.internal.nimbus.Http;
import io.portcullis.core.internal.nimbus.JwksCache;
import io.portcullis.core.internal.nimbus.ProviderException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, finding 6: the provider work queue is bounded. When its threads are busy and its queue
 * full, provider work is refused at once and each caller answers "unavailable" (never an exception
 * out of the engine, never a wait without end); cache upkeep still runs.
 */
class ProviderThreadsTest {

  @Test
  void queueWhenFullThenProviderWorkRefusedAndCallersAnswerUnavailable() throws Exception {
    ThreadPoolExecutor pool = ProviderThreads.create("test-provider");
    CountDownLatch release = new CountDownLatch(1);
    // Port 9 (discard) on loopback: nothing will ever be fetched, the queue is full anyway.
    PortcullisConfig config =
        PortcullisConfig.of(
            Map.of(
                "issuer",
                "http://127.0.0.1:9/realm",
                "client-id",
                "app",
                "client-secret",
                "a-client-secret",
                "http-timeout",
                "1"));
    try (Http http = new Http(config.httpTimeout())) {
      for (int i = 0; i < ProviderThreads.THREADS + ProviderThreads.QUEUE; i++) {
        CompletableFuture.runAsync(
            () -> {
              try {
                release.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            pool);
      }
      assertThatThrownBy(() -> CompletableFuture.supplyAsync(() -> 1, pool))
          .isInstanceOf(RejectedExecutionException.class)
          .hasMessageContaining("provider work queue full");
      AtomicBoolean upkeep = new AtomicBoolean();
      pool.execute(() -> upkeep.set(true));
      assertThat(upkeep).as("non-provider work runs on the caller").isTrue();

      long started = System.nanoTime();
      ProviderMetadataSource metadata =
          new ProviderMetadataSource(NimbusWiring.discovery(config, http), Clock.systemUTC(), pool);
      metadata.start();
      assertThat(metadata.current()).isEmpty();
      assertThat(metadata.await(Duration.ofSeconds(5))).isEmpty();
      assertThat(metadata.currentOrAwait(Duration.ofSeconds(5))).isEmpty();

      JwksCache jwks = new JwksCache(Clock.systemUTC(), http, pool);
      assertThatThrownBy(() -> jwks.get(URI.create("http://127.0.0.1:9/jwks")))
          .isInstanceOf(ProviderException.class)
          .hasMessageContaining("too much provider work queued");

      ClientCredentialsTokenSource m2m =
          new ClientCredentialsTokenSource(
              config,
              () -> Optional.of(URI.create("http://127.0.0.1:9/token")),
              NimbusWiring.tokenClient(config, http),
              Clock.systemUTC(),
              pool);
      assertThatThrownBy(() -> m2m.tokenAsync(Set.of("x")).get(5, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(ClientCredentialsException.class)
          .satisfies(
              e ->
                  assertThat(((ClientCredentialsException) e).error())
                      .isEqualTo(ClientCredentialsException.UNAVAILABLE));
      assertThat((System.nanoTime() - started) / 1_000_000)
          .as("refused at once, not after a wait")
          .isLessThan(3000);
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }
}
