package io.portcullis.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testsupport.Browser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * No token shape answers 5xx or shows or logs a stack trace (issue 10, finding 2): thousands of
 * generated JWTs — headers and payloads that are JSON null, arrays, numbers, strings, wrongly typed
 * {@code alg}/{@code kid}/{@code typ}/{@code exp}/{@code iat}/{@code aud}/..., deep nesting, huge —
 * as bearer tokens, as the ID and access tokens of a login, and as a refreshed ID token. Bearer
 * tokens get 401 {@code invalid_token} (a token too big for the container's header limit gets its
 * 4xx), a login with a bad ID token 400, a refresh with one ends the session. Every log record of
 * every logger (Portcullis and the container) is captured: none may hold an exception.
 */
class MalformedTokenTest extends IntegrationTest {
  private static final long SEED = 10;
  private static final List<String> LOG = new CopyOnWriteArrayList<>();
  private static final Logger ROOT = Logger.getLogger("");
  private static final Handler CAPTURE =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          StringBuilder line =
              new StringBuilder(r.getLoggerName() + " " + r.getLevel() + " " + r.getMessage());
          for (Throwable t = r.getThrown(); t != null; t = t.getCause()) {
            line.append('\n').append(t);
            for (StackTraceElement e : t.getStackTrace()) {
              line.append("\n\tat ").append(e);
            }
          }
          LOG.add(line.toString());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  @BeforeAll
  static void bearerAppAndLogCapture() throws Exception {
    app.close();
    app =
        new TestApp(
            provider,
            Map.of(
                "bearer-tokens",
                "own-clients",
                "bearer-audience",
                "read:data",
                "roles-claim",
                "roles"));
    ROOT.addHandler(CAPTURE);
  }

  @AfterAll
  static void stopCapture() {
    ROOT.removeHandler(CAPTURE);
  }

  @BeforeEach
  void clearLog() {
    LOG.clear();
    LeakCheck.LINES.clear();
  }

  @AfterEach
  void noExceptionLogged() {
    provider.overrideTokenEndpoint(null);
    List<String> lines = new ArrayList<>(LOG);
    lines.addAll(LeakCheck.LINES);
    // Tomcat logs its own refusal of an oversized request header (once, with a trace) before
    // any filter runs: the container's answer to a 1 MB header, not a token reaching the filter.
    lines.removeIf(
        l ->
            l.startsWith(
                    "org.apache.coyote.http11.Http11Processor INFO Error parsing HTTP request header")
                && l.contains("java.lang.IllegalArgumentException: Request header is too large"));
    assertThat(lines)
        .as("log lines")
        .noneMatch(l -> l.contains("Exception") || l.contains("\tat ") || l.contains("Error:"));
  }

  // --- the generator ----------------------------------------------------------------------------

  private static final String[] ODD_JSON = {
    "null",
    "[]",
    "[1,2]",
    "[null]",
    "[{}]",
    "1",
    "-0",
    "1e999",
    "-1e999",
    "0.5",
    "\"s\"",
    "\"\"",
    "true",
    "false",
    "{}",
    "{\"a\":null}",
    "",
    " ",
    "{",
    "}",
    "[",
    "{\"a\":",
    "nul",
    "{\"alg\":\"RS256\"",
    "\u0000",
    "\uFEFF{}",
    "{\"a\":1,\"a\":2}",
    "{\"\":\"\"}",
    "{\"a\":\"\\ud800\"}",
    "{\"a\":\"\\u0000\"}"
  };
  private static final Object[] ODD_VALUES = {
    null,
    1,
    -1,
    0,
    1.5,
    1e300,
    Long.MAX_VALUE,
    Long.MIN_VALUE,
    true,
    false,
    "",
    " ",
    "x",
    List.of(),
    List.of(1),
    List.of("a", 1),
    java.util.Arrays.asList((Object) null),
    Map.of(),
    Map.of("a", "b"),
    Map.of("kty", "RSA"),
    "x".repeat(3000)
  };

