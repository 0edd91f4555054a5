package io.portcullis.core;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
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
 * The engine's decision for one request, {@link Portcullis#handle}: path normalisation, the access
 * rules of the sample application, the session read and the scope check, on a fixed in-memory
 * exchange. The provider is never contacted: the issuer is a closed loopback port, its metadata
 * load fails once in the background, and none of the measured paths needs it.
 *
 * <p>{@link #baseline} is the cost floor of the harness (read the exchange's path and return it);
 * report the others as a ratio against it, measured in the same run.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
@State(Scope.Benchmark)
public class DecisionBenchmark {

  /** The access rules of samples/legacy-webapp. */
  static final String SAMPLE_RULES =
      String.join(
          "\n",
          "/                 permit",
          "/health           permit",
          "/error            permit",
          "GET /reports/**   read:reports",
          "/admin/**         admin",
          "/api/**           read:data",
          "/**               authenticated");

  private Portcullis engine;
  private Portcullis backchannelEngine;
  private Portcullis sharedBackchannelEngine;
  private InMemoryExchange authenticated;
  private InMemoryExchange authenticatedUnnormalised;
  private InMemoryExchange anonymousPermit;

  /** Builds the engine and the exchanges, and checks once that each takes the intended path. */
  @Setup(Level.Trial)
  public void setUp() {
    Map<String, String> settings =
        Map.of(
            "issuer", "http://127.0.0.1:9/realm",
            "client-id", "bench-app",
            "client-secret", "bench-secret",
            "scopes", "openid profile offline_access read:data",
            "rules", SAMPLE_RULES);
    PortcullisConfig config = PortcullisConfig.of(settings);
    engine = Portcullis.create(config, Clock.systemUTC());
    // With back-channel logout on: every request with a login asks the registry, which holds
    // other users' logouts (a lookup that finds nothing), in memory and shared by a cluster.
    Map<String, String> withBackchannel = new java.util.HashMap<>(settings);
    withBackchannel.put("backchannel-logout-path", "/backchannel-logout");
    PortcullisConfig backchannelConfig = PortcullisConfig.of(withBackchannel);
    LogoutRegistry local = LogoutRegistry.inMemory(Clock.systemUTC());
    LogoutRegistry shared =
        LogoutRegistry.shared(new ListStore(), Clock.systemUTC(), java.time.Duration.ofSeconds(1));
    for (int i = 0; i < 1000; i++) {
      LogoutRegistry.Revocation r =
          new LogoutRegistry.Revocation(
              "http://127.0.0.1:9/realm", i % 2 == 0 ? "sid-" + i : null, "sub-" + i, 0);
      local.revoke(r);
      shared.revoke(r);
    }
    backchannelEngine = Portcullis.create(backchannelConfig, Clock.systemUTC(), local);
    sharedBackchannelEngine = Portcullis.create(backchannelConfig, Clock.systemUTC(), shared);

    TokenSet tokens =
        new TokenSet(
            "access-token-value",
            Instant.parse("2100-01-01T00:00:00Z"),
            Set.of("openid", "profile", "offline_access", "read:data"));
    Identity identity =
        new Identity(
            "alice",
            "sub-alice",
            "http://127.0.0.1:9/realm",
            Map.of("sub", "sub-alice", "preferred_username", "alice"),
            Set.of(),
            tokens);
    LoginSession login =
        new LoginSession(
            identity, "refresh-token-value", "id-token-value", "logout-token-value", Set.of());

    authenticated = new InMemoryExchange("GET", "/api/data/items").browserHeaders().loggedIn(login);
    authenticatedUnnormalised =
        new InMemoryExchange("GET", "/api//data/./items;x=1").browserHeaders().loggedIn(login);
    anonymousPermit = new InMemoryExchange("GET", "/health").browserHeaders();

    expectProceed(engine.handle(authenticated), login.identity());
    expectProceed(engine.handle(authenticatedUnnormalised), login.identity());
    expectProceed(engine.handle(anonymousPermit), null);
    expectProceed(backchannelEngine.handle(authenticated), login.identity());
    expectProceed(sharedBackchannelEngine.handle(authenticated), login.identity());
  }

  /** A shared store in a list: what a poll costs is not what this benchmark measures. */
  private static final class ListStore implements LogoutRegistry.SharedStore {
    private final java.util.List<LogoutRegistry.Revocation> written =
        new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public void write(LogoutRegistry.Revocation revocation, long writtenAtMillis) {
      written.add(revocation);
    }

    @Override
    public java.util.List<LogoutRegistry.Revocation> readWrittenSince(long sinceMillis) {
      return java.util.List.of();
    }

    @Override
    public void purgeWrittenBefore(long beforeMillis) {}
  }

  private static void expectProceed(Outcome outcome, @Nullable Identity expected) {
    if (!(outcome instanceof Outcome.Proceed proceed) || proceed.identity() != expected) {
      throw new IllegalStateException("benchmark set-up takes the wrong path: " + outcome);
    }
  }

  /** Stops the engine's background threads. */
  @TearDown(Level.Trial)
  public void tearDown() {
    engine.close();
    backchannelEngine.close();
    sharedBackchannelEngine.close();
  }

  /** The cost floor: read the exchange's path and hand it to the harness. */
  @Benchmark
  public @Nullable String baseline() {
    return authenticated.rawPath();
  }

  /** {@code GET /api/data/items}, logged in with {@code read:data}, token valid for decades. */
  @Benchmark
  public Outcome authenticatedDecision() {
    return engine.handle(authenticated);
  }

  /**
   * As {@link #authenticatedDecision}, on {@code /api//data/./items;x=1}, which must be normalised.
   */
  @Benchmark
  public Outcome authenticatedDecisionNormalising() {
    return engine.handle(authenticatedUnnormalised);
  }

  /**
   * As {@link #authenticatedDecision}, with {@code backchannel-logout-path} set: the login is
   * looked up in an in-memory logout registry holding 1,000 other logouts.
   */
  @Benchmark
  public Outcome authenticatedDecisionBackChannel() {
    return backchannelEngine.handle(authenticated);
  }

  /**
   * As {@link #authenticatedDecisionBackChannel}, the registry shared by a cluster (polled at most
   * once a second; the poll itself is not measured).
   */
  @Benchmark
  public Outcome authenticatedDecisionBackChannelShared() {
    return sharedBackchannelEngine.handle(authenticated);
  }

  /** {@code GET /health}, a {@code permit} path, with nobody logged in. */
  @Benchmark
  public Outcome permitDecision() {
    return engine.handle(anonymousPermit);
  }
}
