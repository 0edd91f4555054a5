package io.portcullis.samples.legacy;

import io.portcullis.core.Identity;
import io.portcullis.samples.pages.Pages;
import io.portcullis.servlet.PortcullisRequests;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.TreeSet;

/**
 * {@code /me}: the login as JSON: user, granted scopes, roles, when the access token expires (epoch
 * seconds) and a fingerprint of it (never the token itself).
 */
public class MeServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    Identity identity = PortcullisRequests.identity(request).orElse(null);
    String token = PortcullisRequests.accessToken(request).orElse(null);
    if (identity == null || token == null) { // cannot happen behind the filter's rules
      response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
      Pages.sendJson(response, "{\"error\":\"unauthorized\"}");
      return;
    }
    Pages.sendJson(
        response,
        "{\"user\":"
            + Pages.json(request.getRemoteUser())
            + ",\"scopes\":"
            + Pages.json(new TreeSet<>(identity.scopes()))
            + ",\"roles\":"
            + Pages.json(new TreeSet<>(identity.roles()))
            + ",\"expiresAt\":"
            + identity.tokens().expiresAt().getEpochSecond()
            + ",\"tokenHash\":"
            + Pages.json(Pages.fingerprint(token))
            + "}");
  }
}
