package io.portcullis.core;

import java.io.IOException;
import java.io.Serializable;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One request held in memory, and what the engine answered on it: the exchange that core's engine
 * tests and the benchmarks hand {@link Portcullis#handle}, so that they exercise the engine and not
 * a servlet container. Headers are looked up case-insensitively, as a container does; parameters
 * are the decoded query and form parameters together; {@code Set-Cookie} values are recorded in
 * {@link #setCookies()}; the session is a {@link Session} that several exchanges can share, as the
 * requests of one browser do. Reading a header, a parameter or a session attribute allocates
 * nothing (the benchmarks measure the engine's allocation). Not thread-safe.
 *
 * <p>One source file in test-support/src/core-package/java, compiled by core's tests and by {@code
 * benchmarks/} (see test-support/pom.xml): it needs core's package-private session types.
 */
public final class InMemoryExchange implements HttpExchange {
  private final String method;
  private final @Nullable String rawPath;
  private @Nullable String rawQuery;
  private @Nullable String dispatchedPath;
  private String contextPath = "";
  private final Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
  private final Map<String, List<String>> parameters = new LinkedHashMap<>();
  private final Map<String, String> cookies = new LinkedHashMap<>();
  private final List<String> setCookies = new ArrayList<>();
  private Session session = new Session();
  private byte @Nullable [] body;
  private int bodyReads;

  /** A request for {@code rawPath} (still percent-encoded; no query), with no header. */
  public InMemoryExchange(String method, @Nullable String rawPath) {
    this.method = method;
    this.rawPath = rawPath;
  }

  /** A {@code GET} of {@code target}, a raw path with an optional {@code ?query}. */
  public static InMemoryExchange get(String target) {
    return request("GET", target);
  }

  /** A {@code POST} to {@code target}, a raw path with an optional {@code ?query}. */
  public static InMemoryExchange post(String target) {
    return request("POST", target);
  }

  /** A request of {@code method} for {@code target}, a raw path with an optional {@code ?query}. */
  public static InMemoryExchange request(String method, String target) {
    int q = target.indexOf('?');
    if (q < 0) {
      return new InMemoryExchange(method, target);
    }
    return new InMemoryExchange(method, target.substring(0, q)).query(target.substring(q + 1));
  }

  /**
   * The headers a browser sends on a top-level navigation (SPEC.md "Responses": not an API call).
   */
  public InMemoryExchange browserHeaders() {
    headers.put("Host", "app.example.com");
    headers.put("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
    headers.put("Accept-Language", "en-GB,en;q=0.5");
    headers.put("Sec-Fetch-Mode", "navigate");
    headers.put("Sec-Fetch-Dest", "document");
    headers.put(
        "User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:145.0) Gecko/20100101 Firefox/145.0");
    return this;
  }

  /** The headers of a script's call ({@code fetch}): an API request (SPEC.md "Responses"). */
  public InMemoryExchange apiHeaders() {
    headers.put("Host", "app.example.com");
    headers.put("Accept", "application/json");
    headers.put("Sec-Fetch-Mode", "cors");
    headers.put("Sec-Fetch-Dest", "empty");
    return this;
  }

  /** Sets a request header. */
  public InMemoryExchange header(String name, String value) {
    headers.put(name, value);
    return this;
  }

  /** Sets the raw query string and adds its decoded parameters. */
  public InMemoryExchange query(String raw) {
    rawQuery = raw;
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      param(name, value);
    }
    return this;
  }

  /** Adds a (decoded) request parameter, as a form body would. */
  public InMemoryExchange param(String name, String value) {
    parameters.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
    return this;
  }

  /**
   * Sets the raw request body and its {@code Content-Type} (null: none), as a form submission sends
   * them; its parameters are not added (the engine reads the body itself when it keeps a form).
   */
  public InMemoryExchange body(@Nullable String contentType, byte[] raw) {
    if (contentType != null) {
      headers.put("Content-Type", contentType);
    }
    body = raw.clone();
    return this;
  }

  /** How many times the engine read the body. */
  public int bodyReads() {
    return bodyReads;
  }

  /** Adds a request cookie. */
  public InMemoryExchange cookie(String name, String value) {
    cookies.putIfAbsent(name, value);
    return this;
  }

  /** Adds request cookies. */
  public InMemoryExchange cookies(Map<String, String> values) {
    values.forEach(this::cookie);
    return this;
  }

  /** Sets the application's raw context path ({@code ""} for root, the default). */
  public InMemoryExchange contextPath(String path) {
    contextPath = path;
    return this;
  }

  /** Sets the path the container dispatches to (null, the default: unknown). */
  public InMemoryExchange dispatchedPath(@Nullable String path) {
    dispatchedPath = path;
    return this;
  }

  /** Uses {@code shared} as this request's session: the session of an earlier request. */
  public InMemoryExchange session(Session shared) {
    session = shared;
    return this;
  }

  /** Puts {@code login} in the session, as a completed login would. */
  InMemoryExchange loggedIn(LoginSession login) {
    // An open record (as the container keeps it in memory): read without decryption.
    sessionAttribute(
        SessionStore.ATTRIBUTE,
        SessionRecord.of(login, new SessionKeys(new byte[32], null, "bench"), 0));
    return this;
  }

  /** This request's session. */
  public Session session() {
    return session;
  }

  /** Every {@code Set-Cookie} value the engine added, in order. */
  public List<String> setCookies() {
    return Collections.unmodifiableList(setCookies);
  }

  @Override
  public String method() {
    return method;
  }

  @Override
  public String contextPath() {
    return contextPath;
  }

  @Override
  public @Nullable String rawPath() {
    return rawPath;
  }

  @Override
  public @Nullable String dispatchedPath() {
    return dispatchedPath;
  }

  @Override
  public @Nullable String rawQuery() {
    return rawQuery;
  }

  @Override
  public @Nullable String header(String name) {
    return headers.get(name);
  }

  @Override
  public List<String> parameterValues(String name) {
    List<String> values = parameters.get(name);
    return values == null ? List.of() : Collections.unmodifiableList(values);
  }

  @Override
  public List<String> parameterNames() {
    return List.copyOf(parameters.keySet());
  }

  @Override
  public byte @Nullable [] body(int maxBytes) throws IOException {
    bodyReads++;
    byte[] raw = body == null ? new byte[0] : body;
    return raw.length > maxBytes ? null : raw.clone();
  }

  @Override
  public Map<String, String> cookies() {
    return Collections.unmodifiableMap(cookies);
  }

  @Override
  public void addSetCookie(String headerValue) {
    setCookies.add(headerValue);
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
    return session.id == null ? null : session.attributes.get(name);
  }

  @Override
  public void sessionAttribute(String name, @Nullable Serializable value) {
    if (value == null) {
      session.attributes.remove(name);
    } else {
      session.ensure();
      session.attributes.put(name, value);
    }
  }

  @Override
  public @Nullable String sessionId() {
    return session.id;
  }

  @Override
  public void renewSessionId() {
    session.id = session.nextId();
    session.renewals++;
  }

  @Override
  public void invalidateSession() {
    session.attributes.clear();
    session.id = null;
    session.invalidations++;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  /**
   * A session in memory: a plain {@link HashMap} of attributes and an id, null until something
   * creates the session. Counts id renewals and invalidations, for tests of session fixation.
   */
  public static final class Session {
    private final Map<String, Serializable> attributes = new HashMap<>();
    private @Nullable String id;
    private int created;
    private int renewals;
    private int invalidations;

    /** The current id, or null when there is no session. */
    public @Nullable String id() {
      return id;
    }

    /** A session attribute, or null. */
    public @Nullable Object attribute(String name) {
      return id == null ? null : attributes.get(name);
    }

    /** How many times the id was renewed. */
    public int renewals() {
      return renewals;
    }

    /** How many times the session was invalidated. */
    public int invalidations() {
      return invalidations;
    }

    private void ensure() {
      if (id == null) {
        id = nextId();
      }
    }

    private String nextId() {
      return "session-" + ++created;
    }
  }
}
