package io.portcullis.core;

import io.portcullis.core.internal.nimbus.ProviderMetadata;
import java.util.List;
import java.util.Optional;

/**
 * Local logout, then RP-initiated logout at the provider when it has an {@code
 * end_session_endpoint} (OpenID Connect RP-Initiated Logout 1.0 §2). A {@code GET} shows a
 * confirmation form; only a {@code POST} carrying the session's logout token logs out, so a
 * cross-site {@code <img src=/logout>} cannot (THREATS G-12). The session is invalidated before the
 * redirect. The post-logout target is configuration only, never taken from the request (THREATS
 * C-04).
 */
final class LogoutHandler {
  private final PortcullisConfig config;
  private final ProviderMetadataSource metadata;
  private final Urls urls;
  private final SessionStore sessions;

  LogoutHandler(
      PortcullisConfig config, ProviderMetadataSource metadata, Urls urls, SessionStore sessions) {
    this.config = config;
    this.metadata = metadata;
    this.urls = urls;
    this.sessions = sessions;
  }

  Outcome handle(HttpExchange exchange, boolean api) {
    LoginSession session = sessions.get(exchange);
    String method = exchange.method();
    if (method.equals("GET") || method.equals("HEAD")) {
      if (session == null) {
        return new Outcome.Redirect(localTarget(exchange), false);
      }
      String action = Responses.escape(exchange.contextPath() + config.logoutPath());
      return new Outcome.Page(
          200,
          "Sign out",
          "<p>Signed in as <b>"
              + Responses.escape(session.identity().name())
              + "</b>.</p>"
              + "<form method=\"post\" action=\""
              + action
              + "\">"
              + "<input type=\"hidden\" name=\"csrf\" value=\""
              + Responses.escape(session.logoutToken())
              + "\">"
              + "<button type=\"submit\">Sign out</button></form>");
    }
    if (!method.equals("POST")) {
      return new Outcome.Rejected(Reason.METHOD, null, api);
    }
    if (session == null) {
      return new Outcome.Redirect(localTarget(exchange), false);
    }
    List<String> csrf = exchange.parameterValues("csrf");
    if (csrf.size() != 1 || !Randoms.constantTimeEquals(csrf.get(0), session.logoutToken())) {
      return new Outcome.Rejected(
          Reason.LOGOUT_CSRF, exchange.contextPath() + config.logoutPath(), api);
    }
    String idToken = session.idToken();
    exchange.invalidateSession();
    Optional<ProviderMetadata> md = metadata.current();
    Optional<String> appUrl = urls.applicationUrl(exchange);
    if (md.isPresent() && md.get().endSessionEndpoint() != null && appUrl.isPresent()) {
      StringBuilder url = new StringBuilder(md.get().endSessionEndpoint().toString());
      url.append(url.indexOf("?") < 0 ? '?' : '&');
      if (idToken != null) {
        url.append("id_token_hint=").append(Urls.encode(idToken)).append('&');
      }
      url.append("client_id=").append(Urls.encode(config.clientId()));
      url.append("&post_logout_redirect_uri=").append(Urls.encode(postLogoutUri(appUrl.get())));
      url.append("&state=").append(Randoms.token(16));
      return new Outcome.Redirect(url.toString(), true);
    }
    return new Outcome.Redirect(localTarget(exchange), true);
  }

  private String postLogoutUri(String appUrl) {
    String configured = config.postLogoutRedirectUri().orElse("/");
    return configured.startsWith("/") ? appUrl + configured : configured;
  }

  private String localTarget(HttpExchange exchange) {
    String configured = config.postLogoutRedirectUri().orElse("/");
    return configured.startsWith("/") ? exchange.contextPath() + configured : configured;
  }
}
