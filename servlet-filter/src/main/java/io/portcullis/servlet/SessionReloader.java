package io.portcullis.servlet;

import org.jspecify.annotations.Nullable;

/**
 * Reads a session attribute afresh from a shared session store, for applications whose sessions
 * live in a cluster store (Jetty's JDBC or file store, Tomcat's persistent manager, Spring
 * Session). Optional: without it everything works on one node and with sticky sessions.
 *
 * <p>Why: when two nodes refresh one session's access token at the same moment and the provider
 * rotates refresh tokens, one node wins and the other is answered {@code invalid_grant}. Instead of
 * ending the login, the losing node re-reads the session through this adapter (for a few seconds,
 * while the winner finishes its request) and continues with the winner's tokens. No distributed
 * lock is needed.
 *
 * <p>Install it with {@link PortcullisFilter#setSessionReloader} or as the servlet context
 * attribute {@link #CONTEXT_ATTRIBUTE}. For Jetty 12, for example: {@code (id, name) -> {
 * SessionData d = sessionHandler.getSessionCache().getSessionDataStore().load(id); return d == null
 * ? null : d.getAttribute(name); }}.
 */
@FunctionalInterface
public interface SessionReloader {
  /** The servlet context attribute under which a reloader may be registered. */
  String CONTEXT_ATTRIBUTE = "io.portcullis.servlet.SessionReloader";

  /**
   * Attribute {@code name} of the session {@code sessionId} as the shared store holds it now, or
   * null when the session or the attribute is not there.
   */
  @Nullable Object reload(String sessionId, String name);
}
