package io.portcullis.servlet;

import io.portcullis.core.ClientCredentialsTokenSource;
import io.portcullis.core.DownstreamHeaders;
import io.portcullis.core.Identity;
import io.portcullis.core.Portcullis;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRequest;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

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

  /** The servlet context attribute holding the filter's engine, for {@link #downstreamHeaders}. */
  static final String ENGINE_ATTRIBUTE = "io.portcullis.engine";

  /**
   * The headers that carry the current user's access token on one downstream request to {@code uri}
   * with {@code method}: {@code Authorization: Bearer <token>}, or with {@code dpop=true} and a
   * DPoP-bound token {@code Authorization: DPoP <token>} and a fresh {@code DPoP} proof (RFC 9449
   * §7) for exactly that method and URL; empty when {@code request} has no login. Make new headers
   * for each request (a proof is single-use): {@code PortcullisRequests.downstreamHeaders(request,
   * "GET", uri).ifPresent(h -> h.asMap().forEach(builder::header))}.
   *
   * @param method the downstream request's HTTP method in upper case, e.g. {@code GET}
   * @param uri the downstream request's absolute http(s) URL
   * @throws IllegalArgumentException when {@code method} or {@code uri} is not one
   * @throws IllegalStateException when no {@link PortcullisFilter} has started in this application
   */
  public static Optional<DownstreamHeaders> downstreamHeaders(
      ServletRequest request, String method, URI uri) {
    return downstreamHeaders(request, method, uri, null);
  }

  /**
   * The same, with the {@code nonce} the resource server asked for in its {@code DPoP-Nonce} header
   * (RFC 9449 §9): after its {@code 401} with {@code error="use_dpop_nonce"}, retry once with new
   * headers made with that nonce. Ignored for a token that is not DPoP-bound.
   */
  public static Optional<DownstreamHeaders> downstreamHeaders(
      ServletRequest request, String method, URI uri, @Nullable String nonce) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(uri, "uri");
    if (!(request.getServletContext().getAttribute(ENGINE_ATTRIBUTE)
        instanceof Portcullis engine)) {
      throw new IllegalStateException("no PortcullisFilter has started in this application");
    }
    return identity(request).map(i -> engine.downstreamHeaders(i, method, uri, nonce));
  }

  /** The logged-in user of {@code request}, if any. */
  public static Optional<Identity> identity(ServletRequest request) {
    Objects.requireNonNull(request, "request");
    return request.getAttribute(IDENTITY_ATTRIBUTE) instanceof Identity i
        ? Optional.of(i)
        : Optional.empty();
  }

  /**
   * The current access token of {@code request}'s user, to send as a bearer token downstream. With
   * {@code dpop=true} the token may be DPoP-bound: use {@link #downstreamHeaders} then.
   */
  public static Optional<String> accessToken(ServletRequest request) {
    return identity(request).map(Identity::accessToken);
  }
}
