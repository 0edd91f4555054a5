package io.portcullis.core.internal.nimbus;

/**
 * An ID token failed validation (OIDC Core §3.1.3.7). {@link #reason()} is a short code such as
 * {@code id_token.aud}; the message never holds the token.
 */
public final class IdTokenException extends Exception {
  private static final long serialVersionUID = 1L;
  private final String reason;

  /** Creates an exception with a reason code and a sentence for logs. */
  public IdTokenException(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  /** The reason code, e.g. {@code id_token.signature}. */
  public String reason() {
    return reason;
  }
}
