package io.portcullis.it.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import io.portcullis.core.DownstreamHeaders;
import io.portcullis.servlet.PortcullisFilter;
import io.portcullis.servlet.PortcullisRequests;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 13 AC5: DPoP (RFC 9449) against a real Keycloak 26, whose realm clients {@code dpop-portal}
 * (confidential, with a service account) and {@code dpop-public} (public: Keycloak binds its
 * refresh tokens too) have "OAuth 2.0 DPoP Bound Access Tokens" on. The apps run with {@code
 * dpop=true} and {@code refresh-before} longer than the token lifetime, so that every page request
 * after the login refreshes. Their page calls Keycloak's UserInfo endpoint, a DPoP resource server,
 * once with the headers {@link PortcullisRequests#downstreamHeaders} gives and once with the same
 * token as a plain bearer token, and reports the statuses (never a token).
 */
@ExtendWith(KeycloakExtension.class)
class DpopKeycloakTest {
  private static Server jetty;
  private static URI app;

  /** Calls UserInfo as the application would and reports what came back. */
  public static final class UserInfoServlet extends HttpServlet {
    private final HttpClient client =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private URI userinfo() {
      return URI.create(
          KeycloakExtension.server().authServerUrl()
              + "realms/legacy/protocol/openid-connect/userinfo");
    }

    private HttpResponse<String> call(Map<String, String> headers) throws IOException {
      HttpRequest.Builder request = HttpRequest.newBuilder(userinfo()).GET();
      headers.forEach(request::header);
      try {
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
    }

    /** UserInfo with {@code headers}, retried once with a nonce when Keycloak asks for one. */
    private HttpResponse<String> callWithNonce(HttpServletRequest request) throws IOException {
      DownstreamHeaders h =
          PortcullisRequests.downstreamHeaders(request, "GET", userinfo()).orElseThrow();
      HttpResponse<String> answer = call(h.asMap());
      String nonce = answer.headers().firstValue("DPoP-Nonce").orElse(null);
      if (answer.statusCode() == 401 && nonce != null) {
        h = PortcullisRequests.downstreamHeaders(request, "GET", userinfo(), nonce).orElseThrow();
        answer = call(h.asMap());
      }
      return answer;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      Map<String, String> out = new LinkedHashMap<>();
      out.put("user", request.getRemoteUser());
      String token = PortcullisRequests.accessToken(request).orElseThrow();
      out.put("token", WhoAmIServlet.digest(token));
      DownstreamHeaders headers =
          PortcullisRequests.downstreamHeaders(request, "GET", userinfo()).orElseThrow();
      out.put("scheme", headers.authorization().substring(0, headers.authorization().indexOf(' ')));
      out.put("proof", String.valueOf(headers.dpop().isPresent()));
      out.put("cnf", String.valueOf(hasCnf(token)));
      HttpResponse<String> dpop = callWithNonce(request);
      out.put("userinfo.dpop", String.valueOf(dpop.statusCode()));
      out.put("userinfo.dpop.sub-present", String.valueOf(dpop.body().contains("\"sub\"")));
      out.put(
          "userinfo.bearer",
          String.valueOf(call(Map.of("Authorization", "Bearer " + token)).statusCode()));
      if (request.getParameter("m2m") != null) {
        DownstreamHeaders m2m =
            PortcullisRequests.clientCredentials(request)
                .headers(Set.of("openid"), "GET", userinfo());
        String m2mToken = m2m.authorization().substring(m2m.authorization().indexOf(' ') + 1);
        out.put("m2m.scheme", m2m.authorization().substring(0, m2m.authorization().indexOf(' ')));
        out.put("m2m.cnf", String.valueOf(hasCnf(m2mToken)));
        out.put("m2m.userinfo.dpop", String.valueOf(call(m2m.asMap()).statusCode()));
        out.put(
            "m2m.userinfo.bearer",
            String.valueOf(call(Map.of("Authorization", "Bearer " + m2mToken)).statusCode()));
      }
      response.setContentType("text/plain;charset=UTF-8");
      StringBuilder body = new StringBuilder();
      out.forEach((k, v) -> body.append(k).append('=').append(v).append('\n'));
      response.getWriter().write(body.toString());
    }

    private static boolean hasCnf(String token) {
      try {
        return SignedJWT.parse(token).getJWTClaimsSet().getClaim("cnf") instanceof Map<?, ?> m
            && m.get("jkt") instanceof String;
      } catch (java.text.ParseException e) {
        return false;
      }
    }
  }

  private static ServletContextHandler context(String path, Map<String, String> params) {
    ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
    context.setContextPath(path);
    FilterHolder filter = new FilterHolder(PortcullisFilter.class);
    filter.setInitParameter("issuer", KeycloakExtension.server().authServerUrl() + "realms/legacy");
    filter.setInitParameter("dpop", "true");
    // longer than Keycloak's 60 s tokens: every request after the login refreshes
    filter.setInitParameter("refresh-before", "3600");
    params.forEach(filter::setInitParameter);
    context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(new UserInfoServlet()), "/*");
    return context;
  }

  @BeforeAll
  static void deploy() throws Exception {
    jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost("127.0.0.1");
    connector.setPort(KeycloakExtension.appPort());
    jetty.addConnector(connector);
    Handler.Sequence contexts = new Handler.Sequence();
    contexts.addHandler(
        context(
            "/dpop",
            Map.of(
                "client-id", "dpop-portal",
                "client-secret", "dpop-portal-secret-7c2e9a41b5d80f36")));
    contexts.addHandler(context("/dpop-public", Map.of("client-id", "dpop-public")));
    jetty.setHandler(contexts);
    jetty.start();
    app = URI.create("http://127.0.0.1:" + KeycloakExtension.appPort());
    KeycloakBrowser.awaitMetadata(app.resolve("/dpop/page"), app.resolve("/dpop-public/page"));
  }

  @AfterAll
  static void undeploy() throws Exception {
    if (jetty != null) {
      jetty.stop();
    }
  }

  private static Map<String, String> assertBoundAndAcceptedOnlyWithAProof(
      HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    Map<String, String> page = KeycloakJsonMigrationTest.page(response);
    assertThat(page)
        .as(response.body())
        .containsEntry("scheme", "DPoP")
        .containsEntry("proof", "true")
        .containsEntry("cnf", "true")
        .containsEntry("userinfo.dpop", "200")
        .containsEntry("userinfo.dpop.sub-present", "true");
    assertThat(page.get("userinfo.bearer")).as("the bound token sent as Bearer").isEqualTo("401");
    return page;
  }

  @Test
  void loginWhenConfidentialDpopClientThenBoundTokensRefreshedBoundAndClientCredentialsToo()
      throws Exception {
    KeycloakBrowser alice = new KeycloakBrowser();
    Map<String, String> first =
        assertBoundAndAcceptedOnlyWithAProof(
            alice.navigate(app.resolve("/dpop/page"), "alice", "alice-password"));
    assertThat(first).containsEntry("user", "alice");

    Map<String, String> second =
        assertBoundAndAcceptedOnlyWithAProof(alice.browser.get(app.resolve("/dpop/page?m2m")));
    assertThat(second.get("token")).as("refreshed").isNotEqualTo(first.get("token"));
    assertThat(second)
        .as("client credentials, DPoP-bound")
        .containsEntry("m2m.scheme", "DPoP")
        .containsEntry("m2m.cnf", "true")
        .containsEntry("m2m.userinfo.dpop", "200")
        .containsEntry("m2m.userinfo.bearer", "401");
  }

  @Test
  void loginWhenPublicDpopClientThenTheBoundRefreshTokenIsRedeemedWithAProof() throws Exception {
    KeycloakBrowser bob = new KeycloakBrowser();
    Map<String, String> first =
        assertBoundAndAcceptedOnlyWithAProof(
            bob.navigate(app.resolve("/dpop-public/page"), "bob", "bob-password"));
    assertThat(first).containsEntry("user", "bob");
    Map<String, String> second =
        assertBoundAndAcceptedOnlyWithAProof(bob.browser.get(app.resolve("/dpop-public/page")));
    Map<String, String> third =
        assertBoundAndAcceptedOnlyWithAProof(bob.browser.get(app.resolve("/dpop-public/page")));
    assertThat(second.get("token")).as("refreshed").isNotEqualTo(first.get("token"));
    assertThat(third.get("token")).as("refreshed again").isNotEqualTo(second.get("token"));
  }
}
