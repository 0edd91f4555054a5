package io.portcullis.core;

import io.portcullis.core.internal.nimbus.ProviderListener;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one engine counts and times, for the adapters to publish (README "Metrics": JMX always,
 * Micrometer when it is on the class path). Fixed {@link LongAdder} counters, one per {@link
 * Counter}, one per {@link Reason} and, per provider {@link Endpoint}, a timer (calls, failures,
 * total and longest time). Written where the engine decides, read at any time; counting allocates
 * nothing, and an authenticated request that proceeds counts nothing at all.
 *
 * <p>Adapter SPI: the JMX attributes and meter names the adapters publish are the documented
 * contract, not this class.
 */
public final class PortcullisMetrics {

  /** The counted events (README "Metrics" says when each moves). */
  public enum Counter {
    /** A browser was sent to the authorization endpoint (a login or a step-up). */
    LOGINS_STARTED,
    /** A callback stored a login in the session. */
    LOGINS_COMPLETED,
    /** A callback was refused (its reason is counted in {@link #rejections}). */
    LOGINS_REJECTED,
    /** A request whose access token was due got fresh tokens. */
    REFRESHES_OK,
    /** A request whose access token was due found its login ended by the provider's answer. */
    REFRESHES_REJECTED,
    /** A request whose access token was due could not refresh: the provider is unavailable. */
    REFRESHES_UNAVAILABLE,
    /** Of the refreshing requests, those that shared a token request another one started. */
    REFRESH_WAITERS,
    /** JWK Set fetches with nothing cached: the first use, or after the hourly expiry. */
    JWKS_FETCHES_LOAD,
    /** JWK Set fetches for a key a token from the token endpoint named: a key rotation. */
    JWKS_FETCHES_ROTATION,
    /** JWK Set fetches for a key a presented bearer token named. */
    JWKS_FETCHES_UNKNOWN_KEY,
    /** Client-credentials tokens received from the token endpoint. */
    CLIENT_CREDENTIALS_FETCHED,
    /** Client-credentials token requests answered from the cache, without waiting. */
    CLIENT_CREDENTIALS_CACHED,
    /** API requests answered {@code 401}. */
    API_401,
    /** API requests answered {@code 403}. */
    API_403,
    /** Back-channel logout tokens accepted ({@code backchannel-logout-path}). */
    BACKCHANNEL_LOGOUTS,
    /** Back-channel logout requests refused (the reason in the refusals by reason). */
    BACKCHANNEL_LOGOUTS_REFUSED,
    /** Front-channel logouts that ended this browser's login ({@code frontchannel-logout-path}). */
    FRONTCHANNEL_LOGOUTS
  }

  /** A provider endpoint the engine calls. */
  public enum Endpoint {
    /** Discovery metadata (OpenID Connect Discovery 1.0 §4, RFC 8414 §3). */
    DISCOVERY,
    /** The JWK Set (RFC 7517 §5). */
    JWKS,
    /** The token endpoint (RFC 6749 §3.2): code, refresh and client credentials grants. */
    TOKEN,
    /** The UserInfo endpoint (OIDC Core §5.3; {@code userinfo}). */
    USERINFO;

    /** The lower-case name: {@code discovery}, {@code jwks}, {@code token}, {@code userinfo}. */
    public String value() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private static final int ENDPOINTS = Endpoint.values().length;

  private final LongAdder[] counters = adders(Counter.values().length);
  private final LongAdder[] rejections = adders(Reason.values().length);
  private final LongAdder[] calls = adders(ENDPOINTS);
  private final LongAdder[] failures = adders(ENDPOINTS);
  private final LongAdder[] nanos = adders(ENDPOINTS);
  private final AtomicLong[] maxNanos = new AtomicLong[ENDPOINTS];

  /** A set of counters at zero; the engine makes its own. */
  PortcullisMetrics() {
    for (int i = 0; i < ENDPOINTS; i++) {
      maxNanos[i] = new AtomicLong();
    }
  }

  private static LongAdder[] adders(int n) {
    LongAdder[] a = new LongAdder[n];
    for (int i = 0; i < n; i++) {
      a[i] = new LongAdder();
    }
    return a;
  }

  /** How often {@code counter}'s event happened since the engine started. */
  public long count(Counter counter) {
    return counters[counter.ordinal()].sum();
  }

