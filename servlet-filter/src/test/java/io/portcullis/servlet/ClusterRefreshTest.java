package io.portcullis.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testsupport.Browser;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.session.JDBCSessionDataStore;
import org.eclipse.jetty.session.SessionData;
import org.junit.jupiter.api.Test;

/**
 * Issue 3 acceptance 3: two filter instances in two servers share one session store; both refresh
 * one session at the same moment while the provider rotates refresh tokens; the user stays logged
 * in. The store (on in-memory H2 here) is read on every request, with no node-local session cache:
 * on Jetty its JDBC session data store, on Tomcat a {@link TomcatSessionStore}.
 */
class ClusterRefreshTest {

  private static TestApp node(TestProvider provider, String database, String stateKey)
      throws Exception {
    return new TestApp(
        provider,
        Map.of("state-key", stateKey),
        (context, filter) -> jettyStore(context, filter, database),
        (context, filter) -> TomcatSessionStore.install(context, filter, database));
  }

  /** Jetty: the JDBC session data store behind a NullSessionCache. */
  private static void jettyStore(
      JettyServer.Setup context, PortcullisFilter filter, String database) {
    JDBCSessionDataStore files =
        context.jdbcSessions("org.h2.Driver", "jdbc:h2:mem:" + database + ";DB_CLOSE_DELAY=-1");
    filter.setSessionReloader(
        (id, name) -> {
          try {
            SessionData data = files.load(id);
            return data == null ? null : data.getAttribute(name);
          } catch (Exception e) {
            return null;
          }
        });
  }

  @Test
  void twoNodesWhenRefreshingOneSessionAtOnceThenUserStaysLoggedIn() throws Exception {
    String store = "sessions" + System.nanoTime();
    String stateKey = Base64.getEncoder().encodeToString(new byte[32]);
    try (TestProvider provider = new TestProvider();
        TestApp a = node(provider, store, stateKey);
        TestApp b = node(provider, store, stateKey)) {
      Browser browser = new Browser();
      // Log in on A, with the callback landing on B (the pre-login cookie carries the state).
      String authorize = Browser.location(browser.get(a.url("/profile")));
      String callback = Browser.location(browser.get(authorize)).replace(a.url(""), b.url(""));
      HttpResponse<String> landed = browser.get(callback);
      assertThat(landed.statusCode()).isEqualTo(302);
      assertThat(eventually(browser, a.url("/whoami"), "\"remoteUser\":\"alice\"").statusCode())
          .isEqualTo(200);

      for (int round = 0; round < 3; round++) {
        provider.clock.advance(Duration.ofSeconds(3600 - 30));
        provider.delayRefresh(300);
        int before = provider.refreshRequests.get();
        CompletableFuture<HttpResponse<String>> onA =
            CompletableFuture.supplyAsync(
                () -> browser.get(a.url("/api/data"), Map.of("Accept", "application/json")));
        CompletableFuture<HttpResponse<String>> onB =
            CompletableFuture.supplyAsync(
                () -> browser.get(b.url("/api/data"), Map.of("Accept", "application/json")));
        assertThat(onA.get().statusCode()).as("round %d on A", round).isEqualTo(200);
        assertThat(onB.get().statusCode()).as("round %d on B", round).isEqualTo(200);
        assertThat(provider.refreshRequests.get() - before).as("both nodes raced").isEqualTo(2);
        provider.delayRefresh(0);
        String hashA = onA.get().body().replaceAll(".*\"tokenHash\":\"([0-9a-f]+)\".*", "$1");
        String hashB = onB.get().body().replaceAll(".*\"tokenHash\":\"([0-9a-f]+)\".*", "$1");
        assertThat(hashA).isEqualTo(hashB);
        // Still logged in on both nodes, with the winner's tokens.
        for (TestApp node : new TestApp[] {a, b}) {
          HttpResponse<String> r =
              eventually(browser, node.url("/api/data"), "\"tokenHash\":\"" + hashA + "\"");
          assertThat(r.statusCode()).isEqualTo(200);
          assertThat(r.body()).contains("\"tokenHash\":\"" + hashA + "\"");
        }
      }
    }
  }

  /**
   * GETs {@code url} until the body contains {@code expected} (at most 3 s): a store may commit a
   * session just after the response that changed it was sent (Tomcat's PersistentValve does), so
   * the next request to the other node can briefly see the previous state.
   */
  private static HttpResponse<String> eventually(Browser browser, String url, String expected)
      throws InterruptedException {
    long deadline = System.nanoTime() + 3_000_000_000L;
    HttpResponse<String> r;
    do {
      r = browser.get(url, Map.of("Accept", "application/json"));
      if (r.statusCode() == 200 && r.body().contains(expected)) {
        return r;
      }
      Thread.sleep(50);
    } while (System.nanoTime() < deadline);
    return r;
  }

  @Test
  void twoNodesWhenRefreshTokenRevokedThenLoginEndsOnBoth() throws Exception {
    String store = "sessions" + System.nanoTime();
    String stateKey = Base64.getEncoder().encodeToString(new byte[32]);
    try (TestProvider provider = new TestProvider();
        TestApp a = node(provider, store, stateKey);
        TestApp b = node(provider, store, stateKey)) {
      Browser browser = new Browser();
      assertThat(browser.open(a.url("/profile")).statusCode()).isEqualTo(200);
      provider.revokeRefreshTokens();
      provider.clock.advance(Duration.ofSeconds(3600 - 30));
      assertThat(browser.get(b.url("/api/data"), Map.of("Accept", "application/json")).statusCode())
          .isEqualTo(401);
      assertThat(browser.get(a.url("/api/data"), Map.of("Accept", "application/json")).statusCode())
          .isEqualTo(401);
    }
  }
}
