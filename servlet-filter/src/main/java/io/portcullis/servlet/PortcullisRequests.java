package io.portcullis.servlet;

import io.portcullis.core.ClientCredentialsTokenSource;
import io.portcullis.core.Identity;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRequest;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads the current login from a request that passed {@link PortcullisFilter}: the identity and the
 * access token, for calls to downstream APIs. Holds no state of its own (no static or thread-local
 * state): the request the filter passes on carries the identity.
 */
public final class PortcullisRequests {
  /**
   * The request attribute holding the {@link Identity} while a request runs. The request the filter
   * passes on answers it (and so does every wrapper of that request); it is not stored in the
   * container's attribute map, so a request the container hands out anew (an async dispatch of the
   * original request) does not carry it, just as it does not carry {@code getRemoteUser()}.
   */
  public static final String IDENTITY_ATTRIBUTE = "io.portcullis.identity";

  private PortcullisRequests() {}

  /**
   * With {@code container-error-pages}: the request attribute holding the stable reason code
   * (README "Reason codes", e.g. {@code scope.missing}, {@code login.unavailable}, {@code
   * state.mismatch}) of the refusal the application's error page is showing. Set only on a
   * Portcullis refusal, beside the container's own {@code jakarta.servlet.error.*} attributes; like
   * the others below, it never holds a token, a code, a secret or request data.
   */
  public static final String REASON_ATTRIBUTE = "io.portcullis.reason";

  /** With {@code container-error-pages}: the reason's sentence for people (a {@code String}). */
  public static final String MESSAGE_ATTRIBUTE = "io.portcullis.message";

  /** With {@code container-error-pages}: the status Portcullis answered (an {@code Integer}). */
  public static final String STATUS_ATTRIBUTE = "io.portcullis.status";

  /**
   * With {@code container-error-pages}: after a failed login (the callback), the path of this
   * application that starts a new one, for a "start again" link; absent otherwise.
   */
  public static final String RETRY_URL_ATTRIBUTE = "io.portcullis.retry-url";

  /** The servlet context attribute holding the filter's {@link ClientCredentialsTokenSource}. */
  public static final String CLIENT_CREDENTIALS_ATTRIBUTE = "io.portcullis.client-credentials";

  /**
   * The client-credentials token source of the filter protecting {@code request}'s application, for
   * the application's own machine-to-machine calls: {@code
   * PortcullisRequests.clientCredentials(request).token(Set.of("read:data"))}.
   *
   * @throws IllegalStateException when no {@link PortcullisFilter} has started in this application
   */
  public static ClientCredentialsTokenSource clientCredentials(ServletRequest request) {
    Objects.requireNonNull(request, "request");
    return clientCredentials(request.getServletContext());
  }

  /** The same, from the servlet context (for code that runs outside a request). */
  public static ClientCredentialsTokenSource clientCredentials(ServletContext context) {
    Objects.requireNonNull(context, "context");
    if (context.getAttribute(CLIENT_CREDENTIALS_ATTRIBUTE)
        instanceof ClientCredentialsTokenSource source) {
      return source;
    }
    throw new IllegalStateException("no PortcullisFilter has started in this application");
  }

  /** The logged-in user of {@code request}, if any. */
  public static Optional<Identity> identity(ServletRequest request) {
    Objects.requireNonNull(request, "request");
    return request.getAttribute(IDENTITY_ATTRIBUTE) instanceof Identity i
        ? Optional.of(i)
        : Optional.empty();
  }

  /** The current access token of {@code request}'s user, to send as a bearer token downstream. */
  public static Optional<String> accessToken(ServletRequest request) {
    return identity(request).map(Identity::accessToken);
  }
}
