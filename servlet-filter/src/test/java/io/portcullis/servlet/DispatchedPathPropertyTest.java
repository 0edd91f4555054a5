package io.portcullis.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testsupport.Browser;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 10 AC1, "the rules see what the app sees", as a property over generated request targets
 * sent byte for byte (socket → Jetty or Tomcat → filter → echo servlet), with the application at
 * the root, under {@code /app} and under {@code /a/b}: percent-encoded context and path segments,
 * {@code ;} parameters in any segment, {@code .}/{@code ..}, doubled slashes, case variants,
 * overlong and invalid UTF-8.
 *
 * <p>For every response the servlet served, the rule for the path it was dispatched with (servlet
 * path plus path info, as it reports them) must allow the request, judged by an oracle written here
 * independently of {@code AccessRules}; a target whose context part is not the canonical context
 * path is answered 400 or 404; nothing answers 5xx.
 */
class DispatchedPathPropertyTest {
  private static final String RULES =
      String.join(
          "\n",
          "/                 permit",
          "/health           permit",
          "/public/**        permit",
          "GET /reports/**   read:reports",
          "/admin/**         admin",
          "/api/**           read:data",
          "/deny/**          deny",
          "/**               authenticated");

  /** What the logged-in test user is granted (TestApp's scopes). */
  private static final Set<String> USER_SCOPES =
      Set.of("openid", "profile", "offline_access", "read:data");

  private static final String[] IN_APP = {
    "/", "/health", "/public/x", "/public/", "/reports/r", "/reports", "/admin", "/admin/users",
        "/admin/",
    "/api/data", "/api", "/deny/x", "/deny", "/profile", "/x/y", "/healthz", "/publicx",
        "/administrator"
  };
  private static final Pattern FIELD =
      Pattern.compile("\"(servletPath|pathInfo)\":(null|\"((?:[^\"\\\\]|\\\\u[0-9a-f]{4})*)\")");
  private static final int TARGETS = Integer.getInteger("portcullis-test.path-targets", 1000);

  static TestProvider provider;

  @BeforeAll
  static void startProvider() throws Exception {
    provider = new TestProvider();
  }

  @AfterAll
  static void stopProvider() throws Exception {
    provider.close();
  }

  @ParameterizedTest(name = "context path \"{0}\"")
  @ValueSource(strings = {"", "/app", "/a/b"})
  void servedOnlyWhatTheRuleForTheDispatchedPathAllows(String contextPath) throws Exception {
    try (TestApp app = new TestApp(contextPath, provider, Map.of("rules", RULES))) {
      Browser browser = new Browser();
      browser.follow(browser.get(app.url("/profile")));
      String cookie = "Cookie: " + browser.cookieHeader(TestApp.HOST);
      assertThat(
              RawHttp.send(
                  app.url(""), "GET", contextPath + "/profile", cookie, "Accept: application/json"))
          .as("logged in")
          .contains("\"remoteUser\":\"");
      Random random = new Random(0x5EED ^ contextPath.hashCode());
      int served = 0;
      int refusedContext = 0;
      for (int i = 0; i < TARGETS; i++) {
        String target = target(random, contextPath);
        boolean loggedIn = random.nextBoolean();
        String method = random.nextInt(4) == 0 ? "POST" : "GET";
        String accept = random.nextBoolean() ? "Accept: application/json" : "Accept: text/html";
        String response =
            loggedIn
                ? RawHttp.send(app.url(""), method, target, cookie, accept, "Content-Length: 0")
                : RawHttp.send(app.url(""), method, target, accept, "Content-Length: 0");
        String what =
            method
                + " "
                + target
                + (loggedIn ? " (logged in)" : " (anonymous)")
                + "\n"
                + head(response);
        int status = RawHttp.status(response);
        assertThat(status).as(what).isLessThan(500);
        assertThat(response).as(what).doesNotContain("Exception").doesNotContain("\tat ");
        if (!hasCanonicalContext(target, contextPath)) {
          // Refused, or the container's own redirect to its context root (Jetty: /app;x=1 →
          // /app/;x=1).
          String location = header(response, "Location");
          boolean containerRedirect =
              (status == 301 || status == 302)
                  && location != null
                  && location.startsWith(contextPath + "/")
                  && !location.contains("authorize");
          assertThat(status == 400 || status == 404 || containerRedirect)
              .as("non-canonical context part: " + what)
              .isTrue();
          refusedContext += containerRedirect ? 0 : 1;
        }
        Map<String, String> echoed = echoed(response);
        if (echoed != null) {
          served++;
          String dispatched =
              nullToEmpty(echoed.get("servletPath")) + nullToEmpty(echoed.get("pathInfo"));
          assertThat(allowed(method, dispatched, loggedIn))
              .as("served " + dispatched + " for " + what)
              .isTrue();
        }
      }
      // The generator must exercise both sides of the property.
      assertThat(served).as("served").isGreaterThan(TARGETS / 10);
      if (!contextPath.isEmpty()) {
        assertThat(refusedContext).as("non-canonical context parts").isGreaterThan(TARGETS / 20);
      }
    }
  }

