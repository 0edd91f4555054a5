package io.portcullis.samples.legacy;

import io.portcullis.samples.pages.Pages;
import io.portcullis.servlet.PortcullisRequests;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * {@code /error}: the application's own error page, which {@code web.xml} maps to {@code 400},
 * {@code 403} and {@code 503}. With {@code container-error-pages} listing those statuses, the
 * browser answers of Portcullis for them come here too (an {@code ERROR} dispatch, allowed to
 * everyone by the rule {@code /error permit}), with the reason code in the request attribute {@code
 * io.portcullis.reason} and its sentence in {@code io.portcullis.message}.
 *
 * <p>It shows the status, a sentence and the reason code, all escaped; never the exception, the
 * container's message or anything else from the request. The status is the response's (set by
 * {@code sendError} before the dispatch), so no {@code jakarta.servlet.error.*} name is needed.
 */
public class ErrorPageServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  /** Every method: an error dispatch keeps the method of the request that failed. */
  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    if (request.getDispatcherType() != DispatcherType.ERROR) {
      // Opened directly: there is no error to show.
      response.setStatus(HttpServletResponse.SC_NOT_FOUND);
      Pages.sendHtml(request, response, "Not found", "<p>There is no error to show here.</p>");
      return;
    }
    int status = response.getStatus();
    String reason = attribute(request, PortcullisRequests.REASON_ATTRIBUTE);
    String message = attribute(request, PortcullisRequests.MESSAGE_ATTRIBUTE);
    String retryUrl = attribute(request, PortcullisRequests.RETRY_URL_ATTRIBUTE);
    StringBuilder body = new StringBuilder("<div id=\"sample-error-page\">");
    body.append("<p>Status <b id=\"status\">").append(status).append("</b></p>");
    body.append("<p id=\"message\">")
        .append(Pages.html(message != null ? message : sentence(status)))
        .append("</p>");
    if (reason != null) {
      body.append("<p>Reason: <code id=\"reason\">")
          .append(Pages.html(reason))
          .append("</code></p>");
    }
    if (retryUrl != null) {
      body.append("<p><a href=\"").append(Pages.html(retryUrl)).append("\">Sign in again</a></p>");
    }
    body.append("<p><a href=\"")
        .append(Pages.html(request.getContextPath() + "/"))
        .append("\">Back to the home page</a></p></div>");
    Pages.sendHtml(request, response, title(status), body.toString());
  }

  private static String attribute(HttpServletRequest request, String name) {
    return request.getAttribute(name) instanceof String value ? value : null;
  }

  private static String title(int status) {
    return switch (status) {
      case 400 -> "Bad request";
      case 403 -> "Access refused";
      case 503 -> "Temporarily unavailable";
      default -> "Error " + status;
    };
  }

  /** For an error that does not come from Portcullis (no reason attributes). */
  private static String sentence(int status) {
    return switch (status) {
      case 400 -> "The request cannot be accepted.";
      case 403 -> "You may not open this page.";
      case 503 -> "The service is not available right now. Please try again shortly.";
      default -> "Something went wrong.";
    };
  }
}
