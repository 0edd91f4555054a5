package io.portcullis.samples.pages;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Iterator;

/** Writing HTML and JSON by hand: escaping, a page frame, JSON literals. */
public final class Pages {
  /** The navigation bar: path under the context path, label (HTML). */
  private static final String[][] NAVIGATION = {
    {"/", "Home"},
    {"/profile", "Profile"},
    {"/reports", "Reports"},
    {"/admin", "Admin"},
    {"/api/data", "API data"},
    {"/me", "/me"},
    {"/m2m", "/m2m"}
  };

  private Pages() {}

  /** Escapes text for HTML element content and quoted attribute values. */
  public static String html(String s) {
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /** A JSON string literal (RFC 8259 §7), safe to embed in HTML as well. */
  public static String json(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '<' -> out.append("\\u003c");
        case '>' -> out.append("\\u003e");
        case '&' -> out.append("\\u0026");
        case '\u2028' -> out.append("\\u2028");
        case '\u2029' -> out.append("\\u2029");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  /** A JSON array of strings. */
  public static String json(Collection<String> values) {
    StringBuilder out = new StringBuilder("[");
    for (Iterator<String> it = values.iterator(); it.hasNext(); ) {
      out.append(json(it.next()));
      if (it.hasNext()) {
        out.append(',');
      }
    }
    return out.append(']').toString();
  }

  /** The first 16 hex digits of the SHA-256 of {@code token}: shows which token, not the token. */
  public static String fingerprint(String token) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  /**
   * Sends an HTML page; {@code title} is text, {@code bodyHtml} is already escaped HTML. The
   * navigation links stay under the request's context path (a WAR deployed at {@code /legacy}).
   */
  public static void sendHtml(
      HttpServletRequest request, HttpServletResponse response, String title, String bodyHtml)
      throws IOException {
    String ctx = html(request.getContextPath());
    response.setContentType("text/html");
    response.setCharacterEncoding("UTF-8");
    response.setHeader("Cache-Control", "no-store");
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader(
        "Content-Security-Policy",
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
    PrintWriter out = response.getWriter();
    out.print("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>");
    out.print(html(title));
    out.print(
        " · Portcullis sample</title><style>body{font-family:system-ui,sans-serif;"
            + "max-width:44em;margin:3em auto;padding:0 1em}nav a{margin-right:1em}code{background:#eee}</style>"
            + "</head><body><nav>");
    for (String[] link : NAVIGATION) {
      out.print("<a href=\"" + ctx + link[0] + "\">" + link[1] + "</a>");
    }
    out.print("</nav><h1>");
    out.print(html(title));
    out.print("</h1>");
    out.print(bodyHtml);
    out.print("</body></html>");
  }

  /** Sends a JSON document built by hand. */
  public static void sendJson(HttpServletResponse response, String json) throws IOException {
    response.setContentType("application/json");
    response.setCharacterEncoding("UTF-8");
    response.setHeader("Cache-Control", "no-store");
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.getWriter().print(json);
  }
}
