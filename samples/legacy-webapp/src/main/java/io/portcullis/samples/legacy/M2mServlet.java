package io.portcullis.samples.legacy;

import io.portcullis.core.ClientCredentialsException;
import io.portcullis.samples.pages.Pages;
import io.portcullis.servlet.PortcullisRequests;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;

/**
 * {@code /m2m}: the application calls its own {@code /api/data} as a machine, with a
 * client-credentials token from Portcullis (scope {@code read:data}), and shows the answer.
 */
public class M2mServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    String token;
    try {
      token = PortcullisRequests.clientCredentials(request).token(Set.of("read:data"));
    } catch (ClientCredentialsException e) {
      Pages.sendHtml(
          request,
          response,
          "Machine to machine",
          "<p>No client-credentials token: "
              + Pages.html(e.error())
              + "</p><p><a href=\""
              + request.getContextPath()
              + "/profile\">Back</a></p>");
      return;
    }
    // Call ourselves on the loopback connector: never a URL built from the request's Host header,
    // which a client controls and which would receive the token.
    URI api =
        URI.create(
            "http://127.0.0.1:" + request.getLocalPort() + request.getContextPath() + "/api/data");
    String status;
    String body;
    try {
      HttpResponse<String> answer =
          CLIENT.send(
              HttpRequest.newBuilder(api)
                  .timeout(Duration.ofSeconds(5))
                  .header("Authorization", "Bearer " + token)
                  .header("Accept", "application/json")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      status = Integer.toString(answer.statusCode());
      body = answer.body();
    } catch (IOException e) {
      status = "unreachable";
      body = "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      status = "interrupted";
      body = "";
    }
    Pages.sendHtml(
        request,
        response,
        "Machine to machine",
        "<p>Client-credentials token for <code>read:data</code> (SHA-256 prefix <code>"
            + Pages.fingerprint(token)
            + "</code>), cached and refreshed ahead of expiry by Portcullis.</p>"
            + "<p><code>GET /api/data</code> with it answered <b id=\"status\">"
            + Pages.html(status)
            + "</b>:</p>"
            + "<pre id=\"body\">"
            + Pages.html(body)
            + "</pre>"
            + "<p><a href=\""
            + request.getContextPath()
            + "/profile\">Back to the profile</a></p>");
  }
}
