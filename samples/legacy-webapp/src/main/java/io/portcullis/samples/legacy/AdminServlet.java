package io.portcullis.samples.legacy;

import io.portcullis.samples.pages.Pages;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** {@code /admin}: needs the scope {@code admin}. */
public class AdminServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    Pages.sendHtml(
        request,
        response,
        "Administration",
        "<p>Welcome, administrator <b>"
            + Pages.html(request.getRemoteUser())
            + "</b>.</p><p><code>request.isUserInRole(\"admin\")</code> is <b>"
            + request.isUserInRole("admin")
            + "</b>: a granted scope counts as a role.</p>");
  }
}
