package io.portcullis.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A request path inside the application context that is safe to match access rules against: it
 * starts with one {@code /}, is percent-decoded once, has no {@code ;} path parameters, no empty,
 * {@code .} or {@code ..} segments, no {@code \} and no control characters (SPEC.md "Access
 * rules").
 *
 * <p>A trailing slash is kept ({@code /admin/} stays {@code /admin/}); the root is {@code /}.
 * Instances are immutable; equality is that of {@link #value()}.
 */
final class RequestPath {

  private static final RequestPath ROOT = new RequestPath("/", "/");

  /** Characters (ASCII) left as they are by {@link #encoded()}; also the fast-path alphabet. */
  private static final boolean[] ALLOWED = new boolean[128];

  static {
    for (char c = 'a'; c <= 'z'; c++) {
      ALLOWED[c] = true;
    }
    for (char c = 'A'; c <= 'Z'; c++) {
      ALLOWED[c] = true;
    }
    for (char c = '0'; c <= '9'; c++) {
      ALLOWED[c] = true;
    }
    for (char c : "-._~!$&'()*+,=:@/".toCharArray()) {
      ALLOWED[c] = true;
    }
  }

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private final String value;
  private final String encoded;

  private RequestPath(String value, String encoded) {
    this.value = value;
    this.encoded = encoded;
  }

  /**
   * Normalises a raw request path, or returns empty when it cannot be normalised safely, in which
   * case the request is answered {@code 400} (SPEC.md "Access rules").
   *
   * <p>{@code rawPath} is the still percent-encoded path with the context path removed; {@code ""}
   * means {@code /} and a path without a leading {@code /} is taken relative to the root. The
   * rules: {@code ;} parameters are removed from every segment; escapes are decoded once, as strict
   * UTF-8; an encoded {@code /}, {@code \} or {@code ;}, any raw {@code \}, any control character
   * (below U+0020, or U+007F), raw or decoded, a malformed escape, invalid UTF-8 and a {@code ..}
   * above the root are refused; repeated {@code /} collapse; {@code .} and {@code ..} segments,
   * encoded or not, are resolved. Path parameters are validated like segments before they are
   * dropped.
   *
   * @param rawPath the raw path inside the application context
   * @return the normalised path, or empty when the path must be refused
   */
  public static Optional<RequestPath> parse(String rawPath) {
    return Optional.ofNullable(parseOrNull(rawPath));
  }

  /**
   * {@link #parse(String)} without the {@code Optional}, for the per-request path: null when
   * refused.
   */
  static @Nullable RequestPath parseOrNull(String rawPath) {
    Objects.requireNonNull(rawPath, "rawPath");
    if (rawPath.isEmpty() || rawPath.equals("/")) {
      return ROOT;
    }
    if (isAlreadyNormal(rawPath)) {
      return new RequestPath(rawPath, rawPath);
    }
    String value = normalise(rawPath);
    if (value == null) {
      return null;
    }
    return value.equals("/") ? ROOT : new RequestPath(value, encode(value));
  }

  /**
   * Normalises a path that the container has already decoded (a servlet path plus path info), or
   * returns null when it cannot be normalised safely: the same rules as {@link #parse(String)}
   * without the percent-decoding, so a {@code %} is an ordinary character and a {@code ;}, a {@code
   * \}, a control character or a {@code ..} above the root is refused.
   *
   * @param decodedPath the decoded path inside the application context; {@code ""} means {@code /}
   * @return the normalised path, or null when the path must be refused
   */
  static @Nullable RequestPath fromDecodedOrNull(String decodedPath) {
    Objects.requireNonNull(decodedPath, "decodedPath");
    if (decodedPath.isEmpty()) {
      return ROOT;
    }
    // Every character outside the unreserved alphabet (the % included) escaped, then parsed: one
    // decoding gives back exactly the decoded path, and parse() does the rest, refusing an escaped
    // ';', '\\' or control character as it refuses them in a raw path.
    return parseOrNull(encode(decodedPath));
  }

  /**
   * Returns the normalised, decoded path: it starts with {@code /}, contains no {@code //}, no
   * {@code .} or {@code ..} segment, no {@code \} and no control character.
   *
   * @return the decoded path
   */
  public String value() {
    return value;
  }

  /**
   * Returns the path percent-encoded as UTF-8 for use in a URL: every character outside {@code
   * A-Za-z0-9-._~!$&'()*+,=:@/} is escaped. It starts with exactly one {@code /}, never with {@code
   * //} or {@code /\}, and {@link #parse(String)} of it gives this path back.
   *
   * @return the encoded path
   */
  public String encoded() {
    return encoded;
  }

  /** Paths are equal when their {@link #value()}s are. */
  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof RequestPath other && value.equals(other.value);
  }

  /** Returns the hash code of {@link #value()}. */
  @Override
  public int hashCode() {
    return value.hashCode();
  }

  /** Returns {@link #value()}. */
  @Override
  public String toString() {
    return value;
  }

  /**
   * True when {@code raw} is already normal and already encoded: it starts with {@code /}, uses
   * only the {@link #ALLOWED} alphabet (so no {@code %}, {@code ;}, {@code \} or control
   * characters) and has no {@code //} and no {@code .} or {@code ..} segment.
   */
  private static boolean isAlreadyNormal(String raw) {
    int length = raw.length();
    if (raw.charAt(0) != '/') {
      return false;
    }
    for (int i = 0; i < length; i++) {
      char c = raw.charAt(i);
      if (c >= 128 || !ALLOWED[c]) {
        return false;
      }
      if (c == '/' && i + 1 < length) {
        char next = raw.charAt(i + 1);
        if (next == '/' || (next == '.' && isDotSegment(raw, i + 1, length))) {
          return false;
        }
      }
    }
    return true;
  }

  /** True when the segment at {@code start} (a {@code .}) is {@code .} or {@code ..}. */
  private static boolean isDotSegment(String raw, int start, int length) {
    int end = start + 1;
    if (end < length && raw.charAt(end) == '.') {
      end++;
    }
    return end == length || raw.charAt(end) == '/';
  }

  /** Returns the normalised decoded path, or null when it must be refused. */
  private static @Nullable String normalise(String raw) {
    int length = raw.length();
    List<String> segments = new ArrayList<>();
    StringBuilder decoded = new StringBuilder();
    boolean trailingSlash = false;
    int start = raw.charAt(0) == '/' ? 1 : 0;
    while (true) {
      int slash = raw.indexOf('/', start);
      int end = slash < 0 ? length : slash;
      int semicolon = raw.indexOf(';', start);
      int nameEnd = semicolon >= 0 && semicolon < end ? semicolon : end;
      decoded.setLength(0);
      if (nameEnd < end && !decode(raw, nameEnd + 1, end, decoded)) {
        return null; // a parameter that is not well formed
      }
      decoded.setLength(0);
      if (!decode(raw, start, nameEnd, decoded)) {
        return null;
      }
      boolean last = slash < 0;
      if (decoded.length() == 0 || isDot(decoded)) {
        trailingSlash = last;
      } else if (isDotDot(decoded)) {
        if (segments.isEmpty()) {
          return null; // above the root
        }
        segments.remove(segments.size() - 1);
        trailingSlash = last;
      } else {
        segments.add(decoded.toString());
        trailingSlash = false;
      }
      if (last) {
        break;
      }
      start = slash + 1;
    }
    if (segments.isEmpty()) {
      return "/";
    }
    StringBuilder path = new StringBuilder(length + 1);
    for (String segment : segments) {
      path.append('/').append(segment);
    }
    if (trailingSlash) {
      path.append('/');
    }
    return path.toString();
  }

  private static boolean isDot(CharSequence s) {
    return s.length() == 1 && s.charAt(0) == '.';
  }

  private static boolean isDotDot(CharSequence s) {
    return s.length() == 2 && s.charAt(0) == '.' && s.charAt(1) == '.';
  }

  private static boolean isControl(int c) {
    return c < 0x20 || c == 0x7F;
  }

  /**
   * Percent-decodes {@code raw[from, to)} once as strict UTF-8 into {@code out}. Returns false on a
   * malformed escape, invalid UTF-8 (overlong forms, surrogates, above U+10FFFF, truncated), an
   * encoded {@code /} or {@code \}, a raw {@code \}, a control character, or an unpaired surrogate.
   */
  private static boolean decode(String raw, int from, int to, StringBuilder out) {
    int i = from;
    while (i < to) {
      char c = raw.charAt(i);
      if (c != '%') {
        if (c == '\\' || isControl(c)) {
          return false;
        }
        if (Character.isHighSurrogate(c)) {
          if (i + 1 >= to || !Character.isLowSurrogate(raw.charAt(i + 1))) {
            return false;
          }
          out.append(c).append(raw.charAt(i + 1));
          i += 2;
          continue;
        }
        if (Character.isLowSurrogate(c)) {
          return false;
        }
        out.append(c);
        i++;
        continue;
      }
      int lead = hexByte(raw, i, to);
      if (lead < 0) {
        return false;
      }
      i += 3;
      int codePoint;
      int continuation;
      if (lead < 0x80) {
        codePoint = lead;
        continuation = 0;
      } else if (lead >= 0xC2 && lead <= 0xDF) {
        codePoint = lead & 0x1F;
        continuation = 1;
      } else if (lead >= 0xE0 && lead <= 0xEF) {
        codePoint = lead & 0x0F;
        continuation = 2;
      } else if (lead >= 0xF0 && lead <= 0xF4) {
        codePoint = lead & 0x07;
        continuation = 3;
      } else {
        return false; // a continuation byte, an overlong lead (C0, C1) or beyond U+10FFFF
      }
      for (int k = 0; k < continuation; k++) {
        int next = hexByte(raw, i, to);
        if (next < 0 || (next & 0xC0) != 0x80) {
          return false;
        }
        codePoint = (codePoint << 6) | (next & 0x3F);
        i += 3;
      }
      if ((continuation == 2 && (codePoint < 0x800 || Character.isSurrogate((char) codePoint)))
          || (continuation == 3 && (codePoint < 0x10000 || codePoint > 0x10FFFF))) {
        return false;
      }
      // An encoded ';' is refused like an encoded '/': containers disagree on whether it starts
      // a path parameter, so it could hide a segment from the rules (Spring's StrictHttpFirewall
      // refuses it too).
      if (codePoint == '/' || codePoint == '\\' || codePoint == ';' || isControl(codePoint)) {
        return false;
      }
      out.appendCodePoint(codePoint);
    }
    return true;
  }

  /** The byte of the escape {@code %XX} at {@code i}, or -1 when there is none. */
  private static int hexByte(String raw, int i, int to) {
    if (i + 2 >= to || raw.charAt(i) != '%') {
      return -1;
    }
    int high = hexDigit(raw.charAt(i + 1));
    int low = hexDigit(raw.charAt(i + 2));
    return high < 0 || low < 0 ? -1 : (high << 4) | low;
  }

  /** An ASCII hex digit's value, or -1 ({@link Character#digit} would accept other scripts). */
  private static int hexDigit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  /** Percent-encodes every character of a decoded path outside {@link #ALLOWED}, as UTF-8. */
  private static String encode(String value) {
    StringBuilder out = new StringBuilder(value.length() + 16);
    int i = 0;
    while (i < value.length()) {
      int codePoint = value.codePointAt(i);
      i += Character.charCount(codePoint);
      if (codePoint < 128 && ALLOWED[codePoint]) {
        out.append((char) codePoint);
      } else if (codePoint < 0x80) {
        escape(out, codePoint);
      } else if (codePoint < 0x800) {
        escape(out, 0xC0 | (codePoint >> 6));
        escape(out, 0x80 | (codePoint & 0x3F));
      } else if (codePoint < 0x10000) {
        escape(out, 0xE0 | (codePoint >> 12));
        escape(out, 0x80 | ((codePoint >> 6) & 0x3F));
        escape(out, 0x80 | (codePoint & 0x3F));
      } else {
        escape(out, 0xF0 | (codePoint >> 18));
        escape(out, 0x80 | ((codePoint >> 12) & 0x3F));
        escape(out, 0x80 | ((codePoint >> 6) & 0x3F));
        escape(out, 0x80 | (codePoint & 0x3F));
      }
    }
    return out.toString();
  }

  private static void escape(StringBuilder out, int b) {
    out.append('%').append(HEX[b >> 4]).append(HEX[b & 0xF]);
  }
}
