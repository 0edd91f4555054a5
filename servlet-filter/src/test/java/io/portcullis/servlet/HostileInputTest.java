package io.portcullis.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testsupport.Browser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 5 "Hostile input": a seeded generator sends {@value #REQUESTS} malformed requests over real
 * sockets to Jetty and the filter: malformed callbacks (random, huge, duplicated, encoded {@code
 * code}, {@code state}, {@code iss}, {@code error}, {@code error_description}; form_post bodies;
 * wrong methods), random paths (encodings, dot segments, {@code ;} parameters, unicode, control
 * characters, very long), random headers (Host, Forwarded, X-Forwarded-*, Accept, Cookie with many,
 * huge and garbage {@code PORTCULLIS_TX_*} and {@code JSESSIONID} values, Authorization) and random
 * query parameters.
 *
 * <p>For every response: no 5xx, no stack trace, no token, code or secret of the provider. Half of
 * the requests use one fixed cookie jar, which also collects real pending logins so that some
 * callbacks carry a genuine {@code state} (never a genuine code); afterwards that jar, and every
 * session the run created, is still not logged in, and the provider issued no token during the run;
 * no response carries more than 34 {@code Set-Cookie} headers. Another small share uses a logged-in
 * browser's cookies, to look for leaks from a session that holds tokens.
 *
 * <p>The seed is random per run and printed; {@code -Dportcullis-test.hostile.seed=N} replays a
 * run, and every failure names the seed, the request index and how to replay it.
 */
// Jetty only: Tomcat itself answers some of these malformed requests (CONNECT, TRACE, broken
// request lines) with 501 or 505 before any filter runs, which Portcullis cannot change; the
// filter's own behaviour is the same on both containers.
class HostileInputTest extends IntegrationTest {

  @org.junit.jupiter.api.BeforeAll
  static void jettyOnly() {
    org.junit.jupiter.api.Assumptions.assumeFalse(
        TestApp.onTomcat(),
        "Jetty pass only: Tomcat answers some malformed requests 501/505 itself");
  }

  static final int REQUESTS = 10_000;

  /**
   * Replays a run: {@code -Dportcullis-test.hostile.seed=N}. Not {@code portcullis.*}: every filter
   * in the JVM that reads its configuration from the sources would refuse that as an unknown key.
   */
  static final String SEED_PROPERTY = "portcullis-test.hostile.seed";

  private static String replay(long seed) {
    return "-D"
        + SEED_PROPERTY
        + "="
        + seed
        + " -Dtest=HostileInputTest#tenThousandMalformedRequestsWhenSentThenNo5xxNoLeakNoLogin";
  }

  private static final int THREADS = 4;
  private static final Pattern STACK_TRACE =
      Pattern.compile("Exception|\\bat (io|java|org|jakarta|sun)\\.");
  private static final Pattern JSESSIONID =
      Pattern.compile("(?i)^Set-Cookie:\\s*JSESSIONID=([^;\\r\\n]+)", Pattern.MULTILINE);
  private static final Pattern TX_COOKIE =
      Pattern.compile(
          "(?i)^Set-Cookie:\\s*(PORTCULLIS_TX_[A-Za-z0-9_-]+)=([^;\\r\\n]*)", Pattern.MULTILINE);
  private static final Pattern SET_COOKIE = Pattern.compile("(?i)^Set-Cookie:", Pattern.MULTILINE);
  private static final Pattern STATE = Pattern.compile("[?&]state=([A-Za-z0-9_-]+)");

  private final Map<String, String> fixedJar = new ConcurrentHashMap<>();
  private final List<String> knownStates = new CopyOnWriteArrayList<>();
  private final Set<String> sessionsSeen = ConcurrentHashMap.newKeySet();
  private final Queue<String> failures = new ConcurrentLinkedQueue<>();
  private final AtomicInteger failureCount = new AtomicInteger();
  private final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
  private String loggedInCookies;
  private List<String> secrets;
  private String host;
  private int port;

  @Test
  void tenThousandMalformedRequestsWhenSentThenNo5xxNoLeakNoLogin() throws Exception {
    long seed = Long.getLong(SEED_PROPERTY, new SecureRandom().nextLong());
    System.out.println("HostileInputTest seed=" + seed + " (replay with " + replay(seed) + ")");
    URI base = URI.create(app.url(""));
    host = base.getHost();
    port = base.getPort();

    Browser alice = browser();
    assertThat(login(alice, "/profile").statusCode()).isEqualTo(200);
    loggedInCookies = alice.cookieHeader(TestApp.HOST);
    secrets = new ArrayList<>(provider.secretsIssued());
    secrets.add(TestApp.CLIENT_SECRET);
    secrets.removeIf(s -> s == null || s.length() < 8);
    int secretsBefore = provider.secretsIssued().size();
    int tokenRequestsBefore = provider.tokenRequests.get();

    long started = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    AtomicInteger next = new AtomicInteger();
    for (int t = 0; t < THREADS; t++) {
      pool.submit(
          () -> {
            for (int i = next.getAndIncrement(); i < REQUESTS; i = next.getAndIncrement()) {
              runOne(seed, i);
            }
          });
    }
    pool.shutdown();
    assertThat(pool.awaitTermination(120, TimeUnit.SECONDS))
        .as("seed=" + seed + ": finished in time")
        .isTrue();
    long millis = (System.nanoTime() - started) / 1_000_000;
    System.out.println(
        "HostileInputTest seed="
            + seed
            + ": "
            + REQUESTS
            + " requests in "
            + millis
            + " ms, statuses "
            + new java.util.TreeMap<>(statuses)
            + ", token requests "
            + (provider.tokenRequests.get() - tokenRequestsBefore)
            + ", sessions created "
            + sessionsSeen.size()
            + ", genuine states used "
            + knownStates.size());

    assertThat(failures)
        .as(
            "seed="
                + seed
                + " (replay with "
                + replay(seed)
                + "): "
                + failureCount.get()
                + " failing responses, first ones")
        .isEmpty();
    assertThat(provider.secretsIssued())
        .as("seed=" + seed + ": the provider issued no code or token")
        .hasSize(secretsBefore);

    // No session gained tokens: the fixed jar, and every session the run created, is logged out.
    System.out.println("HostileInputTest: fixed jar ends with " + fixedJar.size() + " cookies");
    // Only the session cookie can carry a login. (Four threads share the jar, so pre-login
    // cookies deleted by one response can be re-added by a concurrent one, as with many browser
    // tabs; sending them all could exceed the container's header limit: 431, not a login.)
    Browser jar = browser();
    if (fixedJar.containsKey("JSESSIONID")) {
      jar.cookies(TestApp.HOST).put("JSESSIONID", fixedJar.get("JSESSIONID"));
    }
    jar.navigation = false;
    HttpResponse<String> r = jar.get(app.url("/api/data"), Map.of("Accept", "application/json"));
    assertThat(r.statusCode()).as("seed=" + seed + ": fixed jar not logged in").isEqualTo(401);
    int checked = 0;
    for (String id : sessionsSeen) {
      if (checked++ == 300) {
        break;
      }
      String reply =
          send(
              "GET",
              "/app/api/data",
              List.of("Accept: application/json", "Cookie: JSESSIONID=" + id),
              null);
      assertThat(status(reply))
          .as("seed=" + seed + ": session created by the run is not logged in")
          .isEqualTo(401);
    }
    assertThat(millis).as("seed=" + seed + ": total time").isLessThan(60_000);
  }

  /**
   * Found by the generator (seed 309170380724284148): {@code Accept: ;;;} made RequestKind throw, a
   * 500.
   */
  @Test
  void acceptWhenOnlySeparatorsThenNoServerError() {
    URI base = URI.create(app.url(""));
    host = base.getHost();
    port = base.getPort();
    for (String accept : List.of(";;;", ";", ",;,", ";,;;", ";q=0")) {
      String reply = send("GET", "/app/profile", List.of("Accept: " + accept), null);
      assertThat(status(reply)).as("Accept: " + accept).isEqualTo(401);
    }
  }

  /**
   * A {@code CONNECT} that Jetty hands to its handlers ({@code *}, an authority target, a path
   * whose query ends like a port) is answered {@code 400}, but Jetty ignores {@code Connection:
   * close} on it and reads the connection as its content until the client closes: the exchange must
   * end with the client's half close, not with the client's read timeout (which used to end it,
   * whatever had arrived by then counting as the response).
   */
  @Test
  void connectWhenAnsweredByAHandlerThenTheExchangeEndsWithoutWaitingForATimeout() {
    URI base = URI.create(app.url(""));
    host = base.getHost();
    port = base.getPort();
    for (String target :
        List.of("*", "localhost:80", "evil.example:443", "/app/profile?x=abc:80", "/app/profile")) {
      for (String body : java.util.Arrays.asList(null, "code=abc&state=def")) {
        long started = System.nanoTime();
        String reply = send("CONNECT", target, List.of("Accept: text/html"), body);
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertThat(reply).as(target).startsWith("HTTP/1.1 400 ");
        assertThat(millis).as(target + ": answered and closed at once").isLessThan(5_000);
      }
    }
  }

  private void runOne(long seed, int index) {
    Random random = new Random(seed * 0x9E3779B97F4A7C15L + index);
    Generated g = generate(random);
    String response;
    try {
      response = send(g.method, g.target, g.headers, g.body);
    } catch (RuntimeException e) {
      fail(seed, index, g, "no response: " + e);
      return;
    }
    if (response.isEmpty()) {
      // Under load Jetty has, about once in 50,000 requests, closed a connection without sending a
      // byte (seed -1349029399854280191, request #8202; replays of such seeds passed). One more
      // try on a fresh connection tells that from a request that never gets an answer.
      try {
        response = send(g.method, g.target, g.headers, g.body);
      } catch (RuntimeException e) {
        fail(seed, index, g, "no response on the second try: " + e);
        return;
      }
    }
    if (response.length() < 12 || !response.startsWith("HTTP/1.1 ")) {
      fail(seed, index, g, "no HTTP response: " + abbreviate(response));
      return;
    }
    int status = status(response);
    statuses.computeIfAbsent(status, k -> new AtomicInteger()).incrementAndGet();
    // A blank or control character in the target breaks the request line itself: Jetty's parser
    // reads a bad HTTP version (505) before any filter runs. Under load its parser has also been
    // seen to answer "505 Unknown Version" to a long request line without one (seed
    // 6211064714243579302, request #9028; replays passed): Jetty's page for a request its parser
    // refused names the URI /badMessage, and no filter ran. Every other 5xx is a failure.
    boolean parserRefused =
        status == 505
            && (g.target.chars().anyMatch(c -> c <= ' ')
                || response.contains("<th>URI:</th><td>/badMessage</td>"));
    if (status >= 500 && !parserRefused) {
      fail(seed, index, g, "status " + status + ": " + abbreviate(response));
    }
    Matcher trace = STACK_TRACE.matcher(response);
    if (trace.find()) {
      fail(seed, index, g, "stack trace (" + trace.group() + "): " + abbreviate(response));
    }
    for (String secret : secrets) {
      if (response.contains(secret)) {
        int at = response.indexOf(secret);
        String around = response.substring(Math.max(0, response.lastIndexOf('\n', at)), at);
        boolean logoutHint =
            around.startsWith("\nLocation: " + provider.issuer())
                && around.contains("id_token_hint=");
        if (!logoutHint) {
          fail(seed, index, g, "leaks a provider secret: " + abbreviate(response));
        }
      }
    }
    Matcher setCookie = SET_COOKIE.matcher(response);
    int setCookies = 0;
    while (setCookie.find()) {
      setCookies++;
    }
    if (setCookies > 2 * 16 + 2) {
      fail(seed, index, g, setCookies + " Set-Cookie headers: " + abbreviate(response));
    }
    Matcher session = JSESSIONID.matcher(response);
    while (session.find()) {
      if (!loggedInCookies.contains(session.group(1))) {
        sessionsSeen.add(session.group(1));
      }
    }
    if (g.fixedJar) {
      Matcher tx = TX_COOKIE.matcher(response);
      while (tx.find()) {
        if (tx.group(2).isEmpty()) {
          fixedJar.remove(tx.group(1));
        } else {
          fixedJar.put(tx.group(1), tx.group(2));
        }
      }
      Matcher js = JSESSIONID.matcher(response);
      while (js.find()) {
        fixedJar.put("JSESSIONID", js.group(1));
      }
      Matcher state =
          STATE.matcher(response.substring(0, Math.max(0, response.indexOf("\r\n\r\n"))));
      if (status == 302 && state.find() && knownStates.size() < 5_000) {
        knownStates.add(state.group(1));
      }
    }
  }

  private void fail(long seed, int index, Generated g, String what) {
    if (failureCount.incrementAndGet() <= 10) {
      failures.add(
          "seed="
              + seed
              + " request #"
              + index
              + " "
              + g.method
              + " "
              + abbreviate(g.target)
              + " headers="
              + abbreviate(String.valueOf(g.headers))
              + (g.body == null ? "" : " body=" + abbreviate(g.body))
              + " → "
              + what);
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 400 ? s : s.substring(0, 400) + "…(" + s.length() + " chars)";
  }

  // ---------------------------------------------------------------- generation

  private record Generated(
      String method, String target, List<String> headers, String body, boolean fixedJar) {}

  private static final String[] METHODS = {
    "GET",
    "GET",
    "GET",
    "GET",
    "POST",
    "POST",
    "HEAD",
    "PUT",
    "DELETE",
    "OPTIONS",
    "PATCH",
    "TRACE",
    "get",
    "G3T",
    "PROPFIND",
    "CONNECT"
  };
  private static final String[] PATHS = {
    "/oauth2/callback",
    "/oauth2/callback",
    "/oauth2/callback",
    "/oauth2/callback/",
    "/oauth2//callback",
    "/oauth2/./callback",
    "/oauth2/x/../callback",
    "/oauth2/callback;jsessionid=abc",
    "/oauth2/%63allback",
    "/OAUTH2/callback",
    "/oauth2/callback%2f",
    "/",
    "/health",
    "/profile",
    "/api/data",
    "/admin/panel",
    "/reports/2024",
    "/logout",
    "/logout",
    "/static/app.js",
    "/whoami"
  };
  private static final String[] PATH_PIECES = {
    "/",
    "//",
    "/.",
    "/..",
    "/./",
    "/../",
    "%2e",
    "%2E%2E",
    "%2f",
    "%2F",
    "%5c",
    "\\",
    "%00",
    "%0a",
    "%0d%0a",
    "%09",
    ";",
    ";a=b",
    ";jsessionid=x",
    "%3b",
    "%",
    "%zz",
    "%%",
    "%u002e",
    "%c0%af",
    "%e2%80%ae",
    "é",
    "日本",
    "\u202e",
    "%ff",
    "+",
    "?",
    "#",
    "*",
    "~",
    "..;",
    "a",
    "b",
    "admin",
    "api",
    "oauth2",
    "callback",
    "logout",
    ".well-known",
    "WEB-INF",
    " ",
    "\t",
    "\u0001",
    "\u007f",
    "'",
    "\"",
    "<",
    ">"
  };
  private static final String[] PARAM_NAMES = {
    "code",
    "state",
    "iss",
    "error",
    "error_description",
    "error_uri",
    "session_state",
    "return_to",
    "id_token",
    "access_token",
    "response_mode",
    "redirect_uri",
    "x",
    "",
    "code[]",
    "STATE",
    "co%64e",
    "state%00",
    "%26code"
  };
  private static final String[] ERRORS = {
    "access_denied",
    "server_error",
    "temporarily_unavailable",
    "invalid_request",
    "login_required",
    "<script>alert(1)</script>",
    "../../etc/passwd"
  };

  private Generated generate(Random r) {
    int mode = r.nextInt(20);
    if (mode == 0) {
      // A genuine login start in the fixed jar (hostile query, extra cookies): new pending states.
      String query = r.nextBoolean() ? "" : "?" + query(r, false);
      return new Generated(
          "GET",
          "/app" + pick(r, new String[] {"/profile", "/reports/x", "/deep/page"}) + query,
          new ArrayList<>(
              List.of(
                  "Host: " + host + ":" + port,
                  "Accept: text/html",
                  "Cookie: " + cookies(r, true, false))),
          null,
          true);
    }
    if (mode == 1 && !knownStates.isEmpty()) {
      // A well-formed callback in the fixed jar with a genuine state and a made-up code, plus at
      // most one hostile extra: it gets as far as the token endpoint, which must refuse the code.
      String state = knownStates.get(Math.max(0, knownStates.size() - 1 - r.nextInt(4)));
      String query = "state=" + state + "&code=" + token(r, 10 + r.nextInt(200));
      if (r.nextBoolean()) {
        String name =
            pick(
                r,
                new String[] {
                  "iss", "iss", "error", "error_description", "session_state", "id_token", "x"
                });
        query += "&" + name + "=" + value(r, name);
      }
      return new Generated(
          "GET",
          "/app/oauth2/callback?" + query,
          new ArrayList<>(
              List.of(
                  "Host: " + host + ":" + port,
                  "Accept: text/html",
                  "Cookie: " + cookies(r, true, false))),
          null,
          true);
    }
    boolean fixed = r.nextBoolean();
    boolean loggedIn = !fixed && r.nextInt(10) == 0;
    String method = pick(r, METHODS);
    String path;
    int shape = r.nextInt(10);
    if (shape < 5) {
      path = pick(r, PATHS);
    } else if (shape < 9) {
      StringBuilder p = new StringBuilder();
      for (int i = 0, n = 1 + r.nextInt(8); i < n; i++) {
        p.append(pick(r, PATH_PIECES));
      }
      path = (p.charAt(0) == '/' ? "" : "/") + p;
    } else {
      path = "/" + repeat(r, pick(r, PATH_PIECES), 200 + r.nextInt(12_000));
    }
    String prefix =
        switch (r.nextInt(20)) {
          case 0 -> "";
          case 1 -> "http://evil.example/app";
          case 2 -> "/app/..";
          case 3 -> "/APP";
          case 4 -> "/app;x=y";
          default -> "/app";
        };
    boolean genuineState =
        fixed && !knownStates.isEmpty() && path.startsWith("/oauth2/callback") && r.nextInt(2) == 0;
    String query = r.nextInt(5) == 0 ? null : query(r, genuineState);
    String target = prefix + path + (query == null ? "" : "?" + query);
    if (r.nextInt(200) == 0) {
      target = "*";
    }

    List<String> headers = new ArrayList<>();
    int hostChoice = r.nextInt(12);
    switch (hostChoice) {
      case 0 -> headers.add("Host: evil.example");
      case 1 -> headers.add("Host: ");
      case 2 -> headers.add("Host: " + repeat(r, "h", 100 + r.nextInt(5000)));
      case 3 -> headers.add("Host: localhost:" + r.nextInt(100_000));
      case 4 -> headers.add("Host: user@evil.example:" + port);
      case 5 -> headers.add("Host: [::1]:" + port);
      case 6 -> headers.add("Host: " + host + ":" + port + "\u00e9");
      default -> headers.add("Host: " + host + ":" + port);
    }
    if (r.nextInt(4) == 0) {
      headers.add(
          pick(
              r,
              new String[] {
                "Forwarded: for=1.2.3.4;proto=https;host=evil.example",
                "Forwarded: for=\"[::1]\";host=\"a,b\";proto=javascript",
                "Forwarded: " + garbage(r, 200),
                "X-Forwarded-Host: evil.example",
                "X-Forwarded-Proto: gopher",
                "X-Forwarded-Port: -1",
                "X-Forwarded-For: " + garbage(r, 50),
                "X-Forwarded-Prefix: //evil.example",
                "X-Forwarded-Uri: /admin",
                "X-Original-URL: /admin/panel",
                "X-Rewrite-URL: /admin/panel"
              }));
    }
    if (r.nextInt(3) > 0) {
      headers.add(
          "Accept: "
              + pick(
                  r,
                  new String[] {
                    "text/html",
                    "application/json",
                    "*/*",
                    "*/*;q=0",
                    "text/html;q=0",
                    "text/*",
                    "",
                    ";;;,,,",
                    garbage(r, 100),
                    repeat(r, "text/html;q=0.1,", 300),
                    "application/json;q=abc"
                  }));
    }
    if (r.nextInt(4) == 0) {
      headers.add(
          pick(
              r,
              new String[] {
                "Sec-Fetch-Mode: navigate",
                "Sec-Fetch-Mode: cors",
                "Sec-Fetch-Dest: document",
                "Sec-Fetch-Dest: empty",
                "X-Requested-With: XMLHttpRequest",
                "Sec-Fetch-Site: cross-site"
              }));
    }
    if (r.nextInt(6) == 0) {
      headers.add(
          "Authorization: "
              + pick(
                  r,
                  new String[] {
                    "Bearer " + garbage(r, 80),
                    "Bearer ",
                    "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.",
                    "Basic " + garbage(r, 40),
                    "Negotiate",
                    garbage(r, 300),
                    "Bearer " + repeat(r, "eyJ", 2000)
                  }));
    }
    String cookies = cookies(r, fixed, loggedIn);
    if (!cookies.isEmpty()) {
      headers.add("Cookie: " + cookies);
    }
    if (r.nextInt(15) == 0) {
      headers.add(garbage(r, 20).replace(":", "") + ": " + garbage(r, 40));
    }
    String body = null;
    if (method.equals("POST")
        || method.equals("PUT")
        || method.equals("PATCH")
        || r.nextInt(30) == 0) {
      body = r.nextInt(6) == 0 ? garbage(r, r.nextInt(3000)) : query(r, genuineState);
      if (r.nextInt(25) == 0) {
        body =
            body + "&" + repeat(r, "k=v&", 1_000 + r.nextInt(2_000)); // beyond the form key limit
      }
      headers.add(
          "Content-Type: "
              + pick(
                  r,
                  new String[] {
                    "application/x-www-form-urlencoded",
                    "application/x-www-form-urlencoded",
                    "application/x-www-form-urlencoded; charset=utf-8",
                    "application/x-www-form-urlencoded; charset=utf-42",
                    "application/x-www-form-urlencoded; charset=ISO-8859-1",
                    "multipart/form-data; boundary=zz",
                    "multipart/form-data",
                    "application/json",
                    "text/plain",
                    garbage(r, 30)
                  }));
    }
    return new Generated(method, target, headers, body, fixed);
  }

  private String query(Random r, boolean genuineState) {
    StringBuilder q = new StringBuilder();
    if (genuineState) {
      // One of the latest pending logins of the fixed jar (likely still there), with a made-up
      // code.
      q.append("state=")
          .append(knownStates.get(Math.max(0, knownStates.size() - 1 - r.nextInt(8))));
      if (r.nextBoolean()) {
        q.append("&code=").append(token(r, 10 + r.nextInt(100)));
      }
    }
    for (int i = 0, n = r.nextInt(6); i < n; i++) {
      if (q.length() > 0 || r.nextInt(10) == 0) {
        q.append(pick(r, new String[] {"&", "&", "&", "&&", ";", "&=&"}));
      }
      String name = pick(r, PARAM_NAMES);
      q.append(name);
      if (r.nextInt(12) == 0) {
        continue; // a name without "="
      }
      q.append('=').append(value(r, name));
    }
    if (r.nextInt(8) == 0 && q.length() > 0) {
      q.append('&').append(q); // duplicated parameters
    }
    return q.toString();
  }

  private String value(Random r, String name) {
    return switch (r.nextInt(12)) {
      case 0 -> "";
      case 1 -> repeat(r, "A", 400 + r.nextInt(6000)); // around and beyond the parameter limits
      case 2 -> garbage(r, 60);
      case 3 -> pick(r, ERRORS);
      case 4 -> provider.issuer();
      case 5 -> "https://evil.example";
      case 6 ->
          "%" + pick(r, new String[] {"", "z", "zz", "00", "0a", "c0%af", "e2%82", "ff", "2f"});
      case 7 -> "%2F%2Fevil.example%2F";
      case 8 -> "%E6%97%A5%E6%9C%AC%F0%9F%98%80";
      case 9 -> "+%20+";
      case 10 -> "/%5C/evil.example";
      default ->
          name.equals("state") && !knownStates.isEmpty() && r.nextBoolean()
              ? knownStates.get(r.nextInt(knownStates.size()))
              : token(r, 43);
    };
  }

  private String cookies(Random r, boolean fixed, boolean loggedIn) {
    List<String> parts = new ArrayList<>();
    if (fixed) {
      fixedJar.forEach((k, v) -> parts.add(k + "=" + v));
    } else if (loggedIn) {
      parts.add(loggedInCookies);
    }
    int extra = r.nextInt(8);
    if (extra == 0) {
      for (int i = 0, n = 1 + r.nextInt(120); i < n; i++) {
        parts.add("PORTCULLIS_TX_" + token(r, 16) + "=" + token(r, 20 + r.nextInt(200)));
      }
    } else if (extra == 1) {
      parts.add("PORTCULLIS_TX_" + token(r, 16) + "=" + token(r, 4000 + r.nextInt(6000)));
    } else if (extra == 2) {
      parts.add(
          "JSESSIONID="
              + pick(
                  r,
                  new String[] {
                    token(r, 32),
                    "",
                    garbage(r, 40),
                    repeat(r, "x", 5000),
                    "node0" + token(r, 20) + ".node0"
                  }));
      if (r.nextBoolean()) {
        parts.add("JSESSIONID=" + token(r, 30));
      }
    } else if (extra == 3) {
      parts.add(
          pick(
              r,
              new String[] {
                ";;;",
                "=x",
                "PORTCULLIS_TX_=",
                "PORTCULLIS_TX_" + garbage(r, 10) + "=" + garbage(r, 30),
                "a=\"unterminated",
                "$Version=1",
                garbage(r, 100)
              }));
    }
    if (r.nextInt(4) == 0) {
      java.util.Collections.shuffle(parts, r);
    }
    return String.join("; ", parts);
  }

  private static String pick(Random r, String[] options) {
    return options[r.nextInt(options.length)];
  }

  private static String repeat(Random r, String s, int length) {
    StringBuilder sb = new StringBuilder(length + s.length());
    while (sb.length() < length) {
      sb.append(s);
    }
    return sb.toString();
  }

  private static String token(Random r, int length) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  /** Printable and hostile characters, some unicode and (rarely) control characters. */
  private static String garbage(Random r, int length) {
    String alphabet = "abcXYZ019 !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~éü日€\u202e";
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      if (r.nextInt(60) == 0) {
        sb.append((char) r.nextInt(32));
      } else {
        sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
      }
    }
    return sb.toString();
  }

  // ---------------------------------------------------------------- transport

  /**
   * One request on its own connection, the target and headers sent byte for byte (UTF-8), then the
   * sending half closed; returns everything the server sent until it closed the connection.
   *
   * <p>The half close is what ends every exchange with the server's close: Jetty ignores {@code
   * Connection: close} on a {@code CONNECT} it answers from a handler ({@code CONNECT *}, an
   * authority target) and keeps reading the connection as the request's content until the client
   * closes. Without it such a read ended only by this client's read timeout, and whatever had
   * arrived by then was taken for the response; a read that ends by a timeout now fails.
   */
  private String send(String method, String target, List<String> headers, String body) {
    try (Socket socket = new Socket(host, port)) {
      socket.setSoTimeout(15_000);
      byte[] content = body == null ? null : body.getBytes(StandardCharsets.UTF_8);
      StringBuilder req =
          new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n");
      if (headers.stream().noneMatch(h -> h.regionMatches(true, 0, "Host:", 0, 5))) {
        req.append("Host: ").append(host).append(':').append(port).append("\r\n");
      }
      req.append("Connection: close\r\n");
      for (String h : headers) {
        req.append(h).append("\r\n");
      }
      if (content != null) {
        req.append("Content-Length: ").append(content.length).append("\r\n");
      }
      req.append("\r\n");
      OutputStream out = socket.getOutputStream();
      try {
        out.write(req.toString().getBytes(StandardCharsets.UTF_8));
        if (content != null) {
          out.write(content);
        }
        out.flush();
        socket.shutdownOutput();
      } catch (IOException earlyClose) {
        // The server may answer (e.g. 431) and close before it has read everything; read that
        // answer.
      }
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      try {
        in.transferTo(buf);
      } catch (java.net.SocketTimeoutException timeout) {
        throw new IllegalStateException(
            "no close within 15 s after " + buf.size() + " bytes: " + escape(buf), timeout);
      } catch (IOException reset) {
        // A server that answers before reading the whole request closes with unread data, which
        // resets the connection: what arrived before the reset is its answer.
        if (buf.size() == 0) {
          throw reset;
        }
      }
      return buf.toString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The first 300 bytes, control characters escaped, for failure messages. */
  private static String escape(ByteArrayOutputStream buf) {
    StringBuilder out = new StringBuilder();
    byte[] bytes = buf.toByteArray();
    for (int i = 0; i < Math.min(300, bytes.length); i++) {
      int b = bytes[i] & 0xff;
      out.append(b >= 0x20 && b < 0x7f ? String.valueOf((char) b) : String.format("\\x%02x", b));
    }
    return out.toString();
  }

  private static int status(String response) {
    return Integer.parseInt(response.substring(9, 12));
  }
}
