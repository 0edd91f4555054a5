package io.portcullis.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Turns an {@link Outcome} other than {@link Outcome.Proceed} into status, headers and body, as
 * SPEC.md "Responses" lays them out: HTML pages for browsers, JSON for API requests. Bodies hold
 * fixed sentences and escaped names only: never a stack trace, request data, a token or a secret.
 */
public final class Responses {
  private Responses() {}

  /**
   * A rendered response.
   *
   * @param headers response headers in order, {@code Content-Type} included when there is a body
   */
  public record Response(int status, Map<String, String> headers, String body) {}

  /** Renders {@code outcome}; {@link Outcome.Proceed} has no response of its own. */
  public static Response render(Outcome outcome) {
    Objects.requireNonNull(outcome, "outcome");
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Cache-Control", "no-store");
    if (outcome instanceof Outcome.Redirect r) {
      h.put("Location", r.location());
      if (r.callbackHygiene()) {
        h.put("Referrer-Policy", "no-referrer");
      }
      return new Response(302, h, "");
    }
    if (outcome instanceof Outcome.Challenge c) {
      h.put("WWW-Authenticate", "Bearer");
      String loginUrl = c.loginUrl();
      if (loginUrl == null) {
        return json(
            401, h, "{\"error\":\"unauthorized\",\"error_description\":\"bearer token required\"}");
      }
      Reason ended = c.reason();
      return json(
          401,
          h,
          "{\"error\":\"unauthorized\",\"error_description\":\"login required\","
              + (ended == null ? "" : "\"reason\":" + quote(ended.code()) + ",")
              + "\"login_url\":"
              + quote(loginUrl)
              + "}");
    }
    if (outcome instanceof Outcome.InvalidToken) {
      h.put("WWW-Authenticate", "Bearer error=\"invalid_token\"");
      return json(401, h, "{\"error\":\"invalid_token\"}");
    }
    if (outcome instanceof Outcome.Forbidden f) {
      String scopes = String.join(" ", new TreeSet<>(f.missingScopes()));
      if (f.api()) {
        if (!scopes.isEmpty()) {
          h.put(
              "WWW-Authenticate", "Bearer error=\"insufficient_scope\", scope=\"" + scopes + "\"");
          return json(403, h, "{\"error\":\"insufficient_scope\",\"scope\":" + quote(scopes) + "}");
        }
        return json(403, h, "{\"error\":\"forbidden\"}");
      }
      return html(
          403,
          h,
          "Access denied",
          scopes.isEmpty()
              ? "<p>You may not open this page.</p>"
              : "<p>This page needs the scope"
                  + (f.missingScopes().size() > 1 ? "s" : "")
                  + " <b>"
                  + escape(scopes)
                  + "</b>, which your sign-in was not granted.</p>");
    }
    if (outcome instanceof Outcome.Unavailable u) {
      h.put("Retry-After", Long.toString(Math.max(1, u.retryAfter().toSeconds())));
      if (u.api()) {
        return json(
            503,
            h,
            "{\"error\":\"temporarily_unavailable\",\"error_description\":\"the identity provider cannot be reached\"}");
      }
      return html(
          503,
          h,
          "Sign-in unavailable",
          "<p>The identity provider cannot be reached right now. Please try again shortly.</p>");
    }
    if (outcome instanceof Outcome.Rejected r) {
      h.put("Referrer-Policy", "no-referrer");
      if (r.reason() == Reason.HEALTH_METHOD) {
        h.put("Allow", "GET, HEAD");
      }
      if (r.api()) {
        return json(
            r.status(),
            h,
            "{\"error\":"
                + quote(r.reason().error())
                + ",\"reason\":"
                + quote(r.error())
                + ",\"message\":"
                + quote(r.message())
                + "}");
      }
      String link =
          r.retryUrl() == null
              ? ""
              : "<p><a href=\"" + escape(r.retryUrl()) + "\">Start again</a></p>";
      return html(
          r.status(),
          h,
          titleFor(r.status()),
          "<p>"
              + escape(r.message())
              + "</p><p><small>Reason: "
              + escape(r.error())
              + "</small></p>"
              + link);
    }
    if (outcome instanceof Outcome.Health health) {
      Diagnostics d = health.diagnostics();
      return json(d.providerUp() ? 200 : 503, h, d.toHealthJson());
    }
    if (outcome instanceof Outcome.BackChannelLogout b) {
      h.put("Cache-Control", "no-cache, no-store"); // Back-Channel Logout 1.0 §2.8
      Reason refused = b.refused();
      if (refused == null) {
        return new Response(200, h, "");
      }
      return json(refused.status(), h, "{\"error\":" + quote(refused.error()) + "}");
    }
    if (outcome instanceof Outcome.FrontChannelLogout) {
      // Front-Channel Logout 1.0 §2: framed by the provider's page, never cached.
      h.put("Cache-Control", "no-cache, no-store");
      h.put("Content-Type", "text/html; charset=UTF-8");
      h.put("X-Content-Type-Options", "nosniff");
      h.put("Content-Security-Policy", "default-src 'none'");
      h.put("Referrer-Policy", "no-referrer");
      return new Response(
          200,
          h,
          "<!DOCTYPE html><html><head><title>Signed out</title></head><body></body></html>");
    }
    if (outcome instanceof Outcome.ClientJwks jwks) {
      h.put("Cache-Control", "max-age=300");
      h.put("Content-Type", "application/jwk-set+json");
      h.put("X-Content-Type-Options", "nosniff");
      return new Response(200, h, jwks.jwkSet());
    }
    if (outcome instanceof Outcome.ReplayPost replay) {
      return replayPost(h, replay);
    }
    if (outcome instanceof Outcome.Page p) {
      return html(p.status(), h, p.title(), p.htmlBody());
    }
    throw new IllegalArgumentException("Proceed is not a response");
  }

