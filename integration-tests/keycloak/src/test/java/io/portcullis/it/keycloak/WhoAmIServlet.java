package io.portcullis.it.keycloak;

import io.portcullis.servlet.PortcullisRequests;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Principal;
import java.util.HexFormat;
import java.util.List;

/**
 * What a legacy page of the migrated apps learns from the container: {@code getRemoteUser()}, the
 * name of {@code getUserPrincipal()} and {@code isUserInRole} for the realm's and the clients' role
 * names, as lines {@code name=value}, and a digest of the access token (never the token) so that a
 * refresh shows. With the parameter {@code logout} it first calls {@code request.logout()}, as the
 * adapters' applications did.
 */
public class WhoAmIServlet extends HttpServlet {
  private static final List<String> ROLES = List.of("user", "admin", "editor", "viewer", "reader");

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException, ServletException {
    if (request.getParameter("logout") != null) {
      request.logout();
    }
    response.setContentType("text/plain;charset=UTF-8");
    StringBuilder out = new StringBuilder();
    out.append("user=").append(request.getRemoteUser()).append('\n');
    Principal principal = request.getUserPrincipal();
    out.append("principal=").append(principal == null ? null : principal.getName()).append('\n');
    for (String role : ROLES) {
      out.append("role.").append(role).append('=').append(request.isUserInRole(role)).append('\n');
    }
    String token = PortcullisRequests.accessToken(request).orElse("");
    out.append("token=").append(digest(token)).append('\n');
    response.getWriter().write(out.toString());
  }

  /** The first 8 bytes of the token's SHA-256, hex: shows that a token changed, never the token. */
  static String digest(String token) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
