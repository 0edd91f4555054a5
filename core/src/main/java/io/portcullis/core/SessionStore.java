package io.portcullis.core;

import org.jspecify.annotations.Nullable;

/** Reads and writes Portcullis's one session attribute through the exchange. */
final class SessionStore {
  /** The session attribute holding the {@link LoginSession}. */
  static final String ATTRIBUTE = "io.portcullis.login";

  private SessionStore() {}

  static @Nullable LoginSession get(HttpExchange exchange) {
    return exchange.sessionAttribute(ATTRIBUTE) instanceof LoginSession s ? s : null;
  }

  static void put(HttpExchange exchange, LoginSession session) {
    exchange.sessionAttribute(ATTRIBUTE, session);
  }

  static void clear(HttpExchange exchange) {
    if (exchange.sessionId() != null) {
      exchange.sessionAttribute(ATTRIBUTE, null);
    }
  }
}
