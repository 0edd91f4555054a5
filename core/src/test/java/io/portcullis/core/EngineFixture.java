package io.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testsupport.FakeProvider;
import io.portcullis.testsupport.MutableClock;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The engine under test with everything it talks to, in one process and without a servlet
 * container: a {@link Portcullis} on a {@link MutableClock}, a {@link FakeProvider} on a loopback
 * port, and one browser (its cookie jar and its {@link InMemoryExchange.Session}) whose requests go
 * through {@link Portcullis#handle} only.
 */
final class EngineFixture implements AutoCloseable {
  static final String CLIENT_ID = "app";
  static final String CLIENT_SECRET = "app-secret-0123456789-0123456789";

  final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
  final FakeProvider provider = new FakeProvider(clock);

  /** The browser's cookies: what {@code Set-Cookie} left, by name. */
  final Map<String, String> cookies = new LinkedHashMap<>();

  /** The browser's session at the application. */
  InMemoryExchange.Session session = new InMemoryExchange.Session();

  Portcullis engine;

  /**
   * Starts the engine with the base configuration (issuer, client, {@code scopes=openid profile
   * offline_access}) and {@code keyValues} on top (a null value removes a key), and waits for the
   * provider's metadata.
   */
  EngineFixture start(String... keyValues) {
    return startWith(null, keyValues);
  }

  /** {@link #start} with back-channel logouts kept in {@code logouts} (null: the default). */
  EngineFixture startWith(LogoutRegistry logouts, String... keyValues) {
    Map<String, String> map = new LinkedHashMap<>();
    map.put("issuer", provider.issuer());
    map.put("client-id", CLIENT_ID);
    map.put("client-secret", CLIENT_SECRET);
    map.put("scopes", "openid profile offline_access");
    overlay(map, keyValues);
    engine =
        logouts == null
            ? Portcullis.create(PortcullisConfig.of(map), clock)
            : Portcullis.create(PortcullisConfig.of(map), clock, logouts);
    assertThat(engine.awaitProvider(Duration.ofSeconds(10)))
        .as("provider metadata loaded")
        .isTrue();
    return this;
  }

  /**
   * Puts {@code keyValues} (name, value, name, value, …) into the configuration {@code map}: a null
   * value removes the key. Returns {@code map}.
   */
  static Map<String, String> overlay(Map<String, String> map, String... keyValues) {
    for (int i = 0; i < keyValues.length; i += 2) {
      if (keyValues[i + 1] == null) {
        map.remove(keyValues[i]);
      } else {
        map.put(keyValues[i], keyValues[i + 1]);
      }
    }
    return map;
  }

  /** A browser navigation to {@code target} (raw path and optional query). */
  InMemoryExchange browser(String method, String target) {
    return InMemoryExchange.request(method, target).browserHeaders();
  }

  /** A script's call ({@code fetch}) to {@code target}. */
  InMemoryExchange api(String method, String target) {
    return InMemoryExchange.request(method, target).apiHeaders();
  }

  /**
   * Sends {@code exchange} as this browser: with its cookies and session; keeps the cookies the
   * answer sets (a {@code Max-Age=0} one deletes) and the session the request ends with.
   */
  Outcome send(InMemoryExchange exchange) {
    exchange.cookies(cookies).session(session);
    Outcome outcome = engine.handle(exchange);
    for (String header : exchange.setCookies()) {
      String pair = header.split(";", 2)[0];
      int eq = pair.indexOf('=');
      String name = pair.substring(0, eq);
      if (header.contains("Max-Age=0")) {
        cookies.remove(name);
      } else {
        cookies.put(name, pair.substring(eq + 1));
      }
    }
    session = exchange.session();
    return outcome;
  }

  /** GETs {@code target} as a browser navigation. */
  Outcome get(String target) {
    return send(browser("GET", target));
  }

  /**
   * Logs in by way of {@code target}: the navigation, the provider's authorization endpoint, the
   * callback; returns the callback's outcome.
   */
  Outcome login(String target) {
    Outcome start = get(target);
    assertThat(start).as("login start").isInstanceOf(Outcome.Redirect.class);
    return callback(((Outcome.Redirect) start).location());
  }

  /** Lets the provider answer the authorization request {@code url} and sends the callback. */
  Outcome callback(String authorizationRequestUrl) {
    FakeProvider.Callback cb = provider.authorize(authorizationRequestUrl);
    return get(cb.redirectUri().getRawPath() + "?" + cb.query());
  }

  /** The login in the browser's session, or null. */
  LoginSession login() {
    // In memory the container keeps the record as it was written: opened, no decryption needed.
    return session.attribute(SessionStore.ATTRIBUTE) instanceof SessionRecord r ? r.opened() : null;
  }

  /** The decoded query parameter {@code name} of {@code url}, or null. */
  static String queryParam(String url, String name) {
    String query = URI.create(url).getRawQuery();
    if (query == null) {
      return null;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8).equals(name)) {
        return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  @Override
  public void close() {
    if (engine != null) {
      engine.close();
    }
    provider.close();
  }
}