  private static String deep(Random random, int depth) {
    boolean arrays = random.nextBoolean();
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < depth; i++) {
      s.append(arrays ? "[" : "{\"a\":");
    }
    s.append("1");
    for (int i = 0; i < depth; i++) {
      s.append(arrays ? "]" : "}");
    }
    return s.toString();
  }

  private static Object odd(Random random) {
    int pick = random.nextInt(ODD_VALUES.length + 2);
    if (pick == ODD_VALUES.length) {
      return new net.minidev.json.JSONArray() {
        @Override
        public String toJSONString() {
          return deep(random, 1 + random.nextInt(400));
        }
      };
    }
    if (pick == ODD_VALUES.length + 1) {
      return "\\u" + Integer.toHexString(random.nextInt(0xFFFF));
    }
    return ODD_VALUES[pick];
  }

  private static String json(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof net.minidev.json.JSONAware a) {
      return a.toJSONString();
    }
    return net.minidev.json.JSONValue.toJSONString(value);
  }

  /** A JSON object text: {@code base} with some members replaced by odd values. */
  private static String object(Random random, Map<String, Object> base, List<String> members) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    base.forEach((k, v) -> out.put(k, json(v)));
    int changes = 1 + random.nextInt(3);
    for (int i = 0; i < changes; i++) {
      String member = members.get(random.nextInt(members.size()));
      if (random.nextInt(8) == 0) {
        out.remove(member);
      } else {
        out.put(member, json(odd(random)));
      }
    }
    StringBuilder s = new StringBuilder("{");
    out.forEach(
        (k, v) ->
            s.append(s.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
    return s.append('}').toString();
  }

  private static final List<String> HEADER_MEMBERS =
      List.of(
          "alg", "kid", "typ", "cty", "crit", "b64", "jwk", "jku", "x5c", "x5u", "x5t", "enc",
          "zip", "epk", "apu", "p2s", "p2c");
  private static final List<String> CLAIMS =
      List.of(
          "iss",
          "sub",
          "aud",
          "exp",
          "iat",
          "nbf",
          "client_id",
          "azp",
          "cid",
          "scope",
          "scp",
          "roles",
          "nonce",
          "jti",
          "auth_time",
          "preferred_username");

  private static Map<String, Object> validHeader(String typ) {
    Map<String, Object> h = new java.util.LinkedHashMap<>();
    h.put("alg", "RS256");
    h.put("kid", TestProvider.ISSUER_ID);
    h.put("typ", typ);
    return h;
  }

  private static Map<String, Object> validClaims(boolean idToken) {
    long now = provider.clock.millis() / 1000;
    Map<String, Object> c = new java.util.LinkedHashMap<>();
    c.put("iss", provider.issuer());
    c.put("sub", idToken ? "alice" : "test-client");
    c.put("aud", idToken ? "test-client" : "read:data");
    c.put("exp", now + 3600);
    c.put("iat", now);
    c.put(idToken ? "azp" : "client_id", "test-client");
    c.put(idToken ? "nonce" : "scope", idToken ? "n" : "read:data");
    c.put("roles", List.of("admin"));
    return c;
  }

  private static String b64(String s) {
    return B64.encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  /** One generated token; {@code signedByProvider} ones carry a good signature over odd content. */
  static String token(Random random, boolean idToken) {
    try {
      switch (random.nextInt(7)) {
        case 0:
          { // odd JSON header, any payload
            String header =
                random.nextInt(4) == 0
                    ? deep(random, 1 + random.nextInt(1500))
                    : ODD_JSON[random.nextInt(ODD_JSON.length)];
            return b64(header)
                + "."
                + b64(ODD_JSON[random.nextInt(ODD_JSON.length)])
                + "."
                + b64("sig");
          }
        case 1: // header with oddly typed members
          return b64(object(random, validHeader("at+jwt"), HEADER_MEMBERS))
              + "."
              + b64(json(validClaims(idToken)))
              + ".c2ln";
        case 2: // the provider's signature over an odd payload
          return provider.signRaw(
              json(validHeader(random.nextBoolean() ? "at+jwt" : "JWT")),
              random.nextInt(4) == 0
                  ? ODD_JSON[random.nextInt(ODD_JSON.length)]
                  : random.nextInt(6) == 0
                      ? "{\"x\":" + deep(random, 1 + random.nextInt(2000)) + "}"
                      : object(random, validClaims(idToken), CLAIMS));
        case 3: // the provider's signature under an odd header
          return provider.signRaw(
              object(random, validHeader("at+jwt"), HEADER_MEMBERS), json(validClaims(idToken)));
        case 4:
          { // segment soup
            int n = random.nextInt(7);
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < n; i++) {
              if (i > 0) {
                s.append('.');
              }
              int len = random.nextInt(40);
              for (int j = 0; j < len; j++) {
                s.append((char) (0x21 + random.nextInt(0x7e - 0x21)));
              }
            }
            return s.length() == 0 ? "." : s.toString();
          }
        case 5: // JWE-shaped: five parts under an odd header
          return b64(
                  object(random, Map.of("alg", "RSA-OAEP-256", "enc", "A256GCM"), HEADER_MEMBERS))
              + "."
              + b64("k")
              + "."
              + b64("iv")
              + "."
              + b64("ct")
              + "."
              + b64("tag");
        default: // valid-looking unsigned or wrongly signed
          return b64(json(Map.of("alg", random.nextBoolean() ? "none" : "HS256")))
              + "."
              + b64(object(random, validClaims(idToken), CLAIMS))
              + "."
              + (random.nextBoolean() ? "" : "c2ln");
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void assertNoTrace(HttpResponse<String> r, String what) {
    assertThat(r.statusCode())
        .as(what + " answered " + r.statusCode() + ": " + r.body())
        .isLessThan(500);
    assertThat(r.body()).as(what).doesNotContain("Exception", "\tat ", "\n at ");
  }

  // --- bearer ------------------------------------------------------------------------------------

  @Test
  void bearerWhenTokenOfAnyShapeThen401OrServedNever5xx() {
    Random random = new Random(SEED);
    HttpClient client = HttpClient.newHttpClient();
    int accepted = 0;
    for (int i = 0; i < 1500; i++) {
      String token = token(random, false);
      String path = i % 10 == 0 ? "/health" : "/api/data";
      HttpResponse<String> r =
          send(
              client,
              HttpRequest.newBuilder(URI.create(app.url(path)))
                  .header("Authorization", "Bearer " + token)
                  .header("Accept", "application/json")
                  .build());
      assertNoTrace(r, "bearer #" + i + " " + token.substring(0, Math.min(120, token.length())));
      if (token.length() >= 7000) {
        continue; // the container's header limit answers (431, 400), which assertNoTrace checked
      }
      if (path.equals("/health")) {
        assertThat(r.statusCode()).isEqualTo(200);
      } else if (r.statusCode() == 200) {
        accepted++; // the provider's own signature over a usable payload
      } else {
        assertThat(r.statusCode()).as("bearer #" + i + ": " + r.body()).isIn(401, 403);
      }
    }
    assertThat(accepted)
        .as("some generated tokens are valid, so the rest is refused for cause")
        .isPositive();
  }

  private static HttpResponse<String> send(HttpClient client, HttpRequest request) {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void bearerWhenTokenHugeThenContainer4xxOr401() {
    Browser caller = browser();
    caller.navigation = false;
    for (int size : new int[] {7_000, 64 * 1024, 1024 * 1024}) {
      String token =
          b64("{\"alg\":\"RS256\",\"kid\":\"default\"}") + "." + "A".repeat(size) + ".c2ln";
      HttpResponse<String> r;
      try {
        r =
            caller.get(
                app.url("/api/data"),
                Map.of("Authorization", "Bearer " + token, "Accept", "application/json"));
      } catch (RuntimeException e) {
        continue; // the container may close the connection on a header this size: no answer is no
        // 5xx
      }
      assertNoTrace(r, "bearer of " + size + " bytes");
    }
  }

  // --- login callback ----------------------------------------------------------------------------

  @Test
  void callbackWhenTokenResponseCarriesOddTokensThenNever5xx() {
    Random random = new Random(SEED + 1);
    for (int i = 0; i < 60; i++) {
      String idToken = token(random, true);
      String accessToken = token(random, false);
      int mode = i % 4;
      provider.tamperNextTokenResponse(
          json -> {
            switch (mode) {
              case 0 -> json.put("id_token", idToken);
              case 1 ->
                  json.put(
                      "access_token",
                      accessToken); // valid ID token: roles from the access token are tried
              case 2 ->
                  json.put(
                      List.of(
                              "id_token",
                              "access_token",
                              "scope",
                              "expires_in",
                              "token_type",
                              "refresh_token")
                          .get(random.nextInt(6)),
                      ODD_VALUES[random.nextInt(ODD_VALUES.length)]);
              default -> {
                json.put("id_token", idToken);
                json.put("access_token", accessToken);
              }
            }
            return json;
          });
      Browser browser = browser();
      HttpResponse<String> end = browser.follow(browser.get(app.url("/profile")));
      assertNoTrace(end, "login #" + i + " mode " + mode);
    }
  }

  @Test
  void callbackWhenTokenEndpointAnswersOddBodiesOrHugeTokensThenNever5xxButProviderFailure() {
    List<String> bodies = new ArrayList<>(List.of(ODD_JSON));
    bodies.add("{\"a\":" + deep(new Random(SEED), 100_000) + "}");
    for (String body : bodies) {
      provider.overrideTokenEndpoint(
          req ->
              new no.nav.security.mock.oauth2.http.OAuth2HttpResponse(
                  okhttp3.Headers.of("Content-Type", "application/json"), 200, body, null));
      Browser browser = browser();
      HttpResponse<String> end = browser.follow(browser.get(app.url("/profile")));
      assertNoTrace(end, "token response " + body.substring(0, Math.min(60, body.length())));
    }
    provider.overrideTokenEndpoint(null);
    String huge =
        b64("{\"alg\":\"RS256\",\"kid\":\"default\"}")
            + "."
            + b64("{\"x\":\"" + "y".repeat(750_000) + "\"}")
            + ".c2ln";
    for (String member : List.of("id_token", "access_token")) {
      provider.tamperNextTokenResponse(
          json -> {
            json.put(member, huge);
            return json;
          });
      Browser browser = browser();
      HttpResponse<String> end = browser.follow(browser.get(app.url("/profile")));
      // A provider HTTP size cap may refuse the response as a provider failure (502); never 500.
      assertThat(end.statusCode()).as("1 MB " + member).isNotEqualTo(500).isNotEqualTo(503);
      assertThat(end.body()).doesNotContain("Exception", "\tat ");
    }
  }

  // --- refresh -----------------------------------------------------------------------------------

  @Test
  void refreshWhenIdTokenOfAnyShapeThenSessionEndedNever5xx() {
    Random random = new Random(SEED + 2);
    for (int i = 0; i < 20; i++) {
      Browser browser = browser();
      login(browser, "/profile");
      String idToken = token(random, true);
      provider.tamperNextTokenResponse(
          json -> {
            json.put("id_token", idToken);
            return json;
          });
      advance(RefreshTest.DUE);
      HttpResponse<String> r =
          browser.get(app.url("/api/data"), Map.of("Accept", "application/json"));
      assertNoTrace(r, "refresh #" + i);
      assertThat(r.statusCode()).as("refresh #%d: %s", i, r.body()).isIn(200, 401);
      advance(RefreshTest.DUE.negated());
    }
  }
}
