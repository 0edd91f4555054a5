package io.portcullis.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * The scripted browser of every end-to-end test: just enough of a browser for the login flow. One
 * cookie jar per host (as browsers do: cookies ignore ports), redirects followed by hand so tests
 * can see and alter each hop, the demo provider's login form filled in, and a record of every
 * request and response for leak checks.
 *
 * <p>Two ways to drive it. The servlet filter's suite uses the unchecked {@code String} methods
 * ({@link #get(String)}, {@link #post(String, Map)}, {@link #follow}, {@link #open}), which send a
 * top-level navigation's headers while {@link #navigation} is set. The starter's and the samples'
 * tests use the {@code URI} methods ({@link #get(URI, String...)}, {@link #navigate}, {@link
 * #post(URI, String)}), which throw the HTTP client's checked exceptions.
 */
public final class Browser {
  private static final int MAX_HOPS = 20;

  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private final Map<String, Map<String, String>> cookiesByHost = new LinkedHashMap<>();

  /** Every URL this browser requested, in order. */
  public final List<URI> visited = new CopyOnWriteArrayList<>();

  /** Every response this browser received, in order. */
  public final List<HttpResponse<String>> seen = new CopyOnWriteArrayList<>();

  /** How many times the provider's login page was submitted. */
  public int logins;

  /**
   * Whether the {@code String} methods send a top-level navigation's {@code Accept} and {@code
   * Sec-Fetch-*} headers (default true); false: a script's call with only the headers given.
   */
  public boolean navigation = true;

  // ---- the URI methods (checked exceptions) -----------------------------------------------------

  /** A plain GET with this browser's cookies, no redirects followed. */
  public HttpResponse<String> get(URI uri, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET();
    if (headers.length == 0) {
      request.header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8");
    } else {
      request.headers(headers);
    }
    return exchange(request);
  }

  /**
   * Navigates to {@code uri} like a browser, following redirects; whenever the provider shows its
   * login page, logs in as {@code user}. Returns the last response.
   */
  public HttpResponse<String> navigate(URI uri, String user)
      throws IOException, InterruptedException {
    HttpResponse<String> response = get(uri);
    for (int hop = 0; hop < MAX_HOPS; hop++) {
      int status = response.statusCode();
      if (status >= 300 && status < 400) {
        String location = response.headers().firstValue("Location").orElseThrow();
        response = get(response.uri().resolve(location));
      } else if (status == 200 && isLoginPage(response)) {
        response = submitLogin(response, user);
      } else {
        return response;
      }
    }
    throw new AssertionError("too many redirects, last " + response.uri());
  }

  /** Whether {@code response} is the demo provider's login form. */
  public static boolean isLoginPage(HttpResponse<String> response) {
    return response.uri().getPath().endsWith("/authorize")
        && response.body().contains("name=\"username\"");
  }

  /**
   * Submits the provider's login form as {@code user}: the form has no action, so it posts back to
   * the authorization URL, with the fields {@code username} and {@code claims} (a textarea).
   */
  public HttpResponse<String> submitLogin(HttpResponse<String> loginPage, String user)
      throws IOException, InterruptedException {
    logins++;
    return post(loginPage.uri(), "username=" + enc(user) + "&claims=");
  }

  /** POSTs a form with this browser's cookies, no redirects followed. */
  public HttpResponse<String> post(URI uri, String form) throws IOException, InterruptedException {
    return exchange(
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "text/html")
            .POST(HttpRequest.BodyPublishers.ofString(form)));
  }

  // ---- the String methods (unchecked) ----------------------------------------------------------

  /** One exchange without following redirects; {@code formBody} null: no body. */
  public HttpResponse<String> send(
      String method, String url, Map<String, String> headers, String formBody) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
    if (navigation) {
      b.header("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
      b.header("Sec-Fetch-Mode", "navigate");
      b.header("Sec-Fetch-Dest", "document");
    }
    headers.forEach(b::setHeader);
    if (formBody != null) {
      b.header("Content-Type", "application/x-www-form-urlencoded");
      b.method(method, HttpRequest.BodyPublishers.ofString(formBody));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    try {
      return exchange(b);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A GET of {@code url}, no redirects followed. */
  public HttpResponse<String> get(String url) {
    return send("GET", url, Map.of(), null);
  }

  /** A GET of {@code url} with {@code headers} (a {@code Cookie} one replaces the jar's). */
  public HttpResponse<String> get(String url, Map<String, String> headers) {
    return send("GET", url, headers, null);
  }

  /** POSTs {@code form}, form-urlencoded, no redirects followed. */
  public HttpResponse<String> post(String url, Map<String, String> form) {
    StringJoiner body = new StringJoiner("&");
    form.forEach((k, v) -> body.add(enc(k) + "=" + enc(v)));
    return send("POST", url, Map.of(), body.toString());
  }

  /** Follows redirects from {@code response}, up to 10 hops. */
  public HttpResponse<String> follow(HttpResponse<String> response) {
    return follow(response, UnaryOperator.identity());
  }

  /** Follows redirects, letting {@code rewrite} change each next URL (e.g. to forge a callback). */
  public HttpResponse<String> follow(HttpResponse<String> response, UnaryOperator<String> rewrite) {
    HttpResponse<String> current = response;
    for (int i = 0; i < 10 && isRedirect(current); i++) {
      String next =
          current.uri().resolve(current.headers().firstValue("Location").orElseThrow()).toString();
      current = get(rewrite.apply(next));
    }
    return current;
  }

  /** GET {@code url} and follow every redirect. */
  public HttpResponse<String> open(String url) {
    return follow(get(url));
  }

  // ---- cookies ---------------------------------------------------------------------------------

  /** The cookies this browser holds for {@code host}, by name (a live view tests may change). */
  public Map<String, String> cookies(String host) {
    return cookiesByHost.computeIfAbsent(host, h -> new LinkedHashMap<>());
  }

  /** The {@code Cookie} header this browser sends to {@code host} ({@code ""}: none). */
  public String cookieHeader(String host) {
    StringJoiner header = new StringJoiner("; ");
    cookies(host).forEach((name, value) -> header.add(name + "=" + value));
    return header.toString();
  }

  /** The names of the cookies for {@code host} that start with {@code prefix}, space separated. */
  public String cookiesStartingWith(String host, String prefix) {
    StringJoiner names = new StringJoiner(" ");
    cookies(host).keySet().stream().filter(k -> k.startsWith(prefix)).forEach(names::add);
    return names.toString();
  }

  /**
   * Keeps, or deletes, the cookie of one {@code Set-Cookie} value from {@code host}: an empty
   * value, {@code Max-Age=0} or an {@code Expires} in 1970 deletes.
   */
  public void store(String host, String setCookie) {
    String[] attrs = setCookie.split(";");
    String[] nv = attrs[0].split("=", 2);
    String name = nv[0].trim();
    String value = nv.length > 1 ? nv[1].trim() : "";
    boolean delete = value.isEmpty();
    for (int i = 1; i < attrs.length; i++) {
      String a = attrs[i].trim().toLowerCase(Locale.ROOT);
      if (a.equals("max-age=0")
          || a.startsWith("expires=thu, 01 jan 1970")
          || a.startsWith("expires=thu, 01-jan-1970")) {
        delete = true;
      }
    }
    if (delete) {
      cookies(host).remove(name);
    } else {
      cookies(host).put(name, value);
    }
  }

  private HttpResponse<String> exchange(HttpRequest.Builder builder)
      throws IOException, InterruptedException {
    HttpRequest probe = builder.copy().build();
    URI uri = probe.uri();
    String jar = cookieHeader(uri.getHost());
    if (!jar.isEmpty() && probe.headers().firstValue("Cookie").isEmpty()) {
      builder.header("Cookie", jar);
    }
    visited.add(uri);
    HttpResponse<String> response =
        CLIENT.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    seen.add(response);
    for (String setCookie : response.headers().allValues("Set-Cookie")) {
      store(uri.getHost(), setCookie);
    }
    return response;
  }

  // ---- URLs ------------------------------------------------------------------------------------

  /** Whether {@code r} is a redirect with a {@code Location}. */
  public static boolean isRedirect(HttpResponse<String> r) {
    return r.statusCode() >= 300
        && r.statusCode() < 400
        && r.headers().firstValue("Location").isPresent();
  }

  /** The {@code Location} of {@code r}; fails the test when there is none. */
  public static String location(HttpResponse<String> r) {
    return r.headers()
        .firstValue("Location")
        .orElseThrow(() -> new AssertionError("no Location; status " + r.statusCode()));
  }

  /** {@code s} form-urlencoded. */
  public static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /**
   * {@code url} with its query parameter {@code name} set to {@code value} (replacing the first,
   * dropping the others), or removed when {@code value} is null.
   */
  public static String withParam(String url, String name, String value) {
    URI uri = URI.create(url);
    String query = uri.getRawQuery();
    StringBuilder q = new StringBuilder();
    boolean replaced = false;
    if (query != null) {
      for (String pair : query.split("&")) {
        String[] kv = pair.split("=", 2);
        if (kv[0].equals(name)) {
          if (value != null && !replaced) {
            q.append(q.length() == 0 ? "" : "&").append(name).append('=').append(enc(value));
          }
          replaced = true;
        } else {
          q.append(q.length() == 0 ? "" : "&").append(pair);
        }
      }
    }
    if (!replaced && value != null) {
      q.append(q.length() == 0 ? "" : "&").append(name).append('=').append(enc(value));
    }
    String base = url.contains("?") ? url.substring(0, url.indexOf('?')) : url;
    return q.length() == 0 ? base : base + "?" + q;
  }

  /**
   * The decoded query parameter {@code name} of {@code url} ({@code ""} without value), or null.
   */
  public static String param(String url, String name) {
    String query = URI.create(url).getRawQuery();
    if (query == null) {
      return null;
    }
    for (String pair : query.split("&")) {
      String[] kv = pair.split("=", 2);
      if (kv[0].equals(name)) {
        return kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "";
      }
    }
    return null;
  }
}
