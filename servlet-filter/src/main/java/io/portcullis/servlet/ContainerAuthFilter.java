package io.portcullis.servlet;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The first filter of an application under container-managed security ({@link
 * PortcullisContainerAuth} registers it as {@code portcullis-container-auth}): it makes sure that
 * every request went through {@link PortcullisAuthModule} and that the application sees the request
 * the module prepared.
 *
 * <p>Tomcat calls the module for every request and passes its request on; this filter then has
 * nothing to do. Jetty 12 calls it before the application only for a resource with a constraint,
 * and for the others only when the application asks for the user; the callback and logout
 * endpoints, the path checks and the hiding of identity headers would be skipped. Here the filter
 * asks for the user, which makes Jetty run the module, and hands the application the module's
 * request. A request that no module saw (a container that left Jakarta Authentication out of its
 * security handler) is refused with {@code 503}, never served unchecked.
 */
final class ContainerAuthFilter implements Filter {
  private static final System.Logger LOG = System.getLogger("io.portcullis");

  /**
   * The request attribute under which the filter leaves the {@link Exchange} for the module, which
   * Jetty calls from within the servlet layer without them.
   */
  static final String EXCHANGE_ATTRIBUTE = "io.portcullis.servlet.container-auth.exchange";

  /** The servlet request and response of the exchange, as the container gave them. */
  record Exchange(HttpServletRequest request, HttpServletResponse response) {}

  private final AtomicBoolean reported = new AtomicBoolean();

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    if (req instanceof PortcullisRequest
        || !(req instanceof HttpServletRequest request)
        || !(res instanceof HttpServletResponse response)) {
      chain.doFilter(req, res);
      return;
    }
    request.setAttribute(EXCHANGE_ATTRIBUTE, new Exchange(request, response));
    Object result = request.getAttribute(PortcullisAuthModule.RESULT_ATTRIBUTE);
    if (result == null) {
      request.getUserPrincipal(); // runs the module where the container defers it (Jetty)
      result = request.getAttribute(PortcullisAuthModule.RESULT_ATTRIBUTE);
    }
    if (result instanceof PortcullisRequest wrapped) {
      chain.doFilter(wrapped, res);
      return;
    }
    if (PortcullisAuthModule.ANSWERED.equals(result) || response.isCommitted()) {
      return; // the module answered: a login on its way, the callback, a refusal
    }
    if (reported.compareAndSet(false, true)) {
      LOG.log(
          Level.ERROR,
          "portcullis: container-auth=true, but the container did not call Portcullis's Jakarta"
              + " Authentication module for "
              + request.getContextPath()
              + "/: its security handler must use Jakarta Authentication (on Jetty, the"
              + " ee11-jaspi module; README \"Container-managed security\"); requests are"
              + " refused with 503");
    }
    response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
  }
}
