package io.portcullis.core;

import io.portcullis.core.internal.nimbus.NimbusUserInfoClient;
import io.portcullis.core.internal.nimbus.ProviderMetadata;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Claims from the provider's UserInfo endpoint (OIDC Core §5.3; README "UserInfo"), read once after
 * a login and after each refresh that brings a new access token, when {@code userinfo} says so:
 * {@code always}, or {@code auto} (the default) when the ID token lacks the configured {@code
 * principal-claim} or {@code roles-claim} and the provider has a UserInfo endpoint; {@code never}
 * not at all.
 *
 * <p>The answer must be a JSON object whose {@code sub} is the ID token's (§5.3.2: else it must not
 * be used). Merge precedence: the ID token's claims about the authentication and the token itself
 * ({@link #ID_TOKEN_CLAIMS}) always win; every other claim of the UserInfo answer fills in or
 * replaces the ID token's (profile claims such as {@code name}, {@code email}, roles).
 *
 * <p>Failures: a {@code sub} that differs refuses the login (or, after a refresh, ends it). Any
 * other failure refuses the login with {@code always}; with {@code auto} the login goes on with the
 * ID token's claims alone, and after a refresh the claims read before are kept.
 */
final class UserInfo {
  private static final System.Logger LOG = System.getLogger("io.portcullis");

  /** The claims the ID token keeps whatever the UserInfo answer says. */
  static final Set<String> ID_TOKEN_CLAIMS =
      Set.of(
          "iss",
          "sub",
          "aud",
          "exp",
          "iat",
          "nbf",
          "nonce",
          "auth_time",
          "acr",
          "amr",
          "azp",
          "sid",
          "at_hash",
          "c_hash",
          "jti");

  /** What a UserInfo request came to. */
  sealed interface Result {
    /** Claims whose {@code sub} is the ID token's; {@code json} is what the session stores. */
    record Fetched(Map<String, Object> claims, String json) implements Result {
      @Override
      public String toString() {
        return "Fetched[****]";
      }
    }

    /** No usable claims, for {@code reason}. */
    record Failed(Reason reason) implements Result {}
  }

  private final PortcullisConfig config;
  private final String mode;
  private final NimbusUserInfoClient client;

  UserInfo(PortcullisConfig config, NimbusUserInfoClient client) {
    this.config = config;
    this.mode = config.userinfo();
    this.client = client;
  }

  /**
   * Whether a login fails when UserInfo cannot be read ({@code always}); with {@code auto} the ID
   * token's claims alone are used then. A {@code sub} that differs fails the login either way.
   */
  boolean required() {
    return mode.equals("always");
  }

  /** Whether UserInfo is read for a login whose ID token has {@code idTokenClaims}. */
  boolean wanted(Map<String, Object> idTokenClaims, ProviderMetadata md) {
    return switch (mode) {
      case "never" -> false;
      case "always" -> true;
      default ->
          md.userinfoEndpoint() != null
              && (lacks(idTokenClaims, config.principalClaim().orElse(null))
                  || lacks(idTokenClaims, config.rolesClaim().orElse(null)));
    };
  }

  private static boolean lacks(Map<String, Object> claims, @Nullable String claim) {
    return claim != null && Claims.lookup(claims, claim) == null;
  }

  /**
   * Reads the UserInfo claims with {@code accessToken} and checks that they name {@code subject}.
   */
  Result fetch(ProviderMetadata md, String accessToken, String subject) {
    URI endpoint = md.userinfoEndpoint();
    if (endpoint == null) {
      LOG.log(
          Level.WARNING, "portcullis: userinfo=always, but the provider has no UserInfo endpoint");
      return new Result.Failed(Reason.USERINFO_UNAVAILABLE);
    }
    NimbusUserInfoClient.Result r = client.claims(endpoint, accessToken);
    if (r instanceof NimbusUserInfoClient.Result.Unreachable u) {
      LOG.log(Level.WARNING, "portcullis: " + u.description());
      return new Result.Failed(Reason.USERINFO_UNAVAILABLE);
    }
    if (r instanceof NimbusUserInfoClient.Result.Failed f) {
      LOG.log(Level.WARNING, "portcullis: " + f.description());
      return new Result.Failed(Reason.USERINFO_INVALID);
    }
    NimbusUserInfoClient.Result.Claims c = (NimbusUserInfoClient.Result.Claims) r;
    if (!Objects.equals(c.claims().get("sub"), subject)) {
      return new Result.Failed(Reason.USERINFO_SUB_MISMATCH);
    }
    return new Result.Fetched(c.claims(), c.json());
  }

  /** The ID token's claims with the UserInfo claims merged in under the documented precedence. */
  static Map<String, Object> merge(Map<String, Object> idToken, Map<String, Object> userInfo) {
    Map<String, Object> merged = new LinkedHashMap<>(idToken);
    userInfo.forEach(
        (name, value) -> {
          if (!ID_TOKEN_CLAIMS.contains(name)) {
            merged.put(name, value);
          }
        });
    return merged;
  }
}
