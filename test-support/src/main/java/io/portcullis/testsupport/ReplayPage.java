package io.portcullis.testsupport;

import java.net.URLEncoder;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Portcullis's {@code preserve-post} page read back as a browser's HTML parser reads it: the form's
 * action, charset and hidden fields (character references resolved), and the body a browser posts
 * when the page submits the form. Strict about the shape it expects: an attribute value with a raw
 * quote, angle bracket, apostrophe, line break or a bare {@code &} fails the read.
 *
 * @param action the form's action, as the page names it
 * @param charset the form's {@code accept-charset}
 * @param fields the hidden fields, {@code name=value}, in order
 * @param names the hidden fields' names, in order
 * @param values the hidden fields' values, in order
 */
public record ReplayPage(
    String action, String charset, List<String> fields, List<String> names, List<String> values) {

  private static final Pattern FORM =
      Pattern.compile(
          "<form id=\"portcullis-replay\" method=\"post\" action=\"([^\"<>]*)\""
              + " enctype=\"application/x-www-form-urlencoded\" accept-charset=\"([^\"<>]*)\">");
  private static final Pattern INPUT =
      Pattern.compile("<input type=\"hidden\" name=\"([^\"<>]*)\" value=\"([^\"<>]*)\">");
  private static final Pattern REFERENCE = Pattern.compile("&(lt|gt|amp|quot|#39|#(\\d{1,7}));");

  /** Reads {@code html}; fails when it is not the page. */
  public static ReplayPage parse(String html) {
    Matcher form = FORM.matcher(html);
    if (!form.find()) {
      throw new AssertionError("not a preserve-post page: " + html);
    }
    List<String> names = new ArrayList<>();
    List<String> values = new ArrayList<>();
    List<String> fields = new ArrayList<>();
    Matcher m = INPUT.matcher(html);
    while (m.find()) {
      String name = attribute(m.group(1));
      String value = attribute(m.group(2));
      names.add(name);
      values.add(value);
      fields.add(name + "=" + value);
    }
    return new ReplayPage(
        attribute(form.group(1)), attribute(form.group(2)), fields, names, values);
  }

  /** The body a browser posts for this form: the fields form-urlencoded in {@link #charset}. */
  public String formBody() {
    Charset cs = Charset.forName(charset);
    StringJoiner body = new StringJoiner("&");
    for (int i = 0; i < names.size(); i++) {
      body.add(URLEncoder.encode(names.get(i), cs) + "=" + URLEncoder.encode(values.get(i), cs));
    }
    return body.toString();
  }

  /** A double-quoted attribute value with its character references resolved. */
  static String attribute(String raw) {
    if (raw.contains("\r") || raw.contains("\n") || raw.contains("'")) {
      throw new AssertionError("raw line break or apostrophe in an attribute: " + raw);
    }
    Matcher m = REFERENCE.matcher(raw);
    StringBuilder out = new StringBuilder();
    int last = 0;
    while (m.find()) {
      String before = raw.substring(last, m.start());
      if (before.contains("&")) {
        throw new AssertionError("bare & in an attribute: " + raw);
      }
      out.append(before);
      out.append(
          switch (m.group(1)) {
            case "lt" -> "<";
            case "gt" -> ">";
            case "amp" -> "&";
            case "quot" -> "\"";
            case "#39" -> "'";
            default -> Character.toString(Integer.parseInt(m.group(2)));
          });
      last = m.end();
    }
    if (raw.substring(last).contains("&")) {
      throw new AssertionError("bare & in an attribute: " + raw);
    }
    return out.append(raw.substring(last)).toString();
  }
}
