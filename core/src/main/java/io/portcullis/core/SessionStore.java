package io.portcullis.core;

import java.lang.System.Logger.Level;
import org.jspecify.annotations.Nullable;

/**
 * Reads and writes Portcullis's one session attribute through the exchange: a {@link SessionRecord}
 * sealed with this engine's {@link SessionKeys}. A value that does not open (another key, another
 * session, tampered, a format this version does not know, the plaintext record of an earlier
 * version) reads as "logged out" and is removed, never as an error.
 */
final class SessionStore {
  private static final System.Logger LOG = System.getLogger("io.portcullis");

  /** The session attribute holding the {@link SessionRecord}. */
  static final String ATTRIBUTE = "io.portcullis.login";

  private final SessionKeys keys;

  SessionStore(SessionKeys keys) {
    this.keys = keys;
  }

  @Nullable LoginSession get(HttpExchange exchange) {
    Object value = exchange.sessionAttribute(ATTRIBUTE);
    if (value == null) {
      return null;
    }
    if (value instanceof SessionRecord r) {
      LoginSession login = r.opened(); // the usual case: no work
      if (login != null) {
        return login;
      }
      login = open(exchange, r);
      if (login != null) {
        return login;
      }
    }
    LOG.log(
        Level.INFO,
        "oidc.session.unreadable: the stored login does not open (another key or session, or an"
            + " older format); the user is logged out");
    clear(exchange);
    return null;
  }

  /**
   * The login in the session when these keys open it, or null; unlike {@link #get}, a record they
   * do not open (another provider's) is left as it is.
   */
  @Nullable LoginSession peek(HttpExchange exchange) {
    Object value = exchange.sessionAttribute(ATTRIBUTE);
    if (!(value instanceof SessionRecord r)) {
      return null;
    }
    LoginSession login = r.opened();
    return login != null ? login : open(exchange, r);
  }

  /**
   * The login the shared session store holds now ({@link HttpExchange#reloadSessionAttribute}), or
   * null; nothing is removed.
   */
  @Nullable LoginSession reload(HttpExchange exchange) {
    Object value = exchange.reloadSessionAttribute(ATTRIBUTE);
    return value instanceof SessionRecord r ? open(exchange, r) : null;
  }

  private @Nullable LoginSession open(HttpExchange exchange, SessionRecord r) {
    try {
      return r.open(keys, exchange.sessionCreationTime());
    } catch (RuntimeException e) {
      return null; // the session was invalidated meanwhile
    }
  }

  void put(HttpExchange exchange, LoginSession session) {
    exchange.sessionAttribute(
        ATTRIBUTE, SessionRecord.of(session, keys, exchange.sessionCreationTime()));
  }

  static void clear(HttpExchange exchange) {
    if (exchange.sessionId() != null) {
      exchange.sessionAttribute(ATTRIBUTE, null);
    }
  }
}
