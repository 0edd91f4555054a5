package io.portcullis.core;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A strict RFC 8259 JSON reader for configuration files: objects (in order, a duplicate name
 * refused), arrays, strings, numbers ({@link BigDecimal}), booleans and null. No comments, no
 * trailing commas, no single quotes, as Jackson's defaults (which the Keycloak adapters used) had
 * it; a leading byte order mark is skipped, as Jackson did. Errors name the line and column.
 */
final class Json {

  /** A syntax error, its message naming line and column; never holds the text. */
  static final class SyntaxException extends Exception {
    private static final long serialVersionUID = 1L;

    SyntaxException(String message) {
      super(message);
    }
  }

  private static final int MAX_DEPTH = 64;

  private final String text;
  private int pos;

  private Json(String text) {
    this.text = text;
  }

  /** Parses {@code text}, which must be one JSON value; JSON null comes back as null. */
  static @Nullable Object parse(String text) throws SyntaxException {
    Json json = new Json(text);
    if (text.startsWith("\uFEFF")) {
      json.pos = 1;
    }
    Object value = json.value(0);
    json.skipSpace();
    if (json.pos < text.length()) {
      throw json.error("unexpected " + json.describe() + " after the end of the value");
    }
    return value;
  }

  private @Nullable Object value(int depth) throws SyntaxException {
    if (depth > MAX_DEPTH) {
      throw error("nested more than " + MAX_DEPTH + " levels deep");
    }
    skipSpace();
    if (pos >= text.length()) {
      throw error("unexpected end of the file");
    }
    char c = text.charAt(pos);
    switch (c) {
      case '{':
        return object(depth);
      case '[':
        return array(depth);
      case '"':
        return string();
      case 't':
        return literal("true", Boolean.TRUE);
      case 'f':
        return literal("false", Boolean.FALSE);
      case 'n':
        return literal("null", null);
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return number();
        }
        throw error("unexpected " + describe() + "; expected a JSON value");
    }
  }

  private Map<String, @Nullable Object> object(int depth) throws SyntaxException {
    Map<String, @Nullable Object> map = new LinkedHashMap<>();
    pos++;
    skipSpace();
    if (peek() == '}') {
      pos++;
      return Collections.unmodifiableMap(map);
    }
    while (true) {
      skipSpace();
      if (peek() != '"') {
        throw error("unexpected " + describe() + "; expected a name in double quotes");
      }
      int at = pos;
      String name = string();
      if (map.containsKey(name)) {
        pos = at;
        throw error("the name " + ConfigParser.quote(name) + " appears twice in one object");
      }
      skipSpace();
      expect(':');
      map.put(name, value(depth + 1));
      skipSpace();
      char c = peek();
      pos++;
      if (c == '}') {
        return Collections.unmodifiableMap(map);
      }
      if (c != ',') {
        pos--;
        throw error("unexpected " + describe() + "; expected , or }");
      }
      skipSpace();
      if (peek() == '}') {
        throw error("a comma before } (trailing commas are not JSON)");
      }
    }
  }

  private List<@Nullable Object> array(int depth) throws SyntaxException {
    List<@Nullable Object> list = new ArrayList<>();
    pos++;
    skipSpace();
    if (peek() == ']') {
      pos++;
      return Collections.unmodifiableList(list);
    }
    while (true) {
      list.add(value(depth + 1));
      skipSpace();
      char c = peek();
      pos++;
      if (c == ']') {
        return Collections.unmodifiableList(list);
      }
      if (c != ',') {
        pos--;
        throw error("unexpected " + describe() + "; expected , or ]");
      }
      skipSpace();
      if (peek() == ']') {
        throw error("a comma before ] (trailing commas are not JSON)");
      }
    }
  }

  private String string() throws SyntaxException {
    pos++;
    StringBuilder out = new StringBuilder();
    while (true) {
      if (pos >= text.length()) {
        throw error("a string is not closed");
      }
      char c = text.charAt(pos++);
      if (c == '"') {
        return out.toString();
      }
      if (c < 0x20) {
        pos--;
        throw error("a control character inside a string (escape it)");
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (pos >= text.length()) {
        throw error("a string is not closed");
      }
      char e = text.charAt(pos++);
      switch (e) {
        case '"', '\\', '/' -> out.append(e);
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> {
          if (pos + 4 > text.length()) {
            throw error("a \\u escape needs four hex digits");
          }
          int code = 0;
          for (int i = 0; i < 4; i++) {
            int digit = Character.digit(text.charAt(pos++), 16);
            if (digit < 0) {
              pos--;
              throw error("a \\u escape needs four hex digits");
            }
            code = code * 16 + digit;
          }
          out.append((char) code);
        }
        default -> {
          pos -= 2;
          throw error("an unknown escape \\" + (e < 0x20 ? "?" : String.valueOf(e)));
        }
      }
    }
  }

  private BigDecimal number() throws SyntaxException {
    int start = pos;
    if (peek() == '-') {
      pos++;
    }
    if (peek() == '0') {
      pos++;
    } else if (!digits()) {
      throw error("a number needs digits");
    }
    if (peek() == '.') {
      pos++;
      if (!digits()) {
        throw error("a number needs digits after the point");
      }
    }
    if (peek() == 'e' || peek() == 'E') {
      pos++;
      if (peek() == '+' || peek() == '-') {
        pos++;
      }
      if (!digits()) {
        throw error("a number needs digits in its exponent");
      }
    }
    try {
      return new BigDecimal(text.substring(start, pos));
    } catch (NumberFormatException | ArithmeticException e) {
      pos = start;
      throw error("a number out of range");
    }
  }

  private boolean digits() {
    int start = pos;
    while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
      pos++;
    }
    return pos > start;
  }

  private @Nullable Object literal(String word, @Nullable Object value) throws SyntaxException {
    if (!text.startsWith(word, pos)) {
      throw error("unexpected " + describe() + "; expected a JSON value");
    }
    pos += word.length();
    return value;
  }

  private void expect(char c) throws SyntaxException {
    if (peek() != c) {
      throw error("unexpected " + describe() + "; expected " + c);
    }
    pos++;
  }

  private char peek() {
    return pos < text.length() ? text.charAt(pos) : '\0';
  }

  private void skipSpace() throws SyntaxException {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        pos++;
      } else if (c == '/'
          && pos + 1 < text.length()
          && (text.charAt(pos + 1) == '/' || text.charAt(pos + 1) == '*')) {
        throw error("a comment (JSON has none, and the Keycloak adapters refused them too)");
      } else {
        return;
      }
    }
  }

  /** What is at the current position, for messages: one character, never more of the text. */
  private String describe() {
    if (pos >= text.length()) {
      return "end of the file";
    }
    char c = text.charAt(pos);
    return c < 0x20 || c > 0x7e ? String.format("character U+%04X", (int) c) : "'" + c + "'";
  }

  private SyntaxException error(String what) {
    int line = 1;
    int column = 1;
    for (int i = 0; i < Math.min(pos, text.length()); i++) {
      if (text.charAt(i) == '\n') {
        line++;
        column = 1;
      } else {
        column++;
      }
    }
    return new SyntaxException("line " + line + ", column " + column + ": " + what);
  }
}
