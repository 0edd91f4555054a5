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
    String user = request.getRemoteUser();
    String body =
        user == null
            ? "<p>You are not logged in. This page is public; every other page asks Portcullis first.</p>"
                + "<p><a href=\"/profile\">Log in</a></p>"
            : "<p>You are logged in as <b>"
                + Pages.html(user)
                + "</b>.</p>"
                + "<p><a href=\"/profile\">Your profile</a> · <a href=\"/logout\">Log out</a></p>";
    Pages.sendHtml(response, "Welcome", body);
  }
}
