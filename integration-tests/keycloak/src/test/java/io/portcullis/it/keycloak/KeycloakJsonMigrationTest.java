package io.portcullis.it.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 12 AC5: apps migrated from the Keycloak servlet filter against a real Keycloak 26. Each
 * keeps its old {@code WEB-INF/keycloak.json} (src/test/webapp/&#42;/WEB-INF) and its {@code
 * web.xml}, whose filter class now names PortcullisFilter: {@code /portal} a confidential client
 * ({@code credentials.secret}) with {@code use-resource-role-mappings} and {@code
 * principal-attribute}; {@code /public-app} a public client with realm roles and the adapters'
 * default principal ({@code sub}); {@code /service} the quickstarts' bearer-only service. Users log
 * in through Keycloak's own login form.
 *
 * <p>The variant with the app's {@code web.xml} security constraints (the Jakarta Authentication
 * module, which needs Tomcat) is {@link ContainerAuthMigrationTest}; both classes share the one
 * Keycloak of {@link KeycloakExtension} and its app port, one after the other.
 */
@ExtendWith(KeycloakExtension.class)
class KeycloakJsonMigrationTest {
  private static Server jetty;
  private static URI app;

  @BeforeAll
  static void deploy() throws Exception {
    jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost("127.0.0.1");
    connector.setPort(KeycloakExtension.appPort());
    jetty.addConnector(connector);
    Handler.Sequence contexts = new Handler.Sequence();
    for (String name : new String[] {"portal", "public-app", "service"}) {
      WebAppContext context = new WebAppContext();
      context.setContextPath("/" + name);
      context.setBaseResourceAsPath(Path.of("src/test/webapp", name).toAbsolutePath());
      context.setParentLoaderPriority(true);
      context.setThrowUnavailableOnStartupException(true);
      contexts.addHandler(context);
    }
    jetty.setHandler(contexts);
    jetty.start();
    app = URI.create("http://127.0.0.1:" + KeycloakExtension.appPort());
  }

  @AfterAll
  static void undeploy() throws Exception {
    if (jetty != null) {
      jetty.stop();
    }
  }

  @Test
  void confidentialClientWhenLoggedInThenPreferredUsernameAndClientRolesOnly() throws Exception {
    KeycloakBrowser alice = new KeycloakBrowser();
    Map<String, String> page =
        page(alice.navigate(app.resolve("/portal/page"), "alice", "alice-password"));
    assertThat(alice.loginForms).isEqualTo(1);
    assertThat(page)
        .containsEntry("user", "alice")
        .containsEntry("role.editor", "true")
        .containsEntry("role.viewer", "false")
        .as("use-resource-role-mappings: realm roles do not count")
        .containsEntry("role.admin", "false")
        .containsEntry("role.user", "false");

    KeycloakBrowser bob = new KeycloakBrowser();
    assertThat(page(bob.navigate(app.resolve("/portal/page"), "bob", "bob-password")))
        .containsEntry("user", "bob")
        .containsEntry("role.viewer", "true")
        .containsEntry("role.editor", "false");
  }

  @Test
  void publicClientWhenLoggedInThenSubjectAndRealmRoles() throws Exception {
    KeycloakBrowser alice = new KeycloakBrowser();
    Map<String, String> page =
        page(alice.navigate(app.resolve("/public-app/page"), "alice", "alice-password"));
    assertThat(page.get("user"))
        .as("the adapters' default principal: sub")
        .matches("[0-9a-f-]{36}");
    assertThat(page)
        .containsEntry("role.user", "true")
        .containsEntry("role.admin", "true")
        .as("realm roles only")
        .containsEntry("role.reader", "false")
        .containsEntry("role.editor", "false");
  }

  @Test
  void tokenWhenWithinTokenMinimumTimeToLiveThenRefreshedWithTheClientSecret() throws Exception {
    KeycloakBrowser alice = new KeycloakBrowser();
    Map<String, String> first =
        page(alice.navigate(app.resolve("/portal/page"), "alice", "alice-password"));
    assertThat(afterRefresh(alice, app.resolve("/portal/page"), first))
        .containsEntry("user", "alice")
        .containsEntry("role.editor", "true");
  }

