package io.portcullis.servlet;

import io.portcullis.core.Identity;
import jakarta.servlet.ServletRequest;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads the current login from a request that passed {@link PortcullisFilter}: the identity and
 * the access token, for calls to downstream APIs. Holds no state of its own (no static or
 * thread-local state): the filter puts the identity on the request.
 */
public final class PortcullisRequests {
  /** The request attribute holding the {@link Identity} while a request runs. */
  public static final String IDENTITY_ATTRIBUTE = "io.portcullis.identity";

  private PortcullisRequests() {}

  /** The logged-in user of {@code request}, if any. */
  public static Optional<Identity> identity(ServletRequest request) {
    Objects.requireNonNull(request, "request");
    return request.getAttribute(IDENTITY_ATTRIBUTE) instanceof Identity i ? Optional.of(i) : Optional.empty();
  }

  /** The current access token of {@code request}'s user, to send as a bearer token downstream. */
  public static Optional<String> accessToken(ServletRequest request) {
    return identity(request).map(Identity::accessToken);
  }
}