  /** The rules above, by hand: whether {@code method} on the dispatched path may be served. */
  static boolean allowed(String method, String dispatched, boolean loggedIn) {
    String path = dispatched.isEmpty() ? "/" : dispatched;
    if (path.length() > 1 && path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    if (path.equals("/") || path.equals("/health") || under(path, "/public")) {
      return true;
    }
    if (under(path, "/deny")) {
      return false;
    }
    if (!loggedIn) {
      return false;
    }
    if ((method.equals("GET") || method.equals("HEAD")) && under(path, "/reports")) {
      return USER_SCOPES.contains("read:reports");
    }
    if (under(path, "/admin")) {
      return USER_SCOPES.contains("admin");
    }
    if (under(path, "/api")) {
      return USER_SCOPES.contains("read:data");
    }
    return true;
  }

  private static boolean under(String path, String prefix) {
    return path.equals(prefix) || path.startsWith(prefix + "/");
  }

  /**
   * True when the target's path begins with exactly the context path, then {@code /}, {@code ?} or
   * its end.
   */
  static boolean hasCanonicalContext(String target, String contextPath) {
    if (!target.startsWith(contextPath)) {
      return false;
    }
    if (target.length() == contextPath.length()) {
      return true;
    }
    char next = target.charAt(contextPath.length());
    return next == '/' || (next == '?' && !contextPath.isEmpty());
  }

  /** A request target built from an application path and the context path, then mangled. */
  static String target(Random r, String contextPath) {
    List<String> segments = new ArrayList<>();
    for (String s : contextPath.split("/")) {
      if (!s.isEmpty()) {
        segments.add(s);
      }
    }
    int contextSegments = segments.size();
    String inApp = IN_APP[r.nextInt(IN_APP.length)];
    for (String s : inApp.split("/")) {
      if (!s.isEmpty()) {
        segments.add(s);
      }
    }
    boolean trailingSlash = inApp.endsWith("/") && inApp.length() > 1 || inApp.equals("/");
    int mutations = r.nextInt(4);
    for (int m = 0; m < mutations && !segments.isEmpty(); m++) {
      // Context segments are mangled as often as the application's.
      int at =
          contextSegments > 0 && r.nextBoolean()
              ? r.nextInt(contextSegments)
              : r.nextInt(segments.size());
      String segment = segments.get(at);
      switch (r.nextInt(11)) {
        case 0 -> segments.set(at, percentEncodeOne(r, segment));
        case 1 -> segments.set(at, flipCase(r, segment));
        case 2 ->
            segments.set(at, segment + pick(r, ";", ";x=1", ";jsessionid=abc", ";a;b", ";%2e%2e"));
        case 3 -> segments.add(at, pick(r, ".", "%2e", "%2E"));
        case 4 -> segments.add(at, pick(r, "..", "%2e%2e", ".%2E", "%2E."));
        case 5 -> {
          segments.add(at, "..");
          segments.add(at, pick(r, "x", "app", "a", "public"));
        }
        case 6 -> segments.add(at, ""); // a doubled slash
        case 7 ->
            segments.set(
                at,
                segment
                    + pick(r, "%C0%AE", "%C0%AF", "%E0%80%AE", "%FF", "%C3", "%80", "%ED%A0%80"));
        case 8 ->
            segments.set(
                at,
                pick(r, "%C0%AE%C0%AE", "%2E%2E", "%252e", "%00", "%2F", "%5C", "%3B") + segment);
        case 9 ->
            segments.set(
                at, segment + pick(r, "%2Fadmin", "%5cadmin", "\\admin", "%20", "%C3%A9", "%25"));
        default -> trailingSlash = !trailingSlash;
      }
    }
    StringBuilder target = new StringBuilder();
    if (r.nextInt(12) == 0) {
      target.append('/'); // a leading "//"
    }
    for (String s : segments) {
      target.append('/').append(s);
    }
    if (trailingSlash || target.length() == 0) {
      target.append('/');
    }
    if (r.nextInt(6) == 0) {
      target.append(pick(r, "?q=1", "?a=/admin", "?", "?x=%2e%2e"));
    }
    return target.toString();
  }

  private static String percentEncodeOne(Random r, String segment) {
    if (segment.isEmpty()) {
      return segment;
    }
    int i = r.nextInt(segment.length());
    char c = segment.charAt(i);
    if (c >= 0x80 || c == '%') {
      return segment;
    }
    String hex = String.format(r.nextBoolean() ? "%%%02X" : "%%%02x", (int) c);
    return segment.substring(0, i) + hex + segment.substring(i + 1);
  }

  private static String flipCase(Random r, String segment) {
    if (segment.isEmpty()) {
      return segment;
    }
    int i = r.nextInt(segment.length());
    char c = segment.charAt(i);
    char flipped = Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c);
    return r.nextInt(3) == 0
        ? segment.toUpperCase(Locale.ROOT)
        : segment.substring(0, i) + flipped + segment.substring(i + 1);
  }

  private static String pick(Random r, String... choices) {
    return choices[r.nextInt(choices.length)];
  }

  /** The echo servlet's servlet path and path info, or null when the servlet did not answer. */
  static Map<String, String> echoed(String response) {
    if (RawHttp.status(response) != 200 || !response.contains("\"servletPath\":")) {
      return null;
    }
    Map<String, String> fields = new java.util.HashMap<>();
    Matcher m = FIELD.matcher(response);
    while (m.find()) {
      fields.put(m.group(1), m.group(3) == null ? null : unescape(m.group(3)));
    }
    return fields;
  }

  private static String unescape(String json) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      if (c == '\\' && i + 5 < json.length() + 0 && json.charAt(i + 1) == 'u') {
        out.append((char) Integer.parseInt(json.substring(i + 2, i + 6), 16));
        i += 5;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static String header(String response, String name) {
    for (String line : response.split("\r\n")) {
      if (line.isEmpty()) {
        return null;
      }
      if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
        return line.substring(name.length() + 1).trim();
      }
    }
    return null;
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }

  private static String head(String response) {
    return response.length() > 600 ? response.substring(0, 600) + "…" : response;
  }
}
