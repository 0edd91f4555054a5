package io.portcullis.it.keycloak;

import static io.portcullis.it.keycloak.KeycloakJsonMigrationTest.afterRefresh;
import static io.portcullis.it.keycloak.KeycloakJsonMigrationTest.page;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testsupport.Browser;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.session.StandardManager;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.scan.StandardJarScanner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 12 AC3 and AC5: a WAR that ran under the Keycloak Tomcat adapter, migrated to Portcullis's
 * Jakarta Authentication module, on embedded Tomcat 11 against the module's real Keycloak 26. The
 * WAR (src/test/webapp/valve-app) is deployed through Tomcat's own deployer with its {@code
 * WEB-INF/web.xml} as the adapter's users had it — {@code <security-constraint>}s with role names
 * ({@code user} everywhere, {@code admin} under {@code /admin/}), {@code <security-role>}s, a
 * {@code BASIC} login-config where the adapter had {@code KEYCLOAK} — plus the one context-param
 * {@code portcullis.container-auth=true}, and its old {@code WEB-INF/keycloak.json} (confidential
 * client {@code legacy-valve}, realm roles); no filter and no Portcullis rules. Users log in
 * through Keycloak's own login form; the container checks the constraints against the realm roles
 * of Keycloak's tokens.
 */
@ExtendWith(KeycloakExtension.class)
class ContainerAuthMigrationTest {
  private static Tomcat tomcat;
  private static Path baseDir;
  private static URI app;

  @BeforeAll
  static void deploy() throws Exception {
    baseDir = Files.createTempDirectory("portcullis-it-tomcat");
    tomcat = new Tomcat();
    tomcat.setBaseDir(baseDir.toString());
    Connector connector = new Connector();
    // The realm's clients redirect to this port only; the Jetty test class has stopped using it.
    connector.setPort(KeycloakExtension.appPort());
    connector.setProperty("address", "127.0.0.1");
    tomcat.setConnector(connector);
    tomcat.setAddDefaultWebXmlToWebapp(false); // the WAR's own servlets only
    Context context =
        tomcat.addWebapp(
            "/valve-app", Path.of("src/test/webapp/valve-app").toAbsolutePath().toString());
    if (context instanceof StandardContext standard) {
      standard.setClearReferencesThreadLocals(false);
      standard.setClearReferencesRmiTargets(false);
    }
    if (context.getJarScanner() instanceof StandardJarScanner scanner) {
      scanner.setScanClassPath(false); // the servlet and Portcullis come from the test class path
    }
    StandardManager sessions = new StandardManager();
    sessions.setPathname(null);
    context.setManager(sessions);
    tomcat.start();
    assertThat(context.getState().isAvailable()).as("the WAR started").isTrue();
    app = URI.create("http://127.0.0.1:" + KeycloakExtension.appPort() + "/valve-app/");
    KeycloakBrowser.awaitMetadata(app.resolve("ready"));
  }

