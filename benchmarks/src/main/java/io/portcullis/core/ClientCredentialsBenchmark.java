package io.portcullis.core;

import io.portcullis.testsupport.FakeProvider;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A warm client-credentials token (RFC 6749 §4.4): {@link ClientCredentialsTokenSource#token} for a
 * scope set whose token is already cached and far from its refresh time, so no request reaches the
 * provider while measuring. The provider is the tests' {@link FakeProvider} (test-support) on
 * loopback; the tear-down checks it answered exactly one token request.
 *
 * <p>{@link #baseline} is what a cache hit fundamentally costs: one {@link ConcurrentHashMap#get}
 * of a precomputed key shaped like the source's own (token endpoint, client id, sorted scopes).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
@State(Scope.Benchmark)
public class ClientCredentialsBenchmark {

  /** The same shape as the source's private cache key. */
  record Key(URI tokenEndpoint, String clientId, List<String> scopes) {}

  private final Set<String> scopes = Set.of("read:data");
  private FakeProvider provider;
  private Portcullis engine;
  private ClientCredentialsTokenSource source;
  private ConcurrentHashMap<Key, String> map;
  private Key key;

  /** Starts the provider, the engine, and fetches the one token the measurement reuses. */
  @Setup(Level.Trial)
  public void setUp() {
    provider = new FakeProvider();
    engine =
        Portcullis.create(
            PortcullisConfig.of(
                Map.of(
                    "issuer", provider.issuer(),
                    "client-id", "bench-service",
                    "client-secret", "bench-secret")),
            Clock.systemUTC());
    if (!engine.awaitProvider(Duration.ofSeconds(10))) {
      throw new IllegalStateException("the loopback provider's metadata did not load");
    }
    source = engine.clientCredentials();
    String token = source.token(scopes);
    if (!provider.issuedTokens.equals(List.of(token)) || provider.tokenRequests.get() != 1) {
      throw new IllegalStateException(
          "warm-up did not fetch exactly one token: " + provider.tokenRequests.get());
    }

    key = new Key(provider.tokenEndpoint(), "bench-service", List.of("read:data"));
    map = new ConcurrentHashMap<>();
    map.put(key, token);
    for (int i = 0; i < 15; i++) {
      map.put(new Key(key.tokenEndpoint(), "other-" + i, List.of("read:data")), "other-token-" + i);
    }
  }

  /** Stops everything, after checking the measurement never went to the provider. */
  @TearDown(Level.Trial)
  public void tearDown() {
    int requests = provider.tokenRequests.get();
    System.out.println();
    System.out.println(
        "ClientCredentialsBenchmark: token requests during the trial (warm-up included): "
            + requests);
    engine.close();
    provider.close();
    if (requests != 1) {
      throw new IllegalStateException(
          "expected exactly 1 token request, the provider saw " + requests);
    }
  }

  /** A cache hit at its simplest: one {@code ConcurrentHashMap.get} of a precomputed key. */
  @Benchmark
  public @Nullable String baseline() {
    return map.get(key);
  }

  /** {@code token(Set.of("read:data"))} with the token cached and not due for refresh. */
  @Benchmark
  public String warmToken() {
    return source.token(scopes);
  }
}
