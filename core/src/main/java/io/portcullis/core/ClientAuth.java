package io.portcullis.core;

import java.util.Optional;

/**
 * How the client authenticates at the token endpoint (OIDC Core §9, RFC 6749 §2.3.1), as set by
 * {@code client-auth}.
 */
enum ClientAuth {
  /** HTTP Basic with the client id and secret (RFC 6749 §2.3.1). */
  CLIENT_SECRET_BASIC("client_secret_basic"),
  /** Client id and secret in the form body (RFC 6749 §2.3.1). */
  CLIENT_SECRET_POST("client_secret_post"),
  /**
   * A client assertion signed with the client's private key, {@code client-key-file} (RFC 7523
   * §2.2, OIDC Core §9).
   */
  PRIVATE_KEY_JWT("private_key_jwt"),
  /** No client authentication: a public client, protected by PKCE (RFC 7636). */
  NONE("none");

  private final String value;

  ClientAuth(String value) {
    this.value = value;
  }

  /** Returns the value as written in configuration and provider metadata. */
  public String value() {
    return value;
  }

  static Optional<ClientAuth> fromValue(String value) {
    for (ClientAuth auth : values()) {
      if (auth.value.equals(value)) {
        return Optional.of(auth);
      }
    }
    return Optional.empty();
  }
}
