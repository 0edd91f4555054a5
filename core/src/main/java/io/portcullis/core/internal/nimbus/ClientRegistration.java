package io.portcullis.core.internal.nimbus;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The client as {@link NimbusTokenClient} authenticates it at the token endpoint. Plain values, so
 * that this package does not depend on {@code io.portcullis.core}. {@link #toString()} never shows
 * the secret.
 *
 * @param clientId {@code client-id}
 * @param clientSecret {@code client-secret}, if set
 * @param method how the code and refresh grants authenticate
 * @param key the signing key of {@link Method#PRIVATE_KEY_JWT}, else null
 */
public record ClientRegistration(
    String clientId, @Nullable String clientSecret, Method method, @Nullable ClientKey key) {

  /** How the client authenticates (RFC 6749 §2.3.1). */
  public enum Method {
    /** HTTP Basic with the client id and secret. */
    SECRET_BASIC,
    /** Client id and secret in the form body. */
    SECRET_POST,
    /** A client assertion signed with the client's key (RFC 7523 §2.2, OIDC Core §9). */
    PRIVATE_KEY_JWT,
    /** No client authentication: {@code client_id} in the body (a public client). */
    NONE
  }

  /** Validates. */
  public ClientRegistration {
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(method, "method");
    if ((method == Method.PRIVATE_KEY_JWT) != (key != null)) {
      throw new IllegalArgumentException("a key goes with private_key_jwt, and only with it");
    }
  }

  /** A registration that authenticates with a secret or not at all. */
  public ClientRegistration(String clientId, @Nullable String clientSecret, Method method) {
    this(clientId, clientSecret, method, null);
  }

  @Override
  public String toString() {
    return "ClientRegistration[clientId="
        + clientId
        + ", clientSecret="
        + (clientSecret == null ? "none" : "****")
        + ", method="
        + method
        + (key == null ? "" : ", key=" + key)
        + "]";
  }
}
