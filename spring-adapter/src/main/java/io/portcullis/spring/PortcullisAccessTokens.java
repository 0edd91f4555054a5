package io.portcullis.spring;

import io.portcullis.core.DownstreamHeaders;
import io.portcullis.core.Identity;
import io.portcullis.servlet.PortcullisRequests;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.Optional;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * The current user's login, for code that has no {@code HttpServletRequest} at hand: reads the
 * request Spring MVC is handling on this thread ({@link RequestContextHolder}) and asks {@link
 * PortcullisRequests}. Holds no state; empty outside a request or when nobody is logged in.
 */
public class PortcullisAccessTokens {

  /** Creates the accessor; the auto-configuration exposes one as a bean. */
  public PortcullisAccessTokens() {}

  /**
   * The current user's access token, to send as {@code Authorization: Bearer} downstream; with
   * {@code dpop=true} use {@link #downstreamHeaders} instead.
   */
  public Optional<String> current() {
    return currentRequest().flatMap(PortcullisRequests::accessToken);
  }

  /**
   * The headers that carry the current user's access token on one downstream request ({@link
   * PortcullisRequests#downstreamHeaders}): {@code Authorization}, and with a DPoP-bound token a
   * fresh {@code DPoP} proof for {@code method} and {@code uri}.
   */
  public Optional<DownstreamHeaders> downstreamHeaders(String method, URI uri) {
    return currentRequest()
        .flatMap(request -> PortcullisRequests.downstreamHeaders(request, method, uri));
  }

  /** The current user's identity: subject, claims, granted scopes and the access token. */
  public Optional<Identity> currentIdentity() {
    return currentRequest().flatMap(PortcullisRequests::identity);
  }

  private static Optional<HttpServletRequest> currentRequest() {
    RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
    return attributes instanceof ServletRequestAttributes servlet
        ? Optional.of(servlet.getRequest())
        : Optional.empty();
  }
}
