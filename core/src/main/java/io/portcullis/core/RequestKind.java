package io.portcullis.core;

import java.util.Locale;

/** Tells an API request from a browser navigation, as SPEC.md "Responses" defines it. */
final class RequestKind {
  private RequestKind() {}

  /**
   * True for {@code X-Requested-With: XMLHttpRequest}, {@code Sec-Fetch-Mode} other than {@code
   * navigate}, {@code Sec-Fetch-Dest} other than {@code document}, an {@code Accept} header that
   * does not accept {@code text/html}, an {@code Authorization} header, or a method other than
   * {@code GET} and {@code HEAD} (THREATS "API-401": an unauthenticated POST is never replayed
   * after a login, C-07).
   */
  static boolean isApi(HttpExchange exchange) {
    String method = exchange.method();
    return !(method.equals("GET") || method.equals("HEAD")) || isApiByHeaders(exchange);
  }

  /**
   * The header tests alone, for Portcullis's own endpoints, where a browser legitimately POSTs
   * (a {@code form_post} callback, the logout form).
   */
  static boolean isApiByHeaders(HttpExchange exchange) {
    String xrw = exchange.header("X-Requested-With");
    if (xrw != null && xrw.equalsIgnoreCase("XMLHttpRequest")) {
      return true;
    }
    String mode = exchange.header("Sec-Fetch-Mode");
    if (mode != null && !mode.equalsIgnoreCase("navigate")) {
      return true;
    }
    String dest = exchange.header("Sec-Fetch-Dest");
    if (dest != null && !dest.equalsIgnoreCase("document")) {
      return true;
    }
    if (exchange.header("Authorization") != null) {
      return true;
    }
    String accept = exchange.header("Accept");
    return accept != null && !acceptsHtml(accept);
  }

  static boolean acceptsHtml(String accept) {
    for (String part : accept.split(",")) {
      String[] pieces = part.split(";");
      if (pieces.length == 0) {
        continue; // ";;;" splits into nothing: found by HostileInputTest (was a 500)
      }
      String type = pieces[0].trim().toLowerCase(Locale.ROOT);
      if (!(type.equals("text/html") || type.equals("text/*") || type.equals("*/*"))) {
        continue;
      }
      boolean zero = false;
      for (int i = 1; i < pieces.length; i++) {
        String p = pieces[i].trim().toLowerCase(Locale.ROOT).replace(" ", "");
        if (p.equals("q=0") || p.equals("q=0.0") || p.equals("q=0.00") || p.equals("q=0.000")) {
          zero = true;
        }
      }
      if (!zero) {
        return true;
      }
    }
    return false;
  }
}