  @Test
  void logoutWhenLoggedInThenKeycloakSessionEndedToo() throws Exception {
    KeycloakBrowser bob = new KeycloakBrowser();
    assertThat(page(bob.navigate(app.resolve("/portal/page"), "bob", "bob-password")))
        .containsEntry("user", "bob");
    // The sign-out page's form (with its anti-CSRF token), submitted as a browser would.
    HttpResponse<String> logout = bob.signOut(app.resolve("/portal/logout"));
    assertThat(logout.statusCode()).isEqualTo(302);
    URI endSession = URI.create(logout.headers().firstValue("Location").orElseThrow());
    assertThat(endSession.getPath())
        .isEqualTo("/auth/realms/legacy/protocol/openid-connect/logout");
    assertThat(endSession.getQuery()).contains("id_token_hint=");
    // Keycloak ends its session and sends the browser back; the app then needs a new login,
    // and Keycloak asks for the password again: its SSO session is gone.
    HttpResponse<String> after = bob.navigate(endSession, null, null);
    assertThat(KeycloakBrowser.isLoginForm(after)).as(after.uri().toString()).isTrue();
    assertThat(bob.loginForms).isEqualTo(1);
  }

  @Test
  void bearerOnlyServiceWhenNoTokenThen401NeverALoginAndWithItsTokenThenServed() throws Exception {
    KeycloakBrowser browser = new KeycloakBrowser();
    HttpResponse<String> anonymous = browser.browser.get(app.resolve("/service/page"));
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.headers().firstValue("WWW-Authenticate")).contains("Bearer");
    assertThat(anonymous.headers().firstValue("Location")).isEmpty();

    // The service account's client-credentials token, as a caller of the service gets it.
    URI tokenEndpoint =
        URI.create(KeycloakExtension.server().authServerUrl())
            .resolve("realms/legacy/protocol/openid-connect/token");
    HttpResponse<String> tokenResponse =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(tokenEndpoint)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header(
                        "Authorization",
                        "Basic "
                            + Base64.getEncoder()
                                .encodeToString(
                                    "legacy-service:legacy-service-secret-3c4fcf098815f7ab"
                                        .getBytes(StandardCharsets.UTF_8)))
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(tokenResponse.statusCode()).as(tokenResponse.body()).isEqualTo(200);
    Matcher token = Pattern.compile("\"access_token\":\"([^\"]+)\"").matcher(tokenResponse.body());
    assertThat(token.find()).isTrue();
    HttpResponse<String> served =
        browser.browser.get(
            app.resolve("/service/page"), "Authorization", "Bearer " + token.group(1));
    assertThat(page(served).get("user")).isNotEmpty().isNotEqualTo("null");
    HttpResponse<String> forged =
        browser.browser.get(
            app.resolve("/service/page"), "Authorization", "Bearer " + token.group(1) + "x");
    assertThat(forged.statusCode()).isEqualTo(401);
  }

  /**
   * The WhoAmI page at {@code uri} once the access token of {@code first} is due: served (no new
   * login), with another token. Access tokens live 60 s in the realm; the apps'
   * token-minimum-time-to-live 57 makes them due after 3 s.
   */
  static Map<String, String> afterRefresh(KeycloakBrowser user, URI uri, Map<String, String> first)
      throws Exception {
    int logins = user.loginForms;
    Thread.sleep(3_500);
    HttpResponse<String> again = user.browser.get(uri);
    assertThat(again.statusCode()).as("no new login").isEqualTo(200);
    Map<String, String> second = page(again);
    assertThat(second.get("token")).as("refreshed").isNotEqualTo(first.get("token"));
    assertThat(user.loginForms).as("a refresh, not a new login").isEqualTo(logins);
    return second;
  }

  /** The lines {@code name=value} of the WhoAmI page, which must have answered 200. */
  static Map<String, String> page(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.uri() + "\n" + response.body()).isEqualTo(200);
    Map<String, String> values = new LinkedHashMap<>();
    for (String line : response.body().split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        values.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    assertThat(values).as(response.body()).containsKey("user");
    return values;
  }
}
