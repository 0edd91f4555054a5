package io.portcullis.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testsupport.Browser;
import io.portcullis.testsupport.ReplayPage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 14 AC1 in a real container (Jetty and Tomcat, at the root and under a context path): with
 * {@code preserve-post}, a form posted to a protected servlet without a session is kept across the
 * login, and the page the callback answers posts it once more, so that the servlet receives the
 * same parameters as from a logged-in browser; the callback delivered again posts nothing. What
 * cannot be kept (another type, too large) is refused with 415 or 413 and starts no login; API and
 * cross-site requests keep their 401.
 */
class PreservePostTest extends IntegrationTest {
  /** What a browser posts: quotes, markup, entities, line breaks, Unicode, repeats, empties. */
  static final String BODY =
      "title="
          + Browser.enc("Quarterly \"numbers\" <b>&amp;</b> é 日本 😀")
          + "&text="
          + Browser.enc("line one\r\n<script>alert(1)</script>\r\n\r\nend")
          + "&tag=work&tag="
          + Browser.enc("urgent & <b>")
          + "&empty=&draft="
          + Browser.enc("1 \"<&>\" ' %41 +");

  private static final HttpClient RAW =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static String origin(TestApp app) {
    URI u = URI.create(app.url("/"));
    return u.getScheme() + "://" + u.getAuthority();
  }

  /** A browser's same-origin form submission. */
  private static HttpResponse<String> submit(Browser b, TestApp app, String url, String body) {
    return b.send(
        "POST", url, Map.of("Sec-Fetch-Site", "same-origin", "Origin", origin(app)), body);
  }