  /**
   * A browser error answer that the application's own error page may show instead of Portcullis's
   * ({@code container-error-pages}): what the page may tell the user, never request data, a token
   * or a secret.
   *
   * @param status the HTTP status
   * @param reason the stable reason code ({@link Reason#code()}, or a family member's code)
   * @param message the reason's sentence for people
   * @param retryUrl where a person may start over (a path of this application), or null
   * @param headers the response headers that still apply ({@code Cache-Control}, {@code
   *     Retry-After}, {@code Referrer-Policy}); the content type and the security headers of a page
   *     are the application page's
   */
  public record ErrorPage(
      int status,
      String reason,
      String message,
      @Nullable String retryUrl,
      Map<String, String> headers) {
    /** Validates and copies. */
    public ErrorPage {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(message, "message");
      headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }
  }

  private static final Set<String> ERROR_PAGE_HEADERS =
      Set.of("Cache-Control", "Retry-After", "Referrer-Policy");

  /**
   * The browser error answer of {@code outcome}, for the application's error page: a {@code 403}
   * ({@link Outcome.Forbidden}), a {@code 503} ({@link Outcome.Unavailable}) or a refusal ({@link
   * Outcome.Rejected}: the callback's {@code 400}, {@code 401}, {@code 403}, {@code 502}, a bad
   * path, a bad logout form) answered to a browser navigation; empty for an API request (answered
   * JSON), a redirect, a challenge and Portcullis's own pages.
   */
  public static Optional<ErrorPage> errorPage(Outcome outcome) {
    Objects.requireNonNull(outcome, "outcome");
    Reason reason;
    String code;
    String retryUrl = null;
    if (outcome instanceof Outcome.Forbidden f && !f.api()) {
      reason = f.reason();
      code = reason.code();
    } else if (outcome instanceof Outcome.Unavailable u && !u.api()) {
      reason = u.reason();
      code = reason.code();
    } else if (outcome instanceof Outcome.Rejected r && !r.api()) {
      reason = r.reason();
      code = r.error();
      retryUrl = r.retryUrl();
    } else {
      return Optional.empty();
    }
    Map<String, String> headers = new LinkedHashMap<>(render(outcome).headers());
    headers.keySet().retainAll(ERROR_PAGE_HEADERS);
    return Optional.of(new ErrorPage(reason.status(), code, reason.sentence(), retryUrl, headers));
  }

