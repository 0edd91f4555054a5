package io.portcullis.samples.legacy;

import io.portcullis.core.Identity;
import io.portcullis.samples.pages.Pages;
import io.portcullis.servlet.PortcullisRequests;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.TreeSet;

/**
 * {@code /profile}: needs a login (rule {@code /** authenticated}); shows the user, the granted
 * scopes and when the access token expires, with links to the other pages and to log out.
 */
public class ProfileServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    // Links under the context path the WAR is deployed at (/legacy, /apps/legacy, or the root).
    String ctx = Pages.html(request.getContextPath());
    Identity identity = PortcullisRequests.identity(request).orElse(null);
    if (identity == null) { // cannot happen behind the filter's rules; answer sensibly anyway
      response.sendError(HttpServletResponse.SC_UNAUTHORIZED);
      return;
    }
    Instant expiresAt = identity.tokens().expiresAt();
    long left = Math.max(0, Duration.between(Instant.now(), expiresAt).toSeconds());
    StringBuilder scopes = new StringBuilder("<ul>");
    for (String scope : new TreeSet<>(identity.scopes())) {
      scopes.append("<li><code>").append(Pages.html(scope)).append("</code></li>");
    }
    scopes.append("</ul>");
    String body =
        "<p>Logged in as <b>"
            + Pages.html(request.getRemoteUser())
            + "</b>"
            + " (subject <code>"
            + Pages.html(identity.subject())
            + "</code>, issuer <code>"
            + Pages.html(identity.issuer())
            + "</code>).</p>"
            + "<h2>Granted scopes</h2>"
            + scopes
            + "<p>The access token expires at <b>"
            + Pages.html(expiresAt.toString())
            + "</b> (in "
            + left
            + " s).</p>"
            + "<h2>Try</h2><ul>"
            + "<li><a href=\""
            + ctx
            + "/reports\">/reports</a>: needs <code>read:reports</code> (asked for on demand)</li>"
            + "<li><a href=\""
            + ctx
            + "/admin\">/admin</a>: needs <code>admin</code> (granted to the user <code>admin</code> only)</li>"
            + "<li><a href=\""
            + ctx
            + "/api/data\">/api/data</a>: needs <code>read:data</code> (JSON)</li>"
            + "<li><a href=\""
            + ctx
            + "/me\">/me</a>: the login as JSON</li>"
            + "<li><a href=\""
            + ctx
            + "/m2m\">/m2m</a>: the app calls its own <code>/api/data</code> with a client-credentials token</li>"
            + "</ul><p><a href=\""
            + ctx
            + "/logout\">Log out</a></p>";
    Pages.sendHtml(request, response, "Profile", body);
  }
}
