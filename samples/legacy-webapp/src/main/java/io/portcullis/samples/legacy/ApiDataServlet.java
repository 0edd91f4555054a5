package io.portcullis.samples.legacy;

import io.portcullis.samples.pages.Pages;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** {@code /api/data}: JSON, needs the scope {@code read:data}. */
public class ApiDataServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    Pages.sendJson(
        response,
        "{\"user\":"
            + Pages.json(request.getRemoteUser())
            + ",\"data\":[{\"id\":1,\"name\":\"alpha\"},{\"id\":2,\"name\":\"beta\"}]}");
  }
}
