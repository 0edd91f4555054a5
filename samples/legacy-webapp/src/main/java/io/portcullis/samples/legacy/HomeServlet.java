package io.portcullis.samples.legacy;

import io.portcullis.samples.pages.Pages;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** {@code /}: public (rule {@code / permit}); tells whether the visitor is logged in. */
public class HomeServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    // Links under the context path the WAR is deployed at (/legacy, /apps/legacy, or the root).
    String ctx = Pages.html(request.getContextPath());
    String user = request.getRemoteUser();
    String body =
        user == null
            ? "<p>You are not logged in. This page is public; every other page asks Portcullis first.</p>"
                + "<p><a href=\""
                + ctx
                + "/profile\">Log in</a></p>"
            : "<p>You are logged in as <b>"
                + Pages.html(user)
                + "</b>.</p>"
                + "<p><a href=\""
                + ctx
                + "/profile\">Your profile</a> · <a href=\""
                + ctx
                + "/logout\">Log out</a></p>";
    Pages.sendHtml(request, response, "Welcome", body);
  }
}
