package io.portcullis.core;

import java.io.IOException;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP request and its response, as the engine sees them: the servlet adapter implements it
 * over {@code HttpServletRequest}, {@code HttpServletResponse} and a lazily created session.
 *
 * <p>Session methods never create a session unless they store a value, so an anonymous API request
 * leaves no session behind.
 */
public interface HttpExchange {

  /** The request method as sent, e.g. {@code GET}. */
  String method();

  /** The raw (still percent-encoded) context path of the application, {@code ""} for root. */
  String contextPath();

  /**
   * The raw (still percent-encoded) request path after the context path, {@code ""} for the context
   * root; null when the request target does not begin with the application's canonical context path
   * followed by {@code /} (a context part spelled another way, such as {@code /%61pp}, {@code
   * //app} or {@code /x/../app}), which the engine refuses with {@code 400}.
   */
  @Nullable String rawPath();

  /**
   * The decoded path inside the application that the container dispatches this request to (for a
   * servlet container, servlet path plus path info; for an include, the included ones), or null
   * when the adapter does not know it. When not null, it is what the access rules decide on: an
   * initial request whose raw path normalises to anything else is refused with {@code 400}.
   */
  default @Nullable String dispatchedPath() {
    return null;
  }

  /** The raw query string without {@code ?}, or null. */
  @Nullable String rawQuery();

  /** The first value of a request header, or null. */
  @Nullable String header(String name);

  /** Every decoded value of a request parameter (query string and form body together). */
  List<String> parameterValues(String name);

  /** Names of every request parameter (query string and form body together). */
  List<String> parameterNames();

  /**
   * The raw request body, read whole when it holds at most {@code maxBytes} bytes, or null when it
   * holds more (then it is read no further): how {@code preserve-post} keeps a form. Called only
   * when nothing has read the request's parameters or body yet. The default, for an adapter that
   * cannot read bodies, fails.
   *
   * @throws IOException when the body cannot be read (the client went away, or the adapter cannot)
   */
  default byte @Nullable [] body(int maxBytes) throws IOException {
    throw new IOException("this adapter does not read request bodies");
  }

  /** Request cookies by name; when a name repeats, the first value. */
  Map<String, String> cookies();

  /** Adds a {@code Set-Cookie} response header with exactly this value. */
  void addSetCookie(String headerValue);

  /** The scheme the container saw ({@code http} or {@code https}). */
  String scheme();

  /** The host the container saw, from the {@code Host} header or the connector. */
  String serverName();

  /** The port the container saw. */
  int serverPort();

  /** The address of the peer that sent the request. */
  String remoteAddress();

  /** A session attribute, or null when there is no session or no such attribute. */
  @Nullable Object sessionAttribute(String name);

  /**
   * Stores a session attribute (creating the session when needed) or removes it when {@code value}
   * is null (never creating a session).
   */
  void sessionAttribute(String name, @Nullable Serializable value);

  /** The current session id, or null when there is no session. */
  @Nullable String sessionId();

  /**
   * Gives the session a new id, creating a session when there is none: the defence against session
   * fixation after login.
   */
  void renewSessionId();

  /** Invalidates the current session, if any. */
  void invalidateSession();

  /**
   * When the current session was created, in epoch milliseconds, creating a session when there is
   * none. It binds the stored login to its session (a login record copied into another session does
   * not open): session stores keep it beside the attributes, and it survives a change of session
   * id, a restart and replication. The default, for an exchange without a container session, is 0
   * (no binding).
   */
  default long sessionCreationTime() {
    return 0;
  }

  /**
   * Whether {@link #reloadSessionAttribute} can read the shared session store afresh (a cluster
   * adapter is installed); when false it returns what this request loaded.
   */
  default boolean canReloadSession() {
    return false;
  }

  /**
   * A session attribute read afresh from the shared session store, bypassing what this request
   * loaded: how a node that lost a refresh race sees the tokens the winning node wrote.
   */
  default @Nullable Object reloadSessionAttribute(String name) {
    return sessionAttribute(name);
  }
}