  /** The {@code form} the echo servlet reports: every parameter it read, in order. */
  private static String formOf(HttpResponse<String> echo) {
    assertThat(echo.statusCode()).as(echo.body()).isEqualTo(200);
    assertThat(echo.body()).contains("\"method\":\"POST\"");
    Matcher m = Pattern.compile("\"form\":(\"(?:[^\"\\\\]|\\\\.)*\")").matcher(echo.body());
    assertThat(m.find()).as(echo.body()).isTrue();
    return m.group(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "/app"})
  void formWhenPostedWithoutSessionThenAfterLoginTheServletGetsTheSameParametersOnce(
      String contextPath) throws Exception {
    int logFrom = LeakCheck.LINES.size();
    try (TestApp app = new TestApp(contextPath, provider, Map.of("preserve-post", "true"))) {
      String target = app.url("/notes/new?list=7");

      // What the servlet gets when no login is needed on the way.
      Browser direct = browser();
      direct.follow(direct.get(app.url("/whoami")));
      String expected = formOf(submit(direct, app, target, BODY));
      assertThat(expected).contains("Quarterly", "urgent", "list=7");

      Browser b = browser();
      HttpResponse<String> start = submit(b, app, target, BODY);
      assertThat(start.statusCode()).isEqualTo(302);
      String authorize = Browser.location(start);
      assertThat(authorize).startsWith(provider.issuer() + "/authorize");
      assertThat(authorize + start.headers().map())
          .doesNotContain("Quarterly", "urgent", "draft", "%22numbers");

      HttpResponse<String> atProvider = b.get(authorize);
      assertThat(atProvider.statusCode()).isEqualTo(302);
      String callback = Browser.location(atProvider);
      assertThat(callback).startsWith(app.url("/oauth2/callback?"));

      HttpResponse<String> page = b.get(callback);
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-store");
      assertThat(page.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
      assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
          .contains("script-src 'nonce-", "form-action 'self'", "default-src 'none'");
      assertThat(page.headers().firstValue("Location")).isEmpty();
      ReplayPage replay = ReplayPage.parse(page.body());
      assertThat(replay.action()).isEqualTo(contextPath + "/notes/new?list=7");
      assertThat(replay.charset()).isEqualTo("UTF-8");
      assertThat(replay.names()).containsExactly("title", "text", "tag", "tag", "empty", "draft");
      assertThat(page.body()).doesNotContain("<b>&amp;", "<script>alert");

      // The page's form, as the browser submits it: the same parameters, for the logged-in user.
      HttpResponse<String> landed =
          submit(b, app, origin(app) + replay.action(), replay.formBody());
      assertThat(formOf(landed)).isEqualTo(expected);
      assertThat(landed.body()).contains("\"remoteUser\":\"");

      // The callback again (a reload, a replayed URL): refused, and no form.
      HttpResponse<String> again = b.get(callback);
      assertThat(again.statusCode()).isEqualTo(400);
      assertThat(again.body())
          .contains("state.used")
          .doesNotContain("Quarterly", "portcullis-replay");
    }
    assertThat(LeakCheck.LINES.subList(logFrom, LeakCheck.LINES.size()))
        .noneMatch(l -> l.contains("Quarterly") || l.contains("urgent") || l.contains("line one"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "/app"})
  void formWhenNotKeptThen415Or413WithoutLoginAndApiOrCrossSiteKeep401(String contextPath)
      throws Exception {
    try (TestApp app = new TestApp(contextPath, provider, Map.of("preserve-post", "true"))) {
      String target = app.url("/notes");
      String origin = origin(app);

      HttpResponse<String> multipart =
          raw(
              target,
              "multipart/form-data; boundary=XyZ",
              "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--XyZ--\r\n",
              "Sec-Fetch-Site",
              "same-origin");
      assertThat(multipart.statusCode()).isEqualTo(415);
      assertThat(multipart.body())
          .contains("post.type", "Start again", contextPath + "/oauth2/callback?return_to=");
      assertThat(multipart.headers().allValues("Set-Cookie")).isEmpty();

      HttpResponse<String> json =
          raw(target, "application/json", "{\"a\":1}", "Sec-Fetch-Site", "same-origin");
      assertThat(json.statusCode()).isEqualTo(415);

      String large = "a=" + "x".repeat(70_000);
      HttpResponse<String> tooLarge =
          raw(target, "application/x-www-form-urlencoded", large, "Sec-Fetch-Site", "same-origin");
      assertThat(tooLarge.statusCode()).isEqualTo(413);
      assertThat(tooLarge.body()).contains("post.too_large");
      assertThat(tooLarge.headers().allValues("Set-Cookie")).isEmpty();

      for (List<String> headers :
          List.of(
              List.of("Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"),
              List.of("Origin", "https://evil.example"),
              List.of(
                  "Sec-Fetch-Site", "same-origin", "Origin", origin, "Accept", "application/json"),
              List.of("Sec-Fetch-Site", "same-origin", "X-Requested-With", "XMLHttpRequest"))) {
        HttpResponse<String> r =
            raw(target, "application/x-www-form-urlencoded", "a=1", headers.toArray(String[]::new));
        assertThat(r.statusCode()).as(headers.toString()).isEqualTo(401);
        assertThat(r.headers().allValues("Set-Cookie")).as(headers.toString()).isEmpty();
      }
    }
  }

  /**
   * A filter of the application's mapped before Portcullis that reads the parameters (Spring's
   * HiddenHttpMethodFilter does): the body is gone, and the form is refused as unreadable, never
   * posted again empty.
   */
  @org.junit.jupiter.api.Test
  void formWhenAFilterBeforePortcullisReadTheParametersThen400NotAnEmptyForm() throws Exception {
    jakarta.servlet.Filter reader =
        (req, res, chain) -> {
          req.getParameter("_method");
          chain.doFilter(req, res);
        };
    try (TestApp app =
        new TestApp(
            provider,
            Map.of("preserve-post", "true"),
            (jetty, filter) -> jetty.addFilterFirst(reader),
            (tomcat, filter) -> {
              org.apache.tomcat.util.descriptor.web.FilterDef def =
                  new org.apache.tomcat.util.descriptor.web.FilterDef();
              def.setFilterName("reader");
              def.setFilter(reader);
              def.setFilterClass(reader.getClass().getName());
              tomcat.addFilterDef(def);
              org.apache.tomcat.util.descriptor.web.FilterMap map =
                  new org.apache.tomcat.util.descriptor.web.FilterMap();
              map.setFilterName("reader");
              map.addURLPattern("/*");
              tomcat.addFilterMapBefore(map);
            })) {
      HttpResponse<String> r =
          raw(
              app.url("/notes"),
              "application/x-www-form-urlencoded",
              "a=1&b=2",
              "Sec-Fetch-Site",
              "same-origin");
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.body()).contains("post.unreadable");
      assertThat(r.headers().allValues("Set-Cookie")).isEmpty();
    }
  }

  /** A browser-like POST (navigation headers, no cookies) with {@code headers} on top. */
  private static HttpResponse<String> raw(
      String url, String contentType, String body, String... headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(20))
            .header("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8")
            .header("Sec-Fetch-Mode", "navigate")
            .header("Sec-Fetch-Dest", "document")
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.setHeader(headers[i], headers[i + 1]);
    }
    return RAW.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
