package io.portcullis.samples.legacy.containerauth;

import io.portcullis.samples.pages.Pages;
import io.portcullis.servlet.PortcullisRequests;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.Principal;
import org.jspecify.annotations.Nullable;

/**
 * What the application sees of the login, as JSON: {@code getRemoteUser}, {@code getUserPrincipal}
 * (name and class), {@code getAuthType}, {@code isUserInRole} for {@code read:data} and {@code
 * admin}, and Portcullis's identity. {@code ?logout} calls {@code request.logout()} first.
 */
public class PageServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException, ServletException {
    if (request.getParameter("logout") != null) {
      request.logout();
    }
    Principal principal = request.getUserPrincipal();
    Pages.sendJson(
        response,
        "{\"path\":"
            + json(request.getRequestURI())
            + ",\"remoteUser\":"
            + json(request.getRemoteUser())
            + ",\"principal\":"
            + json(principal == null ? null : principal.getName())
            + ",\"principalClass\":"
            + json(principal == null ? null : principal.getClass().getSimpleName())
            + ",\"authType\":"
            + json(request.getAuthType())
            + ",\"read:data\":"
            + request.isUserInRole("read:data")
            + ",\"admin\":"
            + request.isUserInRole("admin")
            + ",\"identity\":"
            + json(PortcullisRequests.identity(request).map(i -> i.name()).orElse(null))
            + "}");
  }

  private static String json(@Nullable String value) {
    return value == null ? "null" : Pages.json(value);
  }
}
