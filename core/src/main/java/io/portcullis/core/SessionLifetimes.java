package io.portcullis.core;

import java.lang.System.Logger.Level;
import org.jspecify.annotations.Nullable;

/**
 * The lifetimes of a login set by policy (README "Session lifetimes"): {@code session-idle-timeout}
 * ends a login no request used for that long, {@code session-max-lifetime} one that long after the
 * user logged in, whatever the container's session timeout, the refresh token's lifetime and the
 * successful refreshes. Both times live in the stored login ({@link LoginSession#loginAtMillis},
 * {@link LoginSession#seenAtMillis}), so every node of a cluster that shares the session decides
 * alike.
 *
 * <p>The last-activity mark is not rewritten on every request (a shared session store would write
 * the record each time): it moves only when it is more than a tenth of the idle timeout old. So a
 * login ends after between nine tenths of the idle timeout and the whole of it without a request,
 * never later. A login stored before these times existed (session record format 1) has neither: it
 * is counted from the first request that reads it while a lifetime is set.
 */
final class SessionLifetimes {
  private static final System.Logger LOG = System.getLogger("io.portcullis");

  private final long idleMillis;
  private final long maxMillis;
  private final long markStepMillis;

  SessionLifetimes(PortcullisConfig config) {
    this.idleMillis = config.sessionIdleTimeout().toMillis();
    this.maxMillis = config.sessionMaxLifetime().toMillis();
    this.markStepMillis = idleMillis / 10;
  }

  /** Whether either lifetime is set; when not, nothing is checked or written. */
  boolean enabled() {
    return idleMillis > 0 || maxMillis > 0;
  }

  /**
   * Why {@code login} has ended at {@code now} (epoch ms): {@link Reason#SESSION_EXPIRED} past its
   * maximum lifetime, {@link Reason#SESSION_IDLE} when unused for the idle timeout; null while it
   * lives. A time not known yet (0) ends nothing.
   */
  @Nullable Reason ended(LoginSession login, long now) {
    if (maxMillis > 0 && login.loginAtMillis() > 0 && now - login.loginAtMillis() >= maxMillis) {
      return Reason.SESSION_EXPIRED;
    }
    if (idleMillis > 0 && login.seenAtMillis() > 0 && now - login.seenAtMillis() >= idleMillis) {
      return Reason.SESSION_IDLE;
    }
    return null;
  }

  /**
   * {@code login} as it must be stored again after a request at {@code now}, or null when the
   * stored one stays: a login time not known yet is set to {@code now}; with an idle timeout, the
   * last-activity mark moves to {@code now} when it is not known or more than a tenth of the idle
   * timeout old.
   */
  @Nullable LoginSession touched(LoginSession login, long now) {
    long loginAt = login.loginAtMillis() > 0 ? login.loginAtMillis() : now;
    long seenAt = login.seenAtMillis();
    if (idleMillis > 0 && (seenAt <= 0 || now - seenAt > markStepMillis)) {
      seenAt = now;
    }
    if (loginAt == login.loginAtMillis() && seenAt == login.seenAtMillis()) {
      return null;
    }
    return login.withTimes(loginAt, seenAt);
  }

  /** Logs that a login ended by {@code reason}. */
  static void logEnded(Reason reason) {
    LOG.log(Level.INFO, "oidc.session.expired reason=" + reason.code());
  }
}
