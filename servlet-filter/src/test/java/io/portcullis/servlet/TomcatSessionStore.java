package io.portcullis.servlet;

import jakarta.servlet.http.HttpSession;
import java.sql.Connection;
import java.sql.Statement;
import org.apache.catalina.Context;
import org.apache.catalina.Session;
import org.apache.catalina.session.DataSourceStore;
import org.apache.catalina.session.PersistentManager;
import org.apache.catalina.valves.PersistentValve;
import org.h2.jdbcx.JdbcDataSource;

/**
 * Tomcat's shared session store for the cluster tests: a {@link PersistentManager} with a {@link
 * DataSourceStore} on an in-memory H2 database, and the {@link PersistentValve}, which loads the
 * session from the store at the start of each request and saves it back (dropping it from memory)
 * at the end — no node-local session cache, like Jetty's {@code NullSessionCache}. The filter's
 * {@link SessionReloader} reads the session through the same store.
 */
final class TomcatSessionStore {
  private TomcatSessionStore() {}

  static void install(Context context, PortcullisFilter filter, String database) {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:" + database + ";DB_CLOSE_DELAY=-1");
    try (Connection c = h2.getConnection();
        Statement s = c.createStatement()) {
      // The table DataSourceStore expects (its default column names).
      s.execute(
          "create table if not exists tomcat_sessions (id varchar(100) not null primary key,"
              + " valid char(1) not null, maxinactive int not null, lastaccess bigint, app varchar(255), data blob)");
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
    DataSourceStore store =
        new DataSourceStore() {
          {
            dataSource =
                h2; // instead of a JNDI lookup, which embedded Tomcat has no naming for here
          }
        };
    store.setSessionTable("tomcat_sessions");
    PersistentManager manager = new PersistentManager();
    manager.setStore(store);
    manager.setSaveOnRestart(false);
    context.setManager(manager);
    context.getPipeline().addValve(new PersistentValve());
    filter.setSessionReloader(
        (id, name) -> {
          try {
            Session session = store.load(id);
            return session == null ? null : ((HttpSession) session.getSession()).getAttribute(name);
          } catch (Exception e) {
            return null;
          }
        });
  }
}
