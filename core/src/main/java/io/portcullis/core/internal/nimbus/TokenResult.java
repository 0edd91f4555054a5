package io.portcullis.core.internal.nimbus;

import org.jspecify.annotations.Nullable;

/** The answer of a token endpoint (RFC 6749 §5.1, §5.2), or why there was none. */
public sealed interface TokenResult {

  /**
   * A successful token response. {@code toString()} hides the tokens.
   *
   * @param expiresInSeconds {@code expires_in}, or null when absent or not a number
   * @param scope {@code scope}, or null when absent (callers then grant no more than the configured
   *     scopes, or on refresh the previous grant)
   * @param dpopBound whether {@code token_type} is {@code DPoP} (RFC 9449 §5): the access token is
   *     bound to the client's DPoP key and is sent with a proof
   */
  record Tokens(
      String accessToken,
      @Nullable String refreshToken,
      @Nullable String idToken,
      @Nullable Long expiresInSeconds,
      @Nullable String scope,
      boolean dpopBound)
      implements TokenResult {
    @Override
    public String toString() {
      return "Tokens[****]";
    }
  }

  /**
   * The provider answered an OAuth error ({@code invalid_grant}, ...) or an unusable response.
   *
   * @param error the OAuth error code, or a reason of ours such as {@code invalid_response}
   */
  record Failed(String error, String description) implements TokenResult {}

  /** The provider could not be reached, timed out or answered 5xx. */
  record Unreachable(String description) implements TokenResult {}
}
