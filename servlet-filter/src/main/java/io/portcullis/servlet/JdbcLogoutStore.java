package io.portcullis.servlet;

import io.portcullis.core.LogoutRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The back-channel logouts of a cluster kept in the database its sessions already share (Jetty's
 * JDBC session store, for one), in the table {@value #TABLE}, created on first use when missing:
 *
 * <pre>
 * CREATE TABLE IF NOT EXISTS portcullis_logouts (
 *   issuer VARCHAR(1024) NOT NULL, sid VARCHAR(255), sub VARCHAR(255),
 *   revoked_at BIGINT NOT NULL, written_at BIGINT NOT NULL)
 * CREATE INDEX IF NOT EXISTS portcullis_logouts_written ON portcullis_logouts (written_at)
 * </pre>
 *
 * <p>Times are epoch milliseconds. Rows older than {@link LogoutRegistry#RETENTION} are deleted
 * when a logout is written. Every failure is an {@link IllegalStateException} naming the step,
 * never holding the data source's settings.
 */
final class JdbcLogoutStore implements LogoutRegistry.SharedStore {
  static final String TABLE = "portcullis_logouts";

  private final DataSource dataSource;
  private volatile boolean tableReady;

  JdbcLogoutStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  private void ensureTable(Connection c) throws SQLException {
    if (tableReady) {
      return;
    }
    try (Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE IF NOT EXISTS "
              + TABLE
              + " (issuer VARCHAR(1024) NOT NULL, sid VARCHAR(255), sub VARCHAR(255),"
              + " revoked_at BIGINT NOT NULL, written_at BIGINT NOT NULL)");
      s.execute("CREATE INDEX IF NOT EXISTS " + TABLE + "_written ON " + TABLE + " (written_at)");
    }
    tableReady = true;
  }

  @Override
  public void write(LogoutRegistry.Revocation r, long writtenAtMillis) {
    try (Connection c = dataSource.getConnection()) {
      ensureTable(c);
      try (PreparedStatement p =
          c.prepareStatement(
              "INSERT INTO "
                  + TABLE
                  + " (issuer, sid, sub, revoked_at, written_at) VALUES (?, ?, ?, ?, ?)")) {
        p.setString(1, r.issuer());
        setNullable(p, 2, r.sessionId());
        setNullable(p, 3, r.subject());
        p.setLong(4, r.atMillis());
        p.setLong(5, writtenAtMillis);
        p.executeUpdate();
      }
    } catch (SQLException e) {
      throw failure("write", e);
    }
  }

  @Override
  public List<LogoutRegistry.Revocation> readWrittenSince(long sinceMillis) {
    try (Connection c = dataSource.getConnection()) {
      ensureTable(c);
      try (PreparedStatement p =
          c.prepareStatement(
              "SELECT issuer, sid, sub, revoked_at FROM " + TABLE + " WHERE written_at >= ?")) {
        p.setLong(1, sinceMillis);
        List<LogoutRegistry.Revocation> out = new ArrayList<>();
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) {
            String issuer = rs.getString(1);
            String sid = rs.getString(2);
            String sub = rs.getString(3);
            if (issuer != null && (sid != null || sub != null)) {
              out.add(new LogoutRegistry.Revocation(issuer, sid, sub, rs.getLong(4)));
            }
          }
        }
        return out;
      }
    } catch (SQLException e) {
      throw failure("read", e);
    }
  }

  @Override
  public void purgeWrittenBefore(long beforeMillis) {
    try (Connection c = dataSource.getConnection()) {
      ensureTable(c);
      try (PreparedStatement p =
          c.prepareStatement("DELETE FROM " + TABLE + " WHERE written_at < ?")) {
        p.setLong(1, beforeMillis);
        p.executeUpdate();
      }
    } catch (SQLException e) {
      throw failure("purge", e);
    }
  }

  private static void setNullable(PreparedStatement p, int index, @Nullable String value)
      throws SQLException {
    if (value == null) {
      p.setNull(index, Types.VARCHAR);
    } else {
      p.setString(index, value);
    }
  }

  private static IllegalStateException failure(String step, SQLException e) {
    return new IllegalStateException(
        "logout store " + step + " failed on " + TABLE + " (SQLState " + e.getSQLState() + ")", e);
  }
}
