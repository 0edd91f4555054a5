package io.portcullis.core;

import java.util.Objects;

/**
 * A client credentials token (RFC 6749 §4.4) could not be obtained. {@link #error()} is the
 * provider's OAuth error code ({@code invalid_client}, {@code invalid_scope}, ... RFC 6749 §5.2), a
 * reason of ours ({@code invalid_response}, {@code unauthorized_client} for a client without a
 * secret), or {@code unavailable} when the provider could not be reached, timed out, answered 5xx
 * or 429, or its metadata is not loaded yet: then trying again later may succeed. The message never
 * holds a token or a secret.
 */
public final class ClientCredentialsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The {@link #error()} of a provider that cannot be reached or answered 5xx or 429. */
  public static final String UNAVAILABLE = "unavailable";

  private final String error;

  /**
   * Creates an exception with error code {@code error} and a message free of tokens and secrets.
   */
  public ClientCredentialsException(String error, String message) {
    super(message);
    this.error = Objects.requireNonNull(error, "error");
  }

  /** Creates an exception with error code {@code error}, a message and its cause. */
  public ClientCredentialsException(String error, String message, Throwable cause) {
    super(message, cause);
    this.error = Objects.requireNonNull(error, "error");
  }

  /** Returns the OAuth error code (RFC 6749 §5.2) or {@code unavailable}. */
  public String error() {
    return error;
  }
}
