package io.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.portcullis.core.internal.nimbus.Http;
import io.portcullis.testsupport.FakeProvider;
import io.portcullis.testsupport.MutableClock;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The client credentials token source against the in-process FakeProvider (THREATS group H). */
class ClientCredentialsTokenSourceTest {

  /** Characters that client_secret_basic must form-urlencode (RFC 6749 §2.3.1, THREATS H-04). */
  private static final String SECRET = "s3cr3t:Zebra+Quokka%2F/é 9931";

  private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
  private FakeProvider provider;
  private ExecutorService executor;
  private final List<ClientCredentialsTokenSource> sources = new ArrayList<>();

  @BeforeEach
  void start() {
    provider = new FakeProvider(clock);
    executor = Executors.newCachedThreadPool();
  }

  @AfterEach
  void stop() {
    sources.forEach(ClientCredentialsTokenSource::close);
    executor.shutdownNow();
    provider.close();
  }

  private PortcullisConfig config(String... keyValues) {
    Map<String, String> map = new LinkedHashMap<>();
    map.put("issuer", provider.issuer());
    map.put("client-id", "app");
    map.put("client-secret", SECRET);
    return PortcullisConfig.of(EngineFixture.overlay(map, keyValues));
  }

  private ClientCredentialsTokenSource source(PortcullisConfig config) {
    return source(config, () -> Optional.of(provider.tokenEndpoint()));
  }

  private ClientCredentialsTokenSource source(
      PortcullisConfig config, Supplier<Optional<URI>> endpoint) {
    ClientCredentialsTokenSource source =
        new ClientCredentialsTokenSource(
            config,
            endpoint,
            NimbusWiring.tokenClient(config, new Http(config.httpTimeout())),
            clock,
            executor);
    sources.add(source);
    return source;
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition within 20 s").isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  private static ClientCredentialsException failure(
      ClientCredentialsTokenSource source, Set<String> scopes) {
    ClientCredentialsException e =
        catchThrowableOfType(ClientCredentialsException.class, () -> source.token(scopes));
    assertThat(e).as("ClientCredentialsException").isNotNull();
    assertThat(e.getMessage()).doesNotContain(SECRET);
    return e;
  }

  // ---- single flight and cache keys (H-01) ----------------------------------------------------

