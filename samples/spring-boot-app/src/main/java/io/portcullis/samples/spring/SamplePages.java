package io.portcullis.samples.spring;

import io.portcullis.core.ClientCredentialsException;
import io.portcullis.core.Identity;
import io.portcullis.samples.pages.Pages;
import io.portcullis.spring.PortcullisAccessTokens;
import io.portcullis.spring.PortcullisClientCredentialsInterceptor;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientResponseException;

/**
 * The legacy sample's pages as Spring MVC handlers. Access is decided by the rules in {@code
 * application.yml} before a request gets here; the pages only read the login (the request, or the
 * injected {@link PortcullisAccessTokens}).
 */
@RestController
class SamplePages {
  private final PortcullisAccessTokens tokens;
  private final PortcullisClientCredentialsInterceptor clientCredentials;

  SamplePages(
      PortcullisAccessTokens tokens, PortcullisClientCredentialsInterceptor clientCredentials) {
    this.tokens = tokens;
    this.clientCredentials = clientCredentials;
  }

  @GetMapping("/")
  void home(HttpServletRequest request, HttpServletResponse response) throws IOException {
    String user = request.getRemoteUser();
    String body =
        user == null
            ? "<p>You are not logged in. This page is public; every other page asks Portcullis first.</p>"
                + "<p><a href=\"/profile\">Log in</a></p>"
            : "<p>You are logged in as <b>"
                + Pages.html(user)
                + "</b>.</p>"
                + "<p><a href=\"/profile\">Your profile</a> · <a href=\"/logout\">Log out</a></p>";
    Pages.sendHtml(request, response, "Welcome", body);
  }

  @GetMapping("/profile")
  void profile(HttpServletRequest request, HttpServletResponse response) throws IOException {
    Identity identity = tokens.currentIdentity().orElse(null);
    if (identity == null) { // cannot happen behind the rules; answer sensibly anyway
      response.sendError(HttpServletResponse.SC_UNAUTHORIZED);
      return;
    }
    Instant expiresAt = identity.tokens().expiresAt();
    long left = Math.max(0, Duration.between(Instant.now(), expiresAt).toSeconds());
    StringBuilder scopes = new StringBuilder("<ul>");
    for (String scope : new TreeSet<>(identity.scopes())) {
      scopes.append("<li><code>").append(Pages.html(scope)).append("</code></li>");
    }
    scopes.append("</ul>");
    Pages.sendHtml(
        request,
        response,
        "Profile",
        "<p>Logged in as <b>"
            + Pages.html(request.getRemoteUser())
            + "</b>"
            + " (subject <code>"
            + Pages.html(identity.subject())
            + "</code>, issuer <code>"
            + Pages.html(identity.issuer())
            + "</code>).</p>"
            + "<h2>Granted scopes</h2>"
            + scopes
            + "<p>The access token expires at <b>"
            + Pages.html(expiresAt.toString())
            + "</b> (in "
            + left
            + " s).</p>"
            + "<h2>Try</h2><ul>"
            + "<li><a href=\"/reports\">/reports</a>: needs <code>read:reports</code> (asked for on demand)</li>"
            + "<li><a href=\"/admin\">/admin</a>: needs <code>admin</code> (granted to the user <code>admin</code> only)</li>"
            + "<li><a href=\"/api/data\">/api/data</a>: needs <code>read:data</code> (JSON)</li>"
            + "<li><a href=\"/me\">/me</a>: the login as JSON</li>"
            + "<li><a href=\"/m2m\">/m2m</a>: the app calls its own <code>/api/data</code> with a client-credentials token</li>"
            + "</ul><p><a href=\"/logout\">Log out</a></p>");
  }

  @GetMapping("/reports")
  void reports(HttpServletRequest request, HttpServletResponse response) throws IOException {
    Pages.sendHtml(
        request,
        response,
        "Reports",
        "<p>Quarterly reports for <b>"
            + Pages.html(request.getRemoteUser())
            + "</b>: everything is fine.</p><p>This page needs the scope <code>read:reports</code>, which the login did"
            + " not ask for: Portcullis asked the provider for it when you first came here.</p>");
  }

