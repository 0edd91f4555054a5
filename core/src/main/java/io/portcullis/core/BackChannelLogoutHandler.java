package io.portcullis.core;

import com.github.benmanes.caffeine.cache.Cache;
import io.portcullis.core.internal.nimbus.IdTokenException;
import io.portcullis.core.internal.nimbus.NimbusIdTokenVerifier;
import io.portcullis.core.internal.nimbus.ProviderMetadata;
import java.lang.System.Logger.Level;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The back-channel logout endpoint (OpenID Connect Back-Channel Logout 1.0): the provider {@code
 * POST}s a form-encoded {@code logout_token} in the body, never the query (§2.5); it is validated
 * in full (§2.6, {@link NimbusIdTokenVerifier#verifyLogoutToken}), its {@code jti} is refused when
 * seen before on this node, and its {@code sid} (else its {@code sub}) is recorded in the {@link
 * LogoutRegistry}, which ends the matching logins on every node at their next request (§2.7).
 * Answers {@code 200}, or {@code 400} with {@code {"error":"invalid_request"}} (§2.8); logs {@code
 * oidc.backchannel.rejected reason=…} and never the token (THREATS G-01 to G-11).
 */
final class BackChannelLogoutHandler {
  private static final System.Logger LOG = System.getLogger("io.portcullis");

  /** A logout token longer than this is refused unread. */
  static final int MAX_TOKEN_LENGTH = 16 * 1024;

  private final ProviderMetadataSource metadata;
  private final NimbusIdTokenVerifier verifier;
  private final LogoutRegistry registry;

  /**
   * The {@code jti}s seen (issuer, newline, jti), kept as long as their token could be accepted.
   */
  private final Cache<String, Boolean> seen;

  BackChannelLogoutHandler(
      ProviderMetadataSource metadata,
      NimbusIdTokenVerifier verifier,
      LogoutRegistry registry,
      Clock clock) {
    this.metadata = metadata;
    this.verifier = verifier;
    this.registry = registry;
    this.seen =
        Caches.newBuilder(clock)
            .expireAfterWrite(
                NimbusIdTokenVerifier.LOGOUT_TOKEN_MAX_AGE.plus(
                    NimbusIdTokenVerifier.CLOCK_SKEW.multipliedBy(2)))
            .maximumSize(100_000)
            .<String, Boolean>build();
  }

  Outcome handle(HttpExchange exchange) {
    String contentType = exchange.header("Content-Type");
    List<String> tokens = exchange.parameterValues("logout_token");
    if (!exchange.method().equals("POST")
        || contentType == null
        || !contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")
        || inQuery(exchange.rawQuery())
        || tokens.size() != 1
        || tokens.get(0).isEmpty()
        || tokens.get(0).length() > MAX_TOKEN_LENGTH) {
      return refused(Reason.BACKCHANNEL_REQUEST);
    }
    Optional<ProviderMetadata> md = metadata.current();
    if (md.isEmpty()) {
      return refused(Reason.BACKCHANNEL_UNAVAILABLE);
    }
    NimbusIdTokenVerifier.LogoutToken token;
    try {
      token = verifier.verifyLogoutToken(tokens.get(0), md.get());
    } catch (IdTokenException e) {
      return refused(Reason.ofLogoutToken(e.check()));
    }
    if (seen.asMap().putIfAbsent(token.issuer() + "\n" + token.jwtId(), Boolean.TRUE) != null) {
      return refused(Reason.BACKCHANNEL_REPLAY);
    }
    try {
      registry.revoke(
          new LogoutRegistry.Revocation(
              token.issuer(), token.sessionId(), token.subject(), token.issuedAtMillis()));
    } catch (RuntimeException e) {
      seen.invalidate(token.issuer() + "\n" + token.jwtId()); // the provider may deliver it again
      LOG.log(
          Level.WARNING,
          () ->
              "oidc.backchannel.rejected reason="
                  + Reason.BACKCHANNEL_STORE.code()
                  + " ("
                  + e.getClass().getSimpleName()
                  + ")");
      return new Outcome.BackChannelLogout(Reason.BACKCHANNEL_STORE);
    }
    LOG.log(
        Level.INFO,
        () -> "oidc.backchannel.logout by=" + (token.sessionId() != null ? "sid" : "sub"));
    return Outcome.BackChannelLogout.ACCEPTED;
  }

  /**
   * Whether the query names {@code logout_token}: the token comes in the body only (§2.5); the
   * registered URI may have a query of its own (§2.2).
   */
  private static boolean inQuery(@Nullable String rawQuery) {
    if (rawQuery == null) {
      return false;
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      try {
        if (URLDecoder.decode(name, StandardCharsets.UTF_8).equals("logout_token")) {
          return true;
        }
      } catch (IllegalArgumentException e) {
        return true; // a name that does not decode: refused rather than guessed at
      }
    }
    return false;
  }

  private static Outcome refused(Reason reason) {
    LOG.log(reason.level(), () -> "oidc.backchannel.rejected reason=" + reason.code());
    return new Outcome.BackChannelLogout(reason);
  }
}
