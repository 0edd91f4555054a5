package io.portcullis.core.internal.nimbus;

/** The answer of a pushed authorization request endpoint (RFC 9126 §2.2, §2.3), or why none. */
public sealed interface PushResult {

  /**
   * The request was pushed: the authorization request names it by {@code request_uri}.
   *
   * @param requestUri the {@code request_uri} (RFC 9126 §2.2), single use and short-lived
   */
  record Pushed(String requestUri) implements PushResult {}

  /**
   * The provider refused the request ({@code invalid_request}, {@code invalid_client}, ...) or gave
   * an unusable answer.
   *
   * @param error the OAuth error code, or {@code invalid_response}
   */
  record Failed(String error, String description) implements PushResult {}

  /** The provider could not be reached, timed out or answered 5xx. */
  record Unreachable(String description) implements PushResult {}
}
