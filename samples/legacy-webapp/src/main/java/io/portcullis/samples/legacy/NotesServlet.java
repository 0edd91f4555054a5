package io.portcullis.samples.legacy;

import io.portcullis.samples.pages.Pages;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code /notes}: a form that needs a login (rule {@code /** authenticated}), to try {@code
 * preserve-post}: open it, let the session expire (or delete the session cookie), submit it, log in
 * again, and the note arrives as if no login had happened. GET shows the form; POST shows every
 * parameter received, in order, as JSON strings, and how many notes this page has received.
 */
public class NotesServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  private final AtomicInteger received = new AtomicInteger();

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    String ctx = Pages.html(request.getContextPath());
    String body =
        "<p>Write a note. If your session ends before you save it, Portcullis keeps the form"
            + " across the new login (<code>preserve-post</code>) and sends it on afterwards.</p>"
            + "<form method=\"post\" action=\""
            + ctx
            + "/notes?from=form\">"
            + "<p><label>Title <input name=\"title\" size=\"40\"></label></p>"
            + "<p><label>Note<br><textarea name=\"text\" rows=\"6\" cols=\"60\"></textarea>"
            + "</label></p>"
            + "<p><label><input type=\"checkbox\" name=\"tag\" value=\"work\" checked> work</label>"
            + " <label><input type=\"checkbox\" name=\"tag\" value=\"urgent &amp; &lt;b&gt;\""
            + " checked> urgent</label></p>"
            + "<input type=\"hidden\" name=\"draft\" value=\"1 &quot;&lt;&amp;&gt;&quot;\">"
            + "<input type=\"hidden\" name=\"empty\" value=\"\">"
            + "<p><button type=\"submit\" id=\"save\">Save</button></p></form>"
            + "<p id=\"count\">Notes received: "
            + received.get()
            + "</p>";
    Pages.sendHtml(request, response, "Notes", body);
  }

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    request.setCharacterEncoding("UTF-8"); // the form's page is UTF-8
    int count = received.incrementAndGet();
    StringBuilder params = new StringBuilder();
    for (String name : Collections.list(request.getParameterNames())) {
      for (String value : request.getParameterValues(name)) {
        params.append(Pages.json(name)).append('=').append(Pages.json(value)).append('\n');
      }
    }
    String body =
        "<p>Saved for <b>"
            + Pages.html(String.valueOf(request.getRemoteUser()))
            + "</b>.</p><pre id=\"params\">"
            + Pages.html(params.toString())
            + "</pre><p id=\"count\">Notes received: "
            + count
            + "</p>";
    Pages.sendHtml(request, response, "Note saved", body);
  }
}
