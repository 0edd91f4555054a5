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
 */
public record ClientRegistration(String clientId, @Nullable String clientSecret, Method method) {

  /** How the client authenticates (RFC 6749 §2.3.1). */
  public enum Method {
    /** HTTP Basic with the client id and secret. */
    SECRET_BASIC,
    /** Client id and secret in the form body. */
    SECRET_POST,
    /** No client authentication: {@code client_id} in the body (a public client). */
    NONE
  }

  /** Validates. */
  public ClientRegistration {
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(method, "method");
  }

  @Override
  public String toString() {
    return "ClientRegistration[clientId="
        + clientId
        + ", clientSecret="
        + (clientSecret == null ? "none" : "****")
        + ", method="
        + method
        + "]";
  }
}