  @Test
  void tokenWhenThousandConcurrentCallersOnColdCacheThenOneTokenRequest() throws Exception {
    ClientCredentialsTokenSource source = source(config());
    provider.delay(200);
    ExecutorService callers = Executors.newFixedThreadPool(100);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        results.add(
            callers.submit(
                () -> {
                  go.await();
                  return source.token(Set.of("read", "write"));
                }));
      }
      go.countDown();
      Set<String> tokens = new HashSet<>();
      for (Future<String> result : results) {
        tokens.add(result.get(10, TimeUnit.SECONDS));
      }
      assertThat(tokens).hasSize(1);
      assertThat(provider.tokenRequests.get()).isEqualTo(1);
      assertThat(provider.issuedTokens).containsExactlyElementsOf(tokens);
    } finally {
      callers.shutdownNow();
    }
  }

  @Test
  void tokenWhenTwoScopeSetsThenCachedApartEachRequestWithItsOwnScope() {
    ClientCredentialsTokenSource source = source(config());
    String ab = source.token(Set.of("b", "a"));
    String c = source.token(Set.of("c"));
    assertThat(source.token(Set.of("a", "b"))).isEqualTo(ab);
    assertThat(source.token(Set.of("c"))).isEqualTo(c);
    assertThat(ab).isNotEqualTo(c);
    assertThat(provider.tokenRequests.get()).isEqualTo(2);
    assertThat(provider.param(0, "grant_type")).isEqualTo("client_credentials");
    assertThat(provider.param(0, "scope")).isEqualTo("a b");
    assertThat(provider.param(1, "scope")).isEqualTo("c");
  }

  @Test
  void tokenWhenNoScopesThenScopeParameterOmitted() {
    ClientCredentialsTokenSource source = source(config());
    assertThat(source.token(Set.of())).isNotEmpty();
    assertThat(provider.param(0, "scope")).isNull();
    assertThat(provider.param(0, "grant_type")).isEqualTo("client_credentials");
  }

  @Test
  void tokenWhenDifferentClientsThenCachedApart() {
    ClientCredentialsTokenSource app = source(config());
    ClientCredentialsTokenSource batch =
        source(config("m2m-client-id", "batch", "m2m-client-secret", "other-secret"));
    assertThat(app.token(Set.of("x"))).isNotEqualTo(batch.token(Set.of("x")));
    assertThat(provider.tokenRequests.get()).isEqualTo(2);
    assertThat(basicCredentials(1)).isEqualTo("batch:other-secret");
  }

  @Test
  void tokenAsyncWhenCachedThenSameTokenAsToken() throws Exception {
    ClientCredentialsTokenSource source = source(config());
    String token = source.tokenAsync(Set.of("x")).get(5, TimeUnit.SECONDS);
    assertThat(source.token(Set.of("x"))).isEqualTo(token);
    assertThat(provider.tokenRequests.get()).isEqualTo(1);
  }

  // ---- lifetimes and refresh ahead -------------------------------------------------------------

  @Test
  void tokenWhenInRefreshWindowThenOldTokenAtOnceAndNewOneAfterBackgroundRefresh()
      throws Exception {
    provider.tamper(
        json -> {
          json.put("expires_in", 10);
          return json;
        });
    // A generous deadline: this test is about the refresh window, and CI machines are shared.
    ClientCredentialsTokenSource source = source(config("http-timeout", "30"));
    Instant start = clock.instant();
    String first = source.token(Set.of("x"));
    // expires_in 10: refresh at 8 s (80%), no longer handed out from 9 s (5 s skew, at most 10%).
    clock.set(start.plusSeconds(7));
    assertThat(source.token(Set.of("x"))).isEqualTo(first);
    assertThat(provider.tokenRequests.get()).isEqualTo(1);

    provider.delay(100);
    clock.set(start.plusMillis(8_500));
    long before = System.nanoTime();
    assertThat(source.token(Set.of("x"))).isEqualTo(first);
    assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofMillis(100));
    await(() -> !source.token(Set.of("x")).equals(first));
    String second = source.token(Set.of("x"));
    assertThat(second).isNotEqualTo(first);
    // Usually exactly one refresh request; rarely Caffeine discards a refresh whose entry it
    // rewrote meanwhile, and the next get starts another (seen up to 8 on a loaded 2-core
    // machine): bounded, never a loop (which would be one per 10 ms poll of await).
    int requests = provider.tokenRequests.get();
    assertThat(requests).isBetween(2, 20);

    // Past the first token's expiry: only the new one is handed out, without a request.
    clock.set(start.plusMillis(9_500));
    assertThat(source.token(Set.of("x"))).isEqualTo(second);
    assertThat(provider.tokenRequests.get()).isEqualTo(requests);
  }

  @Test
  void tokenWhenExpiredWithoutRefreshThenLoadsSynchronously() {
    provider.tamper(
        json -> {
          json.put("expires_in", 10);
          return json;
        });
    ClientCredentialsTokenSource source = source(config());
    Instant start = clock.instant();
    String first = source.token(Set.of("x"));
    clock.set(start.plusSeconds(9));
    String second = source.token(Set.of("x"));
    assertThat(second).isNotEqualTo(first);
    assertThat(provider.tokenRequests.get()).isEqualTo(2);
    assertThat(source.token(Set.of("x"))).isEqualTo(second);
  }

  /** With expires_in 3600 and {@code refreshBefore}, no request at {@code quietAt} s, one after. */
  private void assertRefreshStartsAt(String refreshBefore, long refreshAt) throws Exception {
    provider.tamper(
        json -> {
          json.put("expires_in", 3600);
          return json;
        });
    ClientCredentialsTokenSource source = source(config("refresh-before", refreshBefore));
    int before = provider.tokenRequests.get();
    Instant start = clock.instant();
    String first = source.token(Set.of("x"));
    clock.set(start.plusSeconds(refreshAt - 1));
    assertThat(source.token(Set.of("x"))).isEqualTo(first);
    assertThat(provider.tokenRequests.get()).isEqualTo(before + 1);
    clock.set(start.plusSeconds(refreshAt));
    assertThat(source.token(Set.of("x"))).isEqualTo(first);
    await(() -> provider.tokenRequests.get() >= before + 2);
    clock.set(start);
  }

  @Test
  void tokenWhenExpiresInMinusRefreshBeforeIsLaterThanEightyPercentThenRefreshStartsThere()
      throws Exception {
    assertRefreshStartsAt("600", 3000);
  }

  @Test
  void tokenWhenRefreshBeforeIsLongThenRefreshStartsAtEightyPercent() throws Exception {
    assertRefreshStartsAt("3000", 2880);
  }

  @Test
  void tokenWhenExpiresInMissingThenFiveMinuteLifetime() {
    provider.tamper(
        json -> {
          json.remove("expires_in");
          return json;
        });
    ClientCredentialsTokenSource source = source(config());
    Instant start = clock.instant();
    String first = source.token(Set.of("x"));
    clock.set(start.plusSeconds(239));
    assertThat(source.token(Set.of("x"))).isEqualTo(first);
    clock.set(start.plusSeconds(295));
    assertThat(source.token(Set.of("x"))).isNotEqualTo(first);
  }

  /**
   * A lifetime over a day is cut to a day; issue 11 AC5: also one too large to count in
   * milliseconds (it overflowed to "expired on arrival" before {@link TokenLifetime}).
   */
  @ParameterizedTest
  @ValueSource(longs = {3_000_000_000L, 9_999_999_999_999_999L})
  void tokenWhenExpiresInHugeThenCappedAtOneDay(long expiresIn) {
    provider.tamper(
        json -> {
          json.put("expires_in", expiresIn);
          return json;
        });
    ClientCredentialsTokenSource source = source(config());
    Instant start = clock.instant();
    String first = source.token(Set.of("x"));
    clock.set(start.plus(Duration.ofHours(12)));
    assertThat(source.token(Set.of("x"))).isEqualTo(first);
    clock.set(start.plus(Duration.ofHours(24)));
    assertThat(source.token(Set.of("x"))).isNotEqualTo(first);
  }

  @Test
  void tokenWhenExpiresInNotPositiveThenRefused() {
    provider.tamper(
        json -> {
          json.put("expires_in", 0);
          return json;
        });
    assertThat(failure(source(config()), Set.of("x")).error()).isEqualTo("invalid_response");
  }

  @Test
  void tokenWhenRefreshFailsThenOldTokenKeptAndRetriedLaterNotHot() throws Exception {
    provider.tamper(
        json -> {
          json.put("expires_in", 100);
          return json;
        });
    ClientCredentialsTokenSource source = source(config());
    Instant start = clock.instant();
    String first = source.token(Set.of("x"));
    provider.answer(503, "{}");
    clock.set(start.plusSeconds(81));
    assertThat(source.token(Set.of("x"))).isEqualTo(first);
    await(() -> provider.tokenRequests.get() == 2);
    for (int i = 0; i < 50; i++) {
      assertThat(source.token(Set.of("x"))).isEqualTo(first);
    }
    Thread.sleep(50);
    int failed = provider.tokenRequests.get();
    assertThat(failed).as("no hot retry").isBetween(2, 3);
    provider.answer(200, null);
    clock.set(start.plusSeconds(88));
    source.token(Set.of("x"));
    // On a loaded machine the failed refresh can finish after the clock moved to 88 s; its retry
    // time then counts from there (at most 91 s). So the clock keeps moving, within the old
    // token's life (handed out until 95 s), until a call after the retry time refreshes.
    await(
        () -> {
          if (clock.instant().isBefore(start.plusSeconds(94))) {
            clock.set(clock.instant().plusMillis(100));
          }
          return !source.token(Set.of("x")).equals(first);
        });
    assertThat(provider.tokenRequests.get()).isBetween(failed + 1, failed + 2);
  }

  // ---- failures (H-06) -------------------------------------------------------------------------

  @Test
  void tokenWhenProviderAnswers503ThenUnavailableAndRetriedAfterBackoffOnly() {
    ClientCredentialsTokenSource source = source(config());
    provider.answer(503, "{\"error\":\"temporarily_unavailable\"}");
    assertThat(failure(source, Set.of("x")).error()).isEqualTo("unavailable");
    for (int i = 0; i < 100; i++) {
      assertThat(failure(source, Set.of("x")).error()).isEqualTo("unavailable");
    }
    assertThat(provider.tokenRequests.get()).as("no hot retry loop").isEqualTo(1);
    clock.set(clock.instant().plusMillis(1_100));
    assertThat(failure(source, Set.of("x")).error()).isEqualTo("unavailable");
    assertThat(provider.tokenRequests.get()).isEqualTo(2);
    clock.set(clock.instant().plusMillis(1_100));
    assertThat(failure(source, Set.of("x")).error())
        .as("back-off doubled to 2 s")
        .isEqualTo("unavailable");
    assertThat(provider.tokenRequests.get()).isEqualTo(2);
    provider.answer(200, null);
    clock.set(clock.instant().plusMillis(1_000));
    assertThat(source.token(Set.of("x"))).isNotEmpty();
    assertThat(provider.tokenRequests.get()).isEqualTo(3);
  }

  @Test
  void tokenWhenProviderAnswers429ThenUnavailable() {
    provider.answer(429, "{}");
    assertThat(failure(source(config()), Set.of("x")).error()).isEqualTo("unavailable");
  }

  @Test
  void tokenWhenInvalidClientThenErrorCodeWithoutSecretAndNotCached() {
    ClientCredentialsTokenSource source = source(config());
    provider.answer(
        401, "{\"error\":\"invalid_client\",\"error_description\":\"bad " + SECRET + "\"}");
    ClientCredentialsException e = failure(source, Set.of("x"));
    assertThat(e.error()).isEqualTo("invalid_client");
    assertThat(e.getMessage()).contains("invalid_client").contains("app");
    assertThat(failure(source, Set.of("x")).error()).isEqualTo("invalid_client");
    assertThat(provider.tokenRequests.get()).isEqualTo(2);
  }

  @Test
  void tokenWhenInvalidScopeThenErrorCode() {
    provider.answer(400, "{\"error\":\"invalid_scope\"}");
    assertThat(failure(source(config()), Set.of("x")).error()).isEqualTo("invalid_scope");
  }

  @Test
  void tokenWhenProviderSlowerThanHttpTimeoutThenUnavailableWithinTwoSeconds() {
    ClientCredentialsTokenSource source = source(config("http-timeout", "1"));
    provider.delay(1_500);
    long before = System.nanoTime();
    assertThat(failure(source, Set.of("x")).error()).isEqualTo("unavailable");
    assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofMillis(2_000));
  }

  @Test
  void tokenWhenProviderDownThenUnavailable() {
    ClientCredentialsTokenSource source =
        source(config(), () -> Optional.of(URI.create("http://127.0.0.1:1/token")));
    assertThat(failure(source, Set.of("x")).error()).isEqualTo("unavailable");
  }

  @Test
  void tokenWhenMetadataNotLoadedThenUnavailableWithoutRequest() {
    ClientCredentialsTokenSource source = source(config(), Optional::empty);
    assertThat(failure(source, Set.of("x")).error()).isEqualTo("unavailable");
    assertThat(provider.tokenRequests.get()).isZero();
  }

  // ---- token_type (H-02) ------------------------------------------------------------------------

  @Test
  void tokenWhenTokenTypeBearerInAnyCaseThenAccepted() {
    for (String type : List.of("bearer", "BEARER", "Bearer")) {
      provider.tamper(
          json -> {
            json.put("token_type", type);
            return json;
          });
      assertThat(source(config()).token(Set.of("x"))).as(type).isNotEmpty();
    }
  }

  @Test
  void tokenWhenTokenTypeNotBearerOrMissingThenRefused() {
    for (String type : new String[] {"mac", "DPoP", null}) {
      provider.tamper(
          json -> {
            if (type == null) {
              json.remove("token_type");
            } else {
              json.put("token_type", type);
            }
            return json;
          });
      assertThat(failure(source(config()), Set.of("x")).error())
          .as(String.valueOf(type))
          .isEqualTo("invalid_response");
    }
  }

  // ---- client authentication and secrecy (H-04, OAuth 2.1 §4.2) ---------------------------------

  private String basicCredentials(int request) {
    String header = provider.authorizations.get(request);
    assertThat(header).startsWith("Basic ");
    String decoded =
        new String(Base64.getDecoder().decode(header.substring(6)), StandardCharsets.UTF_8);
    int colon = decoded.indexOf(':');
    return URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8)
        + ":"
        + URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8);
  }

  @Test
  void tokenWhenClientSecretBasicThenIdAndSecretFormEncodedNotInBody() {
    source(config()).token(Set.of("x"));
    assertThat(basicCredentials(0)).isEqualTo("app:" + SECRET);
    assertThat(provider.authorizations.get(0)).doesNotContain(":");
    assertThat(provider.param(0, "client_secret")).isNull();
  }

  @Test
  void tokenWhenClientSecretPostThenSecretInBodyNoAuthorizationHeader() {
    source(config("client-auth", "client_secret_post")).token(Set.of("x"));
    assertThat(provider.authorizations.get(0)).isEmpty();
    assertThat(provider.param(0, "client_id")).isEqualTo("app");
    assertThat(provider.param(0, "client_secret")).isEqualTo(SECRET);
  }

  @Test
  void tokenWhenPublicClientThenConfidentialClientErrorWithoutRequest() {
    ClientCredentialsTokenSource source = source(config("client-secret", null));
    ClientCredentialsException e = failure(source, Set.of("x"));
    assertThat(e.error()).isEqualTo("unauthorized_client");
    assertThat(e.getMessage()).contains("confidential client");
    assertThat(provider.tokenRequests.get()).isZero();
  }

  @Test
  void tokenWhenPublicLoginClientWithM2mClientThenM2mClientUsed() {
    ClientCredentialsTokenSource source =
        source(
            config("client-secret", null, "m2m-client-id", "batch", "m2m-client-secret", SECRET));
    assertThat(source.token(Set.of("x"))).isNotEmpty();
    assertThat(basicCredentials(0)).isEqualTo("batch:" + SECRET);
  }

  @Test
  void toStringWhenSecretAndTokenCachedThenNeitherShown() {
    ClientCredentialsTokenSource source = source(config());
    String token = source.token(Set.of("x"));
    assertThat(source.toString())
        .contains("client-id=app", "client-secret=****", "cached=1")
        .doesNotContain(SECRET)
        .doesNotContain(token);
  }

  @Test
  void logWhenTokensAndFailuresThenNoSecretOrTokenInAnyRecord() throws Exception {
    java.util.logging.Logger logger = java.util.logging.Logger.getLogger("io.portcullis");
    java.util.logging.Level level = logger.getLevel();
    List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.logging.Handler handler =
        new java.util.logging.Handler() {
          @Override
          public void publish(java.util.logging.LogRecord record) {
            lines.add(String.valueOf(record.getMessage()));
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    logger.setLevel(java.util.logging.Level.ALL);
    logger.addHandler(handler);
    try {
      ClientCredentialsTokenSource source = source(config());
      source.token(Set.of("x"));
      provider.answer(401, "{\"error\":\"invalid_client\"}");
      failure(source, Set.of("y"));
      provider.answer(503, "{}");
      failure(source, Set.of("z"));
    } finally {
      logger.removeHandler(handler);
      logger.setLevel(level);
    }
    assertThat(lines).hasSizeGreaterThanOrEqualTo(3);
    for (String line : lines) {
      assertThat(line).doesNotContain(SECRET);
      for (String token : provider.issuedTokens) {
        assertThat(line).doesNotContain(token);
      }
    }
  }

  @Test
  void tokenWhenScopeNotAScopeTokenThenIllegalArgument() {
    ClientCredentialsTokenSource source = source(config());
    assertThatThrownBy(() -> source.token(Set.of("a b")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> source.token(Set.of("\"")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(provider.tokenRequests.get()).isZero();
  }

  @Test
  void tokenWhenClosedThenIllegalState() {
    ClientCredentialsTokenSource source = source(config());
    source.close();
    assertThatThrownBy(() -> source.token(Set.of("x"))).isInstanceOf(IllegalStateException.class);
  }

  // ---- create(): discovery and own threads ------------------------------------------------------

  @Test
  void createWhenProviderUpThenTokenFromDiscoveredEndpoint() {
    try (ClientCredentialsTokenSource source =
        ClientCredentialsTokenSource.create(config(), Clock.systemUTC())) {
      assertThat(source.token(Set.of("x"))).isEqualTo(provider.issuedTokens.get(0));
      assertThat(source.token(Set.of("x"))).isEqualTo(provider.issuedTokens.get(0));
      assertThat(provider.tokenRequests.get()).isEqualTo(1);
    }
  }

  @Test
  void createWhenProviderDownThenStartsAndTokenUnavailable() {
    PortcullisConfig config = config("issuer", "http://127.0.0.1:1/realm", "http-timeout", "1");
    try (ClientCredentialsTokenSource source =
        ClientCredentialsTokenSource.create(config, Clock.systemUTC())) {
      assertThat(failure(source, Set.of("x")).error()).isEqualTo("unavailable");
    }
  }
}
