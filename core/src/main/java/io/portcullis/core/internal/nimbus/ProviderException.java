package io.portcullis.core.internal.nimbus;

/**
 * A call to the provider failed or its answer was unusable. The message names what failed and never
 * holds a token, a code or a secret.
 */
public final class ProviderException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Creates an exception with a message fit for logs. */
  public ProviderException(String message) {
    super(message);
  }

  /** Creates an exception with a message fit for logs and its cause. */
  public ProviderException(String message, Throwable cause) {
    super(message, cause);
  }
}