  /**
   * How many refusals had {@code reason} since the engine started: each once, under the code its
   * log line names (README "Reason codes"), or, when it is not logged, the code it is answered
   * with.
   */
  public long rejections(Reason reason) {
    return rejections[reason.ordinal()].sum();
  }

  /** Calls to {@code endpoint}, failed or not. */
  public long calls(Endpoint endpoint) {
    return calls[endpoint.ordinal()].sum();
  }

  /**
   * Calls to {@code endpoint} that failed: no complete answer, HTTP 5xx or 429, or for discovery
   * and JWKS any status but 200.
   */
  public long failures(Endpoint endpoint) {
    return failures[endpoint.ordinal()].sum();
  }

  /** The time all calls to {@code endpoint} took together, in nanoseconds. */
  public long totalNanos(Endpoint endpoint) {
    return nanos[endpoint.ordinal()].sum();
  }

  /** The longest call to {@code endpoint} since the engine started, in nanoseconds. */
  public long maxNanos(Endpoint endpoint) {
    return maxNanos[endpoint.ordinal()].get();
  }

  void increment(Counter counter) {
    counters[counter.ordinal()].increment();
  }

  void rejected(Reason reason) {
    rejections[reason.ordinal()].increment();
  }

  void called(Endpoint endpoint, long nanos, boolean failed) {
    int i = endpoint.ordinal();
    calls[i].increment();
    this.nanos[i].add(nanos);
    if (failed) {
      failures[i].increment();
    }
    maxNanos[i].accumulateAndGet(nanos, Math::max);
  }

  /**
   * Counts the answer to a request: its reason when it is a refusal counted nowhere else, and API
   * 401 and 403 answers. Path refusals ({@link Portcullis}'s path guard), bearer tokens ({@link
   * BearerAuthenticator}) and ended refreshes ({@link TokenRefresher}) count their finer reason
   * where they are logged.
   */
  Outcome answered(Outcome outcome) {
    if (outcome instanceof Outcome.Proceed || outcome instanceof Outcome.Redirect) {
      return outcome;
    }
    if (outcome instanceof Outcome.Rejected r) {
      if (r.reason() != Reason.PATH_INVALID) { // the path guard counted the logged reason
        rejected(r.reason());
      }
      if (r.api() && r.status() == 401) {
        increment(Counter.API_401);
      } else if (r.api() && r.status() == 403) {
        increment(Counter.API_403);
      }
    } else if (outcome instanceof Outcome.Forbidden f) {
      rejected(f.reason());
      if (f.api()) {
        increment(Counter.API_403);
      }
    } else if (outcome instanceof Outcome.Unavailable u) {
      rejected(u.reason());
    } else if (outcome instanceof Outcome.Challenge || outcome instanceof Outcome.InvalidToken) {
      increment(Counter.API_401);
    } else if (outcome instanceof Outcome.BackChannelLogout b) {
      Reason refused = b.refused();
      if (refused == null) {
        increment(Counter.BACKCHANNEL_LOGOUTS);
      } else {
        increment(Counter.BACKCHANNEL_LOGOUTS_REFUSED);
        rejected(refused);
      }
    } else if (outcome instanceof Outcome.FrontChannelLogout f && f.loggedOut()) {
      increment(Counter.FRONTCHANNEL_LOGOUTS);
    }
    return outcome;
  }

  /** This set's ears in {@code internal.nimbus}: provider calls and JWK Set fetches. */
  ProviderListener listener() {
    return new ProviderListener() {
      @Override
      public void called(ProviderListener.Endpoint endpoint, long nanos, boolean failed) {
        PortcullisMetrics.this.called(
            switch (endpoint) {
              case DISCOVERY -> PortcullisMetrics.Endpoint.DISCOVERY;
              case JWKS -> PortcullisMetrics.Endpoint.JWKS;
              case TOKEN -> PortcullisMetrics.Endpoint.TOKEN;
              case USERINFO -> PortcullisMetrics.Endpoint.USERINFO;
            },
            nanos,
            failed);
      }

      @Override
      public void jwksFetched(JwksFetch cause) {
        increment(
            switch (cause) {
              case LOAD -> Counter.JWKS_FETCHES_LOAD;
              case ROTATION -> Counter.JWKS_FETCHES_ROTATION;
              case UNKNOWN_KEY -> Counter.JWKS_FETCHES_UNKNOWN_KEY;
            });
      }
    };
  }
}
