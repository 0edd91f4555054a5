package io.portcullis.core;

import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A fixed request held in memory: what the benchmarks hand the engine, so that they measure the
 * engine's decision and not a servlet container. Headers are looked up case-insensitively, as a
 * container does; the "session" is a plain {@link HashMap}. Not thread-safe (one per benchmark
 * state).
 */
final class InMemoryExchange implements HttpExchange {
  private final String method;
  private final String rawPath;
  private final Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
  private final Map<String, Serializable> session = new HashMap<>();
  private boolean hasSession;

  InMemoryExchange(String method, String rawPath) {
    this.method = method;
    this.rawPath = rawPath;
  }

  /** The headers a browser sends on a top-level navigation (SPEC.md "Responses": not an API call). */
  InMemoryExchange browserHeaders() {
    headers.put("Host", "app.example.com");
    headers.put("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
    headers.put("Accept-Language", "en-GB,en;q=0.5");
    headers.put("Sec-Fetch-Mode", "navigate");
    headers.put("Sec-Fetch-Dest", "document");
    headers.put("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:145.0) Gecko/20100101 Firefox/145.0");
    return this;
  }

  /** Puts {@code login} in the session, as a completed login would. */
  InMemoryExchange loggedIn(LoginSession login) {
    // An open record (as the container keeps it in memory): read without decryption.
    sessionAttribute(SessionStore.ATTRIBUTE, SessionRecord.of(login, new SessionKeys(new byte[32], null, "bench"), 0));
    return this;
  }

  @Override
  public String method() {
    return method;
  }

  @Override
  public String contextPath() {
    return "";
  }

  @Override
  public String rawPath() {
    return rawPath;
  }

  @Override
  public @Nullable String rawQuery() {
    return null;
  }

  @Override
  public @Nullable String header(String name) {
    return headers.get(name);
  }

  @Override
  public List<String> parameterValues(String name) {
    return List.of();
  }

  @Override
  public List<String> parameterNames() {
    return List.of();
  }

  @Override
  public Map<String, String> cookies() {
    return Map.of();
  }

  @Override
  public void addSetCookie(String headerValue) {
    throw new UnsupportedOperationException("the benchmarks take paths that set no cookie");
  }

  @Override
  public String scheme() {
    return "https";
  }

  @Override
  public String serverName() {
    return "app.example.com";
  }

  @Override
  public int serverPort() {
    return 443;
  }

  @Override
  public String remoteAddress() {
    return "192.0.2.10";
  }

  @Override
  public @Nullable Object sessionAttribute(String name) {
    return hasSession ? session.get(name) : null;
  }

  @Override
  public void sessionAttribute(String name, @Nullable Serializable value) {
    if (value == null) {
      session.remove(name);
    } else {
      hasSession = true;
      session.put(name, value);
    }
  }

  @Override
  public @Nullable String sessionId() {
    return hasSession ? "bench-session" : null;
  }

  @Override
  public void renewSessionId() {
    hasSession = true;
  }

  @Override
  public void invalidateSession() {
    session.clear();
    hasSession = false;
  }
}
