package io.portcullis.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The scripted browser of the starter's and the samples' end-to-end tests. Just enough of a browser
 * for the login flow: one cookie jar per host (as browsers do: cookies ignore ports), redirects
 * followed by hand, and the demo provider's login form filled in.
 */
public final class Browser {
  private static final int MAX_HOPS = 20;

  private final HttpClient http =
      HttpClient.newBuilder()
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final Map<String, Map<String, String>> cookiesByHost = new LinkedHashMap<>();

  /** Every URL this browser requested, in order. */
  public final List<URI> visited = new ArrayList<>();

  /** How many times the provider's login page was submitted. */
  public int logins;

  /** A plain GET with this browser's cookies, no redirects followed. */
  public HttpResponse<String> get(URI uri, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET();
    if (headers.length == 0) {
      request.header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8");
    } else {
      request.headers(headers);
    }
    return send(request);
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
    StringJoiner form = new StringJoiner("&");
    form.add("username=" + URLEncoder.encode(user, StandardCharsets.UTF_8));
    form.add("claims=");
    HttpRequest.Builder request =
        HttpRequest.newBuilder(loginPage.uri())
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "text/html")
            .POST(HttpRequest.BodyPublishers.ofString(form.toString()));
    return send(request);
  }

  /** POSTs a form with this browser's cookies, no redirects followed. */
  public HttpResponse<String> post(URI uri, String form) throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "text/html")
            .POST(HttpRequest.BodyPublishers.ofString(form)));
  }

  /** The cookies this browser holds for {@code host}. */
  public Map<String, String> cookies(String host) {
    return cookiesByHost.computeIfAbsent(host, h -> new LinkedHashMap<>());
  }

  private HttpResponse<String> send(HttpRequest.Builder builder)
      throws IOException, InterruptedException {
    HttpRequest probe = builder.copy().build();
    URI uri = probe.uri();
    Map<String, String> jar = cookies(uri.getHost());
    if (!jar.isEmpty()) {
      StringJoiner header = new StringJoiner("; ");
      jar.forEach((name, value) -> header.add(name + "=" + value));
      builder.header("Cookie", header.toString());
    }
    visited.add(uri);
    HttpResponse<String> response =
        http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    for (String setCookie : response.headers().allValues("Set-Cookie")) {
      String pair = setCookie.split(";", 2)[0];
      int eq = pair.indexOf('=');
      String name = pair.substring(0, eq).trim();
      String value = pair.substring(eq + 1).trim();
      boolean expired =
          setCookie.toLowerCase(java.util.Locale.ROOT).contains("max-age=0") || value.isEmpty();
      if (expired) {
        jar.remove(name);
      } else {
        jar.put(name, value);
      }
    }
    return response;
  }
}
