package io.portcullis.samples.legacy;

import io.portcullis.samples.pages.Pages;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** {@code /reports}: a {@code GET} needs the scope {@code read:reports}. */
public class ReportsServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    Pages.sendHtml(
        request,
        response,
        "Reports",
        "<p>Quarterly reports for <b>"
            + Pages.html(request.getRemoteUser())
            + "</b>: everything is fine.</p><p>This page needs the scope <code>read:reports</code>, which the login did"
            + " not ask for: Portcullis asked the provider for it when you first came here.</p>");
  }
}
