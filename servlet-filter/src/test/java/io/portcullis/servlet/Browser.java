package io.portcullis.servlet;

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
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * A scripted browser: its own cookie jar (all test hosts are loopback, so one jar keyed by name),
 * redirects followed by hand so tests can see and alter each hop, and a record of every response
 * for leak checks.
 */
final class Browser {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  final Map<String, String> cookies = new LinkedHashMap<>();
  final List<HttpResponse<String>> seen = new CopyOnWriteArrayList<>();
  boolean navigation = true;

  /** One exchange without following redirects. */
  HttpResponse<String> send(
      String method, String url, Map<String, String> headers, String formBody) {
    try {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
      if (navigation) {
        b.header("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        b.header("Sec-Fetch-Mode", "navigate");
        b.header("Sec-Fetch-Dest", "document");
      }
      headers.forEach(b::setHeader);
      String cookieHeader = cookieHeader();
      if (!cookieHeader.isEmpty() && !headers.containsKey("Cookie")) {
        b.header("Cookie", cookieHeader);
      }
      if (formBody != null) {
        b.header("Content-Type", "application/x-www-form-urlencoded");
        b.method(method, HttpRequest.BodyPublishers.ofString(formBody));
      } else {
        b.method(method, HttpRequest.BodyPublishers.noBody());
      }
      HttpResponse<String> response = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
      seen.add(response);
      for (String setCookie : response.headers().allValues("Set-Cookie")) {
        store(setCookie);
      }
      return response;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  HttpResponse<String> get(String url) {
    return send("GET", url, Map.of(), null);
  }

  HttpResponse<String> get(String url, Map<String, String> headers) {
    return send("GET", url, headers, null);
  }

  HttpResponse<String> post(String url, Map<String, String> form) {
    StringBuilder body = new StringBuilder();
    form.forEach(
        (k, v) ->
            body.append(body.length() == 0 ? "" : "&").append(enc(k)).append('=').append(enc(v)));
    return send("POST", url, Map.of(), body.toString());
  }

  /** Follows redirects from {@code response}, up to 10 hops. */
  HttpResponse<String> follow(HttpResponse<String> response) {
    return follow(response, UnaryOperator.identity());
  }

  /** Follows redirects, letting {@code rewrite} change each next URL (e.g. to forge a callback). */
  HttpResponse<String> follow(HttpResponse<String> response, UnaryOperator<String> rewrite) {
    HttpResponse<String> current = response;
    for (int i = 0; i < 10 && isRedirect(current); i++) {
      String next =
          current.uri().resolve(current.headers().firstValue("Location").orElseThrow()).toString();
      current = get(rewrite.apply(next));
    }
    return current;
  }

  /** GET {@code url} and follow every redirect. */
  HttpResponse<String> open(String url) {
    return follow(get(url));
  }

  static boolean isRedirect(HttpResponse<String> r) {
    return r.statusCode() >= 300
        && r.statusCode() < 400
        && r.headers().firstValue("Location").isPresent();
  }

  static String location(HttpResponse<String> r) {
    return r.headers()
        .firstValue("Location")
        .orElseThrow(() -> new AssertionError("no Location; status " + r.statusCode()));
  }

  String cookieHeader() {
    List<String> parts = new ArrayList<>();
    cookies.forEach((k, v) -> parts.add(k + "=" + v));
    return String.join("; ", parts);
  }

  void store(String setCookie) {
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
      cookies.remove(name);
    } else {
      cookies.put(name, value);
    }
  }

  String cookiesStartingWith(String prefix) {
    StringBuilder sb = new StringBuilder();
    cookies.forEach(
        (k, v) -> {
          if (k.startsWith(prefix)) {
            sb.append(k).append(' ');
          }
        });
    return sb.toString().trim();
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static String withParam(String url, String name, String value) {
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

  static String param(String url, String name) {
    String query = URI.create(url).getRawQuery();
    if (query == null) {
      return null;
    }
    for (String pair : query.split("&")) {
      String[] kv = pair.split("=", 2);
      if (kv[0].equals(name)) {
        return kv.length > 1 ? java.net.URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "";
      }
    }
    return null;
  }
}