  @AfterAll
  static void undeploy() throws Exception {
    try {
      if (tomcat != null) {
        tomcat.stop();
        tomcat.destroy();
      }
    } finally {
      if (baseDir != null) {
        try (Stream<Path> files = Files.walk(baseDir)) {
          for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(p);
          }
        }
      }
    }
  }

  /** Logs in at {@code path} through Keycloak's login form; the first answer must send there. */
  private static HttpResponse<String> login(KeycloakBrowser user, String path, String name)
      throws Exception {
    HttpResponse<String> start = user.browser.get(app.resolve(path));
    assertThat(start.statusCode()).as("anonymous: the module starts a login").isEqualTo(302);
    URI authorize = URI.create(Browser.location(start));
    assertThat(authorize.toString())
        .startsWith(
            KeycloakExtension.server().authServerUrl()
                + "realms/legacy/protocol/openid-connect/auth?");
    assertThat(authorize.getQuery()).contains("client_id=legacy-valve");
    return user.navigate(authorize, name, name + "-password");
  }

  @Test
  void constrainedPageWhenAnonymousThenKeycloakLoginAndBackWithPrincipalAndRealmRoles()
      throws Exception {
    KeycloakBrowser alice = new KeycloakBrowser();
    HttpResponse<String> response = login(alice, "page?tab=2", "alice");
    assertThat(alice.loginForms).isEqualTo(1);
    assertThat(response.uri()).as("back at the URL asked for").isEqualTo(app.resolve("page?tab=2"));
    assertThat(page(response))
        .containsEntry("user", "alice")
        .as("principal-attribute preferred_username")
        .containsEntry("principal", "alice")
        .containsEntry("role.user", "true")
        .containsEntry("role.admin", "true")
        .as("realm roles only: legacy-portal's client role editor is not one of this app's")
        .containsEntry("role.editor", "false")
        .containsEntry("role.viewer", "false");
    assertThat(page(alice.browser.get(app.resolve("admin/users"))))
        .as("<auth-constraint> admin: alice holds it")
        .containsEntry("user", "alice");
  }

  @Test
  void constraintWhenRealmRoleLackingThen403FromTheContainer() throws Exception {
    KeycloakBrowser bob = new KeycloakBrowser();
    assertThat(page(login(bob, "page", "bob")))
        .containsEntry("principal", "bob")
        .containsEntry("role.user", "true")
        .containsEntry("role.admin", "false");
    HttpResponse<String> admin = bob.browser.get(app.resolve("admin/users"));
    assertThat(admin.statusCode()).as("<auth-constraint> admin").isEqualTo(403);
    assertThat(admin.body()).doesNotContain("user=");
    assertThat(bob.browser.get(app.resolve("page")).statusCode()).isEqualTo(200);
  }

  @Test
  void tokenWhenWithinTokenMinimumTimeToLiveThenRefreshedAndStillLoggedIn() throws Exception {
    KeycloakBrowser alice = new KeycloakBrowser();
    Map<String, String> first = page(login(alice, "page", "alice"));
    assertThat(afterRefresh(alice, app.resolve("page"), first))
        .containsEntry("principal", "alice")
        .containsEntry("role.admin", "true");
  }

  @Test
  void requestLogoutWhenLoggedInThenNextRequestStartsALoginAgain() throws Exception {
    KeycloakBrowser bob = new KeycloakBrowser();
    assertThat(page(login(bob, "page", "bob"))).containsEntry("principal", "bob");
    assertThat(page(bob.browser.get(app.resolve("page?logout"))))
        .as("request.logout() ends the login at once")
        .containsEntry("user", "null")
        .containsEntry("principal", "null")
        .containsEntry("role.user", "false");
    HttpResponse<String> next = bob.browser.get(app.resolve("page"));
    assertThat(next.statusCode()).isEqualTo(302);
    assertThat(Browser.location(next))
        .startsWith(KeycloakExtension.server().authServerUrl() + "realms/legacy/");
    // Keycloak's own session is still there (request.logout() is local): back without a form.
    assertThat(page(bob.navigate(URI.create(Browser.location(next)), null, null)))
        .containsEntry("principal", "bob");
    assertThat(bob.loginForms).isEqualTo(1);
  }

  @Test
  void logoutPathWhenLoggedInThenKeycloakSessionEndedAndLoginFormAgain() throws Exception {
    KeycloakBrowser alice = new KeycloakBrowser();
    assertThat(page(login(alice, "page", "alice"))).containsEntry("principal", "alice");
    // The sign-out form (behind the web.xml constraint on /*, served all the same).
    HttpResponse<String> logout = alice.signOut(app.resolve("logout"));
    assertThat(logout.statusCode()).isEqualTo(302);
    URI endSession = URI.create(Browser.location(logout));
    assertThat(endSession.getPath())
        .isEqualTo("/auth/realms/legacy/protocol/openid-connect/logout");
    // Keycloak ends its session and sends the browser back to the app, whose constraint starts a
    // new login: Keycloak asks for the password again.
    HttpResponse<String> after = alice.navigate(endSession, null, null);
    assertThat(KeycloakBrowser.isLoginForm(after)).as(after.uri().toString()).isTrue();
    HttpResponse<String> page = alice.browser.get(app.resolve("page"));
    assertThat(page.statusCode()).as("no login left in the app").isEqualTo(302);
    assertThat(alice.loginForms).isEqualTo(1);
  }
}
