package io.portcullis.core;

import com.nimbusds.oauth2.sdk.util.JSONObjectUtils;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import net.minidev.json.JSONObject;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.http.OAuth2HttpRequest;
import no.nav.security.mock.oauth2.http.OAuth2HttpRequestHandler;
import no.nav.security.mock.oauth2.http.OAuth2HttpResponse;
import no.nav.security.mock.oauth2.http.Route;
import okhttp3.Headers;

/**
 * A real provider in-process (navikt mock-oauth2-server, which implements the client credentials
 * grant) behind a recording front: counts token requests, keeps their bodies and {@code
 * Authorization} headers, rewrites successful token responses, and can answer for the provider.
 */
final class M2mProvider implements AutoCloseable {
  static final String ISSUER_ID = "default";

  final AtomicInteger tokenRequests = new AtomicInteger();
  final List<String> bodies = new CopyOnWriteArrayList<>();
  final List<String> authorizations = new CopyOnWriteArrayList<>();
  final List<String> issuedTokens = new CopyOnWriteArrayList<>();
  private final AtomicReference<UnaryOperator<JSONObject>> tamper = new AtomicReference<>();
  private final AtomicReference<Function<OAuth2HttpRequest, OAuth2HttpResponse>> override =
      new AtomicReference<>();
  private volatile long delayMillis;
  private final MockOAuth2Server server;

  M2mProvider() {
    OAuth2Config config = new OAuth2Config();
    Route inner = new OAuth2HttpRequestHandler(config).getAuthorizationServer();
    Route front =
        new Route() {
          @Override
          public boolean match(OAuth2HttpRequest request) {
            return true;
          }

          @Override
          public OAuth2HttpResponse invoke(OAuth2HttpRequest request) {
            return intercept(inner, request);
          }
        };
    server = new MockOAuth2Server(config, front);
    server.start();
  }

  private OAuth2HttpResponse intercept(Route inner, OAuth2HttpRequest request) {
    if (!request.getUrl().encodedPath().endsWith("/token")) {
      return inner.invoke(request);
    }
    tokenRequests.incrementAndGet();
    bodies.add(request.getBody() == null ? "" : request.getBody());
    String authorization = request.getHeaders().get("Authorization");
    authorizations.add(authorization == null ? "" : authorization);
    long delay = delayMillis;
    if (delay > 0) {
      try {
        Thread.sleep(delay);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Function<OAuth2HttpRequest, OAuth2HttpResponse> answer = override.get();
    OAuth2HttpResponse response = answer != null ? answer.apply(request) : inner.invoke(request);
    if (response.getStatus() != 200 || response.getBody() == null) {
      return response;
    }
    try {
      JSONObject json = new JSONObject(JSONObjectUtils.parse(response.getBody()));
      UnaryOperator<JSONObject> t = tamper.get();
      if (t != null) {
        json = t.apply(json);
      }
      if (json.get("access_token") instanceof String s) {
        issuedTokens.add(s);
      }
      return new OAuth2HttpResponse(response.getHeaders(), 200, json.toJSONString(), null);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Rewrites every successful token response from now on (null: stop). */
  void tamper(UnaryOperator<JSONObject> rewrite) {
    tamper.set(rewrite);
  }

  /** Answers token requests with {@code status} and {@code json} from now on (null: stop). */
  void answer(int status, String json) {
    override.set(
        json == null
            ? null
            : request ->
                new OAuth2HttpResponse(
                    Headers.of("Content-Type", "application/json"), status, json, null));
  }

  /** Delays every token response by {@code millis}. */
  void delay(long millis) {
    delayMillis = millis;
  }

  URI tokenEndpoint() {
    return server.tokenEndpointUrl(ISSUER_ID).uri();
  }

  String issuer() {
    return server.issuerUrl(ISSUER_ID).toString();
  }

  /** The form parameter {@code name} of the {@code n}th token request, decoded. */
  String param(int n, String name) {
    for (String pair : bodies.get(n).split("&")) {
      String[] kv = pair.split("=", 2);
      if (kv.length == 2 && kv[0].equals(name)) {
        return URLDecoder.decode(kv[1], StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  @Override
  public void close() {
    server.shutdown();
  }
}