  /**
   * The page that posts a kept form once more (README "A form posted during a login"): hidden
   * fields, names and values escaped (line breaks and other controls as character references, so
   * that HTML parsing does not normalise them), submitted by an inline script that only this page's
   * nonce allows; a button for browsers without scripts. The form may go to this origin only
   * ({@code form-action 'self'}), and the callback's URL leaks to no one.
   */
  private static Response replayPost(Map<String, String> h, Outcome.ReplayPost replay) {
    String nonce = Randoms.token(18);
    h.put("Content-Type", "text/html; charset=UTF-8");
    h.put("X-Content-Type-Options", "nosniff");
    h.put("X-Frame-Options", "DENY");
    h.put("Referrer-Policy", "no-referrer");
    h.put(
        "Content-Security-Policy",
        "default-src 'none'; script-src 'nonce-"
            + nonce
            + "'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none';"
            + " frame-ancestors 'none'");
    StringBuilder page =
        new StringBuilder(256 + replay.fields().size() * 48)
            .append("<!DOCTYPE html><html><head><meta charset=\"utf-8\">")
            .append("<meta name=\"referrer\" content=\"no-referrer\">")
            .append("<title>Signing in</title>")
            .append(
                "<style>body{font-family:system-ui,sans-serif;max-width:40em;margin:4em auto;"
                    + "padding:0 1em}</style></head><body>")
            .append("<form id=\"portcullis-replay\" method=\"post\" action=\"")
            .append(escapeAttribute(replay.action()))
            .append("\" enctype=\"application/x-www-form-urlencoded\" accept-charset=\"")
            .append(escapeAttribute(replay.charset()))
            .append("\">");
    for (Outcome.ReplayPost.Field f : replay.fields()) {
      page.append("<input type=\"hidden\" name=\"")
          .append(escapeAttribute(f.name()))
          .append("\" value=\"")
          .append(escapeAttribute(f.value()))
          .append("\">");
    }
    page.append("<p>You are signed in. Sending the form you submitted&hellip;</p>")
        .append("<noscript><p><button type=\"submit\">Send the form</button></p></noscript>")
        .append("</form><script nonce=\"")
        .append(nonce)
        .append("\">HTMLFormElement.prototype.submit.call(")
        .append("document.getElementById(\"portcullis-replay\"));</script></body></html>");
    return new Response(200, h, page.toString());
  }

  /**
   * {@link #escape} for a double-quoted attribute value, with every control character (line breaks
   * included) as a numeric character reference: HTML parsing keeps such a reference's character as
   * it is, where it would turn a literal CR or CR LF into LF.
   */
  static String escapeAttribute(String s) {
    return escape(s, true);
  }

  private static String titleFor(int status) {
    return switch (status) {
      case 400 -> "Bad request";
      case 401 -> "Sign-in failed";
      case 403 -> "Access denied";
      case 405 -> "Method not allowed";
      case 413, 415 -> "Form not kept";
      case 502 -> "Identity provider error";
      default -> "Error";
    };
  }

  private static Response json(int status, Map<String, String> h, String body) {
    h.put("Content-Type", "application/json");
    h.put("X-Content-Type-Options", "nosniff");
    return new Response(status, h, body);
  }

  private static Response html(int status, Map<String, String> h, String title, String body) {
    h.put("Content-Type", "text/html; charset=UTF-8");
    h.put("X-Content-Type-Options", "nosniff");
    h.put("X-Frame-Options", "DENY");
    h.put(
        "Content-Security-Policy",
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
    String page =
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>"
            + escape(title)
            + "</title><style>body{font-family:system-ui,sans-serif;max-width:40em;margin:4em auto;padding:0 1em}</style>"
            + "</head><body><h1>"
            + escape(title)
            + "</h1>"
            + body
            + "</body></html>";
    return new Response(status, h, page);
  }

  /** Escapes text for HTML content and attribute values. */
  public static String escape(String s) {
    return escape(s, false);
  }

  /** {@link #escape}, and with {@code controls} every control character as a reference too. */
  private static String escape(String s, boolean controls) {
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> {
          if (controls && (c < 0x20 || c == 0x7f)) {
            out.append("&#").append((int) c).append(';');
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  /** A JSON string literal. */
  public static String quote(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '<' -> out.append("\\u003c");
        case '>' -> out.append("\\u003e");
        case '&' -> out.append("\\u0026");
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
}