  @GetMapping("/admin")
  void admin(HttpServletRequest request, HttpServletResponse response) throws IOException {
    Pages.sendHtml(
        request,
        response,
        "Administration",
        "<p>Welcome, administrator <b>"
            + Pages.html(request.getRemoteUser())
            + "</b>.</p><p><code>request.isUserInRole(\"admin\")</code> is <b>"
            + request.isUserInRole("admin")
            + "</b>: a granted scope counts as a role.</p>");
  }

  @GetMapping(path = "/api/data", produces = MediaType.APPLICATION_JSON_VALUE)
  void data(HttpServletRequest request, HttpServletResponse response) throws IOException {
    Pages.sendJson(
        response,
        "{\"user\":"
            + Pages.json(request.getRemoteUser())
            + ",\"data\":[{\"id\":1,\"name\":\"alpha\"},{\"id\":2,\"name\":\"beta\"}]}");
  }

  @GetMapping(path = "/me", produces = MediaType.APPLICATION_JSON_VALUE)
  void me(HttpServletRequest request, HttpServletResponse response) throws IOException {
    Identity identity = tokens.currentIdentity().orElse(null);
    String token = tokens.current().orElse(null);
    if (identity == null || token == null) { // cannot happen behind the rules
      response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
      Pages.sendJson(response, "{\"error\":\"unauthorized\"}");
      return;
    }
    Pages.sendJson(
        response,
        "{\"user\":"
            + Pages.json(request.getRemoteUser())
            + ",\"scopes\":"
            + Pages.json(new TreeSet<>(identity.scopes()))
            + ",\"roles\":"
            + Pages.json(new TreeSet<>(identity.roles()))
            + ",\"expiresAt\":"
            + expiresAt(identity)
            + ",\"tokenHash\":"
            + Pages.json(Pages.fingerprint(token))
            + "}");
  }

  private static long expiresAt(Identity identity) {
    return identity.tokens().expiresAt().getEpochSecond();
  }

  /**
   * Calls this application's own {@code /api/data} through a {@code RestClient} with the starter's
   * client-credentials interceptor. The URL is the loopback connector, never one built from the
   * request's Host header, which a client controls and which would receive the token.
   */
  @GetMapping("/m2m")
  void m2m(HttpServletRequest request, HttpServletResponse response) throws IOException {
    RestClient client =
        RestClient.builder()
            .baseUrl("http://127.0.0.1:" + request.getLocalPort() + request.getContextPath())
            .requestInterceptor(clientCredentials.withScopes(Set.of("read:data")))
            .build();
    String status;
    String body;
    try {
      body =
          client
              .get()
              .uri("/api/data")
              .accept(MediaType.APPLICATION_JSON)
              .retrieve()
              .body(String.class);
      status = "200";
    } catch (ClientCredentialsException e) {
      Pages.sendHtml(
          request,
          response,
          "Machine to machine",
          "<p>No client-credentials token: "
              + Pages.html(e.error())
              + "</p><p><a href=\"/profile\">Back</a></p>");
      return;
    } catch (RestClientResponseException e) {
      status = Integer.toString(e.getStatusCode().value());
      body = e.getResponseBodyAsString();
    } catch (ResourceAccessException e) {
      status = "unreachable";
      body = "";
    }
    Pages.sendHtml(
        request,
        response,
        "Machine to machine",
        "<p>A client-credentials token for <code>read:data</code>, cached and refreshed ahead of expiry by"
            + " Portcullis, went out with the request through <code>PortcullisClientCredentialsInterceptor</code>.</p>"
            + "<p><code>GET /api/data</code> with it answered <b id=\"status\">"
            + Pages.html(status)
            + "</b>:</p>"
            + "<pre id=\"body\">"
            + Pages.html(body == null ? "" : body)
            + "</pre>"
            + "<p><a href=\"/profile\">Back to the profile</a></p>");
  }
}
