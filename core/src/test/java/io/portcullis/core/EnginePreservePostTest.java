package io.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testsupport.FakeProvider;
import io.portcullis.testsupport.ReplayPage;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 AC1, through {@link Portcullis#handle} only: {@code preserve-post} keeps a browser's
 * same-origin form across the login, bound to its pending login, once, and refuses what it cannot
 * keep; without the key, and for API or cross-site requests, a {@code POST} keeps today's {@code
 * 401}.
 */
class EnginePreservePostTest {
  private static final String FORM = "application/x-www-form-urlencoded";
  private final EngineFixture f = new EngineFixture();

  @AfterEach
  void stop() {
    f.close();
  }

  /** A browser's same-origin submission of {@code body} to {@code target}. */
  private InMemoryExchange formPost(String target, String contentType, byte[] body) {
    return f.browser("POST", target)
        .header("Sec-Fetch-Site", "same-origin")
        .header("Origin", "https://app.example.com")
        .header("Content-Length", Integer.toString(body.length))
        .body(contentType, body);
  }

  private InMemoryExchange formPost(String target, String body) {
    return formPost(target, FORM, body.getBytes(StandardCharsets.UTF_8));
  }

  /** The provider's callback URL (path and query) for the authorization request {@code url}. */
  private String callbackUrl(Outcome start) {
    assertThat(start).as("login start").isInstanceOf(Outcome.Redirect.class);
    FakeProvider.Callback cb = f.provider.authorize(((Outcome.Redirect) start).location());
    return cb.redirectUri().getRawPath() + "?" + cb.query();
  }

  /** Another browser: no cookie, no session (the last one logged in). */
  private void newBrowser() {
    f.cookies.clear();
    f.session = new InMemoryExchange.Session();
  }

  private static Outcome.ReplayPost replay(Outcome outcome) {
    assertThat(outcome).isInstanceOf(Outcome.ReplayPost.class);
    return (Outcome.ReplayPost) outcome;
  }

  private static List<String> pairs(Outcome.ReplayPost replay) {
    return replay.fields().stream().map(x -> x.name() + "=" + x.value()).toList();
  }

  @Test
  void postWhenKeyOnAndLoggedOutThenLoginStartsAndCallbackAnswersAPageThatPostsTheFormOnce() {
    f.start("preserve-post", "true");
    String body = "a=1&b=%3Cx%3E+%26+%22y%22&a=2&empty=&flag";
    InMemoryExchange post = formPost("/orders/7?view=full", body);
    Outcome start = f.send(post);

    assertThat(start).isInstanceOf(Outcome.Redirect.class);
    String location = ((Outcome.Redirect) start).location();
    assertThat(location).doesNotContain("%3Cx", "empty", "flag", "a%3D1");
    assertThat(post.setCookies()).noneMatch(c -> c.contains("%3Cx") || c.contains("empty"));
    assertThat(f.session.attribute(PreservedPost.ATTRIBUTE))
        .isInstanceOf(PreservedPost.Saved.class)
        .asString()
        .doesNotContain("<x>", "empty");

    String callback = callbackUrl(start);
    Outcome.ReplayPost replay = replay(f.get(callback));
    assertThat(replay.action()).isEqualTo("/orders/7?view=full");
    assertThat(replay.charset()).isEqualTo("UTF-8");
    assertThat(pairs(replay)).containsExactly("a=1", "b=<x> & \"y\"", "a=2", "empty=", "flag=");
    assertThat(f.login()).as("logged in").isNotNull();
    assertThat(f.session.attribute(PreservedPost.ATTRIBUTE)).as("used up").isNull();

    Responses.Response page = Responses.render(replay);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.headers())
        .containsEntry("Cache-Control", "no-store")
        .containsEntry("Referrer-Policy", "no-referrer")
        .containsEntry("X-Frame-Options", "DENY")
        .containsEntry("Content-Type", "text/html; charset=UTF-8");
    String csp = page.headers().get("Content-Security-Policy");
    assertThat(csp).contains("default-src 'none'", "form-action 'self'", "frame-ancestors 'none'");
    Matcher nonce = Pattern.compile("script-src 'nonce-([A-Za-z0-9_-]{24})'").matcher(csp);
    assertThat(nonce.find()).as(csp).isTrue();
    assertThat(page.body())
        .contains("<script nonce=\"" + nonce.group(1) + "\">")
        .contains("action=\"/orders/7?view=full\"", "method=\"post\"", "<noscript>")
        .contains("value=\"&lt;x&gt; &amp; &quot;y&quot;\"")
        .doesNotContain("<x>");

