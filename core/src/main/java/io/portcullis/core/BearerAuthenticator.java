package io.portcullis.core;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Expiry;
import io.portcullis.core.internal.nimbus.IdTokenException;
import io.portcullis.core.internal.nimbus.NimbusIdTokenVerifier;
import io.portcullis.core.internal.nimbus.ProviderMetadata;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Accepts {@code Authorization: Bearer} access tokens (RFC 6750 §2.1) that the provider issued to
 * this application's own clients ({@code client-id} or {@code m2m-client-id}) — typically its
 * client-credentials tokens calling its own APIs — when {@code bearer-tokens=own-clients}.
 *
 * <p>A token is accepted when it is a JWT signed by a key of the provider's JWK Set (RSA or EC),
 * its {@code iss} is the issuer, it has not expired, it is an access token, and it names one of
 * those clients in {@code client_id}, {@code azp} or {@code cid} (RFC 9068 §2.2; never {@code sub},
 * which names the subject). An access token is known as one positively, never by what it lacks: its
 * header {@code typ} is {@code at+jwt} (RFC 9068 §2.1), or its {@code aud} names one of {@code
 * bearer-audience} and not the client ids, which are the audience of the client's ID tokens. An ID
 * token is never a bearer token (THREATS A-23); one with a {@code nonce} is refused in any case.
 * Its {@code scope} (or {@code scp}) claim gives the scopes the rules check. Validated tokens are
 * cached until they expire, so a repeated token costs a hash lookup.
 */
final class BearerAuthenticator {
  private static final System.Logger LOG = System.getLogger("io.portcullis");

  /** What the header came to. */
  sealed interface Result {
    /** A valid token. */
    record Valid(Identity identity) implements Result {}

    /** An invalid token: answer 401 {@code invalid_token}. */
    record Invalid(Reason reason) implements Result {}

    /** The provider's metadata or keys are not available. */
    record Unavailable() implements Result {}
  }

  private final PortcullisConfig config;
  private final ProviderMetadataSource metadata;
  private final NimbusIdTokenVerifier verifier;
  private final Clock clock;
  private final Set<String> clients;
  private final Cache<String, Identity> valid;
  private final PortcullisMetrics metrics;

  BearerAuthenticator(
      PortcullisConfig config,
      ProviderMetadataSource metadata,
      NimbusIdTokenVerifier verifier,
      Clock clock,
      PortcullisMetrics metrics) {
    this.metrics = metrics;
    this.config = config;
    this.metadata = metadata;
    this.verifier = verifier;
    this.clock = clock;
    this.clients =
        Set.copyOf(
            java.util.List.of(config.clientId(), config.m2mClientId().orElse(config.clientId())));
    this.valid =
        Caches.newBuilder(clock)
            .maximumSize(10_000)
            .expireAfter(
                new Expiry<String, Identity>() {
                  @Override
                  public long expireAfterCreate(String key, Identity value, long currentTime) {
                    return TimeUnit.MILLISECONDS.toNanos(
                        Math.max(0, value.tokens().expiresAt().toEpochMilli() - clock.millis()));
                  }

                  @Override
                  public long expireAfterUpdate(
                      String key, Identity value, long currentTime, long currentDuration) {
                    return currentDuration;
                  }

                  @Override
                  public long expireAfterRead(
                      String key, Identity value, long currentTime, long currentDuration) {
                    return currentDuration;
                  }
                })
            .build();
  }

  /** The bearer token of the request, or null when it sends none. */
  static @Nullable String bearerToken(HttpExchange exchange) {
    String header = exchange.header("Authorization");
    if (header == null || header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String token = header.substring(7).trim();
    return token.isEmpty() ? null : token;
  }

  Result authenticate(String token) {
    String key = Randoms.hashKey(token, 43);
    Identity cached = valid.getIfPresent(key);
    if (cached != null) {
      return new Result.Valid(cached);
    }
    Optional<ProviderMetadata> md = metadata.current();
    if (md.isEmpty()) {
      return new Result.Unavailable();
    }
    NimbusIdTokenVerifier.AccessToken verified;
    try {
      verified = verifier.verifyAccessToken(token, md.get());
    } catch (IdTokenException e) {
      Reason reason = Reason.ofBearer(e.check());
      if (reason == Reason.BEARER_KEYS_UNAVAILABLE) {
        return new Result.Unavailable();
      }
      return invalid(reason);
    }
    Map<String, Object> claims = verified.claims();
    if (claims.containsKey("nonce") || !isAccessToken(verified.type(), claims.get("aud"))) {
      return invalid(Reason.BEARER_NOT_ACCESS_TOKEN);
    }
    // RFC 9068 §2.2: client_id (azp, cid at some providers) names the client. Never sub: it
    // names the subject, and an ID token's subject is a user.
    String client = firstString(claims, "client_id", "azp", "cid");
    if (client == null || !clients.contains(client)) {
      return invalid(Reason.BEARER_CLIENT);
    }
    // RFC 9449 §7.2: a DPoP-bound token is only good with a proof of its key; sent as a bearer
    // token it may have been stolen.
    if (claims.get("cnf") instanceof Map<?, ?> cnf && cnf.containsKey("jkt")) {
      return invalid(Reason.BEARER_DPOP_BOUND);
    }
    Set<String> scopes = new LinkedHashSet<>();
    Scopes.collect(claims.get("scope"), scopes);
    Scopes.collect(claims.get("scp"), scopes);
    String subject = claims.get("sub") instanceof String s && !s.isEmpty() ? s : client;
    if (!(claims.get("exp") instanceof Number exp)) {
      metrics.rejected(Reason.BEARER_EXPIRED);
      return new Result.Invalid(
          Reason.BEARER_EXPIRED); // verified present; kept total for any shape
    }
    TokenSet tokens = new TokenSet(token, Instant.ofEpochSecond(exp.longValue()), scopes);
    Set<String> roles = new LinkedHashSet<>();
    config.rolesClaim().ifPresent(path -> Claims.collectRoles(Claims.lookup(claims, path), roles));
    // the token's own iss: the issuer, or for a multi-tenant issuer its tenant's (both verified)
    String issuer = claims.get("iss") instanceof String iss ? iss : md.get().issuer();
    Identity identity = new Identity(subject, subject, issuer, claims, roles, tokens);
    valid.put(key, identity);
    return new Result.Valid(identity);
  }

  /**
   * RFC 9068 §2.1 {@code typ} ({@code at+jwt}, or {@code application/at+jwt}; media types are
   * case-insensitive), or an {@code aud} naming a configured audience but not the client ids.
   */
  private boolean isAccessToken(@Nullable String type, @Nullable Object aud) {
    if (type != null
        && (type.equalsIgnoreCase("at+jwt") || type.equalsIgnoreCase("application/at+jwt"))) {
      return true;
    }
    Set<String> audiences = new LinkedHashSet<>();
    if (aud instanceof String s) {
      audiences.add(s);
    } else if (aud instanceof java.util.Collection<?> list) {
      list.forEach(a -> audiences.add(String.valueOf(a)));
    }
    return !java.util.Collections.disjoint(audiences, config.bearerAudience())
        && java.util.Collections.disjoint(audiences, clients);
  }

  private Result invalid(Reason reason) {
    metrics.rejected(reason);
    LOG.log(reason.level(), "oidc.bearer.rejected reason=" + reason.code());
    return new Result.Invalid(reason);
  }

  private static @Nullable String firstString(Map<String, Object> claims, String... names) {
    for (String n : names) {
      if (claims.get(n) instanceof String s && !s.isEmpty()) {
        return s;
      }
    }
    return null;
  }
}
