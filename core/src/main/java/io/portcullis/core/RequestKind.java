package io.portcullis.core;

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
   * The header tests alone, for Portcullis's own endpoints, where a browser legitimately POSTs (a
   * {@code form_post} callback, the logout form).
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

  /**
   * Whether an {@code Accept} header accepts {@code text/html} ({@code text/html}, {@code text/*}
   * or {@code *}{@code /*} without {@code q=0}). Scans the header in place: this runs on every
   * request, so it allocates nothing.
   */
  static boolean acceptsHtml(String accept) {
    int length = accept.length();
    int start = 0;
    while (start <= length) {
      int end = accept.indexOf(',', start);
      if (end < 0) {
        end = length;
      }
      if (rangeAcceptsHtml(accept, start, end)) {
        return true;
      }
      start = end + 1;
    }
    return false;
  }

  /** One media range {@code accept[from, to)}: an HTML type and no {@code q=0}. */
  private static boolean rangeAcceptsHtml(String accept, int from, int to) {
    int semicolon = accept.indexOf(';', from);
    int typeEnd = semicolon < 0 || semicolon > to ? to : semicolon;
    int a = skipSpaces(accept, from, typeEnd);
    int b = typeEnd;
    while (b > a && accept.charAt(b - 1) <= ' ') {
      b--;
    }
    if (!(isType(accept, a, b, "text/html")
        || isType(accept, a, b, "text/*")
        || isType(accept, a, b, "*/*"))) {
      return false;
    }
    int p = typeEnd;
    while (p < to) {
      int next = accept.indexOf(';', p + 1);
      int paramEnd = next < 0 || next > to ? to : next;
      if (isZeroQuality(accept, p + 1, paramEnd)) {
        return false;
      }
      p = paramEnd;
    }
    return true;
  }

  private static boolean isType(String s, int from, int to, String type) {
    return to - from == type.length() && s.regionMatches(true, from, type, 0, type.length());
  }

  /** {@code q=0}, {@code q=0.0}, {@code q=0.00} or {@code q=0.000}, spaces allowed around. */
  private static boolean isZeroQuality(String s, int from, int to) {
    int i = skipSpaces(s, from, to);
    if (i + 1 >= to || (s.charAt(i) != 'q' && s.charAt(i) != 'Q')) {
      return false;
    }
    i = skipSpaces(s, i + 1, to);
    if (i >= to || s.charAt(i) != '=') {
      return false;
    }
    i = skipSpaces(s, i + 1, to);
    if (i >= to || s.charAt(i) != '0') {
      return false;
    }
    i++;
    if (i < to && s.charAt(i) == '.') {
      i++;
      int zeros = 0;
      while (i < to && s.charAt(i) == '0' && zeros < 3) {
        i++;
        zeros++;
      }
    }
    return skipSpaces(s, i, to) == to;
  }

  private static int skipSpaces(String s, int from, int to) {
    int i = from;
    while (i < to && s.charAt(i) <= ' ') {
      i++;
    }
    return i;
  }
}