    // The same callback again (a reload, a replay): refused as a used state, nothing posted.
    Outcome again = f.get(callback);
    assertThat(EngineLoginTest.reason(again)).isEqualTo("state.used");
    // And the page first asked for is served as usual afterwards.
    assertThat(f.get("/orders/7?view=full")).isInstanceOf(Outcome.Proceed.class);
  }

  @Test
  void postWhenKeyOffThenTodays401AndTheBodyIsNotRead() {
    f.start();
    InMemoryExchange post = formPost("/orders", "a=1");
    assertThat(f.send(post)).isInstanceOf(Outcome.Challenge.class);
    assertThat(post.bodyReads()).isZero();
    assertThat(post.setCookies()).isEmpty();
    assertThat(post.session().id()).isNull();
  }

  @Test
  void postWhenApiOrCrossSiteOrOfUnknownOriginThenTodays401AndNothingKept() {
    f.start("preserve-post", "true");
    List<InMemoryExchange> refused =
        List.of(
            f.api("POST", "/orders")
                .header("Sec-Fetch-Site", "same-origin")
                .body(FORM, "a=1".getBytes(StandardCharsets.UTF_8)),
            formPost("/orders", "a=1").header("Sec-Fetch-Site", "cross-site"),
            formPost("/orders", "a=1").header("Sec-Fetch-Site", "same-site"),
            formPost("/orders", "a=1").header("Sec-Fetch-Site", "none"),
            // An older browser: no Sec-Fetch-Site, and an Origin that is not the application's.
            f.browser("POST", "/orders")
                .header("Origin", "https://evil.example")
                .body(FORM, "a=1".getBytes(StandardCharsets.UTF_8)),
            f.browser("POST", "/orders")
                .header("Origin", "https://app.example.com:8443")
                .body(FORM, "a=1".getBytes(StandardCharsets.UTF_8)),
            // Neither header: not known to be same-origin.
            f.browser("POST", "/orders").body(FORM, "a=1".getBytes(StandardCharsets.UTF_8)));
    for (InMemoryExchange post : refused) {
      assertThat(f.send(post)).isInstanceOf(Outcome.Challenge.class);
      assertThat(post.bodyReads()).isZero();
      assertThat(post.setCookies()).isEmpty();
    }
    assertThat(f.session.id()).isNull();

    // An older browser's same-origin form (Origin only, default port spelled out) is kept.
    InMemoryExchange older =
        f.browser("POST", "/orders")
            .header("Origin", "https://app.example.com:443")
            .body(FORM, "a=1".getBytes(StandardCharsets.UTF_8));
    assertThat(pairs(replay(f.get(callbackUrl(f.send(older)))))).containsExactly("a=1");
  }

  @Test
  void postWhenNotAFormThen415WithALinkToSignInAndNoLoginStarted() {
    f.start("preserve-post", "true");
    for (String type :
        new String[] {
          "multipart/form-data; boundary=x",
          "application/json",
          "text/plain",
          "application/x-www-form-urlencoded; charset=no-such-charset",
          null
        }) {
      InMemoryExchange post = formPost("/orders?x=1", type, "a=1".getBytes(StandardCharsets.UTF_8));
      Outcome outcome = f.send(post);
      assertThat(EngineLoginTest.reason(outcome)).as(type).isEqualTo("post.type");
      assertThat(EngineLoginTest.status(outcome)).isEqualTo(415);
      Outcome.Rejected rejected = (Outcome.Rejected) outcome;
      assertThat(rejected.api()).isFalse();
      assertThat(rejected.retryUrl()).isEqualTo("/oauth2/callback?return_to=%2Forders%3Fx%3D1");
      assertThat(post.setCookies()).as("no pending login").isEmpty();
      assertThat(post.bodyReads()).isZero();
    }
    assertThat(f.session.id()).isNull();
    Responses.Response page =
        Responses.render(
            new Outcome.Rejected(Reason.POST_TYPE, "/oauth2/callback?return_to=%2F", false));
    assertThat(page.status()).isEqualTo(415);
    assertThat(page.body()).contains("cannot be kept", "post.type", "Start again");
  }

  @Test
  void postWhenLargerThanTheLimitThen413AndAtTheLimitKept() {
    f.start("preserve-post", "true", "preserve-post-max-bytes", "100");
    byte[] atLimit = ("a=" + "x".repeat(98)).getBytes(StandardCharsets.US_ASCII);
    byte[] over = ("a=" + "x".repeat(99)).getBytes(StandardCharsets.US_ASCII);

    InMemoryExchange declared = formPost("/orders", FORM, over);
    Outcome outcome = f.send(declared);
    assertThat(EngineLoginTest.reason(outcome)).isEqualTo("post.too_large");
    assertThat(EngineLoginTest.status(outcome)).isEqualTo(413);
    assertThat(declared.bodyReads()).as("refused by its Content-Length, unread").isZero();
    assertThat(declared.setCookies()).isEmpty();

    InMemoryExchange chunked = f.browser("POST", "/orders").header("Sec-Fetch-Site", "same-origin");
    chunked.body(FORM, over);
    assertThat(EngineLoginTest.reason(f.send(chunked))).isEqualTo("post.too_large");
    assertThat(chunked.setCookies()).isEmpty();
    assertThat(f.session.id()).isNull();

    Outcome.ReplayPost kept =
        replay(f.get(callbackUrl(f.send(formPost("/orders", FORM, atLimit)))));
    assertThat(pairs(kept)).containsExactly("a=" + "x".repeat(98));
  }

  @Test
  void postWhenBodyIsNotFormEncodingThen400() {
    f.start("preserve-post", "true");
    for (String body : new String[] {"a=%zz", "a=%4", "%=1"}) {
      Outcome outcome = f.send(formPost("/orders", body));
      assertThat(EngineLoginTest.reason(outcome)).as(body).isEqualTo("post.unreadable");
      assertThat(EngineLoginTest.status(outcome)).isEqualTo(400);
    }
    // A body something read before the filter (what is left is not what was announced).
    InMemoryExchange consumed =
        f.browser("POST", "/orders")
            .header("Sec-Fetch-Site", "same-origin")
            .header("Content-Length", "3")
            .body(FORM, new byte[0]);
    assertThat(EngineLoginTest.reason(f.send(consumed))).isEqualTo("post.unreadable");
    assertThat(consumed.setCookies()).isEmpty();
    // An empty form is a form (mod_auth_openidc CVE-2025-3891): posted again, empty.
    Outcome.ReplayPost empty = replay(f.get(callbackUrl(f.send(formPost("/orders", "")))));
    assertThat(empty.fields()).isEmpty();
    assertThat(Responses.render(empty).body()).contains("<form").doesNotContain("<input");
  }

  @Test
  void formWhenAnotherPendingLoginCompletesThenItIsNotReleasedThereButToItsOwnCallback() {
    f.start("preserve-post", "true");
    Outcome withForm = f.send(formPost("/orders", "note=mine"));
    String formCallback = callbackUrl(withForm);
    // A second tab starts its own login with a GET and completes it first.
    String otherCallback = callbackUrl(f.get("/reports"));
    Outcome other = f.get(otherCallback);
    assertThat(other).isInstanceOf(Outcome.Redirect.class);
    assertThat(((Outcome.Redirect) other).location()).isEqualTo("/reports");
    assertThat(f.session.attribute(PreservedPost.ATTRIBUTE)).as("still kept").isNotNull();

    assertThat(pairs(replay(f.get(formCallback)))).containsExactly("note=mine");
  }

  @Test
  void formWhenMovedToAnotherPendingLoginThenItDoesNotOpen() {
    f.start("preserve-post", "true");
    f.send(formPost("/orders", "note=secret"));
    PreservedPost.Saved saved = (PreservedPost.Saved) f.session.attribute(PreservedPost.ATTRIBUTE);
    // The browser starts another login; the kept form is relabelled to it (its lookup key), but
    // its sealed body stays bound to the first one's state.
    Outcome second = f.get("/reports");
    String state = EngineFixture.queryParam(((Outcome.Redirect) second).location(), "state");
    InMemoryExchange write = new InMemoryExchange("GET", "/").session(f.session);
    write.sessionAttribute(
        PreservedPost.ATTRIBUTE,
        new PreservedPost.Saved(PreservedPost.key(state), saved.createdAtMillis(), saved.sealed()));

    Outcome outcome = f.get(callbackUrl(second));
    assertThat(outcome).isInstanceOf(Outcome.Redirect.class);
    assertThat(f.session.attribute(PreservedPost.ATTRIBUTE)).isNull();
  }

  @Test
  void formWhenAnotherFormIsPostedLaterThenOnlyTheLatestIsKept() {
    f.start("preserve-post", "true");
    String first = callbackUrl(f.send(formPost("/a", "n=1")));
    String second = callbackUrl(f.send(formPost("/b", "n=2")));
    assertThat(f.get(first)).isInstanceOf(Outcome.Redirect.class); // its form was replaced
    assertThat(f.login()).isNotNull();
    // Logged in now: the second login's callback still completes and posts its own form.
    Outcome.ReplayPost latest = replay(f.get(second));
    assertThat(latest.action()).isEqualTo("/b");
    assertThat(pairs(latest)).containsExactly("n=2");
  }

  @Test
  void formWhenTheLoginExpiresThenItIsNeverReleased() {
    f.start("preserve-post", "true");
    String callback = callbackUrl(f.send(formPost("/orders", "n=1")));
    f.clock.advance(Duration.ofMillis(LoginStarter.LIFETIME_MILLIS + 1000));
    assertThat(EngineLoginTest.reason(f.get(callback))).isEqualTo("state.expired");
    assertThat(f.session.attribute(PreservedPost.ATTRIBUTE)).isNull();
  }

  @Test
  void formWhenNotUtf8ThenDecodedAsWindows1252OrItsDeclaredCharsetAndPostedSo() {
    f.start("preserve-post", "true");
    Outcome.ReplayPost legacy = replay(f.get(callbackUrl(f.send(formPost("/o", "n=%E9t%E9")))));
    assertThat(legacy.charset()).isEqualTo("windows-1252");
    assertThat(pairs(legacy)).containsExactly("n=été");
    assertThat(Responses.render(legacy).body()).contains("accept-charset=\"windows-1252\"");

    newBrowser();
    byte[] body = "n=%E9".getBytes(StandardCharsets.US_ASCII);
    Outcome.ReplayPost declared =
        replay(f.get(callbackUrl(f.send(formPost("/o", FORM + "; charset=ISO-8859-15", body)))));
    assertThat(declared.charset()).isEqualTo("ISO-8859-15");
    assertThat(pairs(declared)).containsExactly("n=é");
  }

  // ---- escaping: a property over generated forms -----------------------------------------------

  private static final String[] PIECES = {
    "a",
    "Z",
    "0",
    " ",
    "\"",
    "'",
    "<",
    ">",
    "&",
    "=",
    "+",
    "%",
    "#",
    "?",
    "/",
    ";",
    "\r\n",
    "\n",
    "\t",
    "é",
    "日本",
    "😀",
    "</script>",
    "<!--",
    "]]>",
    "&amp;",
    "&#34;",
    "`",
    "\\",
    "\u00a0",
    "\u2028"
  };

  private static String text(Random random, int maxPieces) {
    StringBuilder s = new StringBuilder();
    int n = random.nextInt(maxPieces + 1);
    for (int i = 0; i < n; i++) {
      s.append(PIECES[random.nextInt(PIECES.length)]);
    }
    return s.toString();
  }

  @Test
  void replayPageWhenGeneratedFormsThenEveryNameAndValueComesBackExactlyAndNothingElse() {
    f.start("preserve-post", "true");
    Random random = new Random(14_1);
    for (int i = 0; i < 150; i++) {
      newBrowser();
      List<String> expected = new ArrayList<>();
      StringBuilder body = new StringBuilder();
      int fields = random.nextInt(6);
      List<String> names = new ArrayList<>();
      for (int j = 0; j < fields; j++) {
        // Repeated names now and then; names are never empty (browsers skip unnamed fields).
        String name =
            !names.isEmpty() && random.nextInt(4) == 0
                ? names.get(random.nextInt(names.size()))
                : "n" + text(random, 3);
        names.add(name);
        String value = text(random, 8);
        expected.add(name + "=" + value);
        if (body.length() > 0) {
          body.append('&');
        }
        body.append(URLEncoder.encode(name, StandardCharsets.UTF_8))
            .append('=')
            .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
      }
      Outcome.ReplayPost replay =
          replay(f.get(callbackUrl(f.send(formPost("/form?i=" + i, body.toString())))));
      assertThat(pairs(replay)).as(body.toString()).containsExactlyElementsOf(expected);
      String html = Responses.render(replay).body();
      ReplayPage parsed = ReplayPage.parse(html);
      assertThat(parsed.fields()).as(body.toString()).containsExactlyElementsOf(expected);
      assertThat(parsed.action()).isEqualTo("/form?i=" + i);
      // No markup of the form's own: one form, one script, exactly the hidden inputs.
      assertThat(html.split("<input", -1)).hasSize(fields + 1);
      assertThat(html.split("<script", -1)).hasSize(2);
      assertThat(html.split("<form", -1)).hasSize(2);
      assertThat(html.split("</form>", -1)).hasSize(2);
      // Posted again as a browser encodes the fields: byte for byte the original body.
      assertThat(parsed.formBody()).isEqualTo(body.toString());
    }
  }
}
