package io.portcullis.samples.provider;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.http.OAuth2HttpRequest;
import no.nav.security.mock.oauth2.http.OAuth2HttpRequestHandler;
import no.nav.security.mock.oauth2.http.OAuth2HttpResponse;
import no.nav.security.mock.oauth2.http.Route;
import no.nav.security.mock.oauth2.token.KeyProvider;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;
import okhttp3.HttpUrl;

/**
 * A demo OpenID provider in the launcher's JVM (navikt mock-oauth2-server): its login page accepts
 * any user name, and its token responses carry {@code scope} (RFC 6749 §5.1), granting the scopes
 * asked for at the authorization endpoint except {@code admin}, which only the user {@code admin}
 * gets. Not for production: anyone can log in as anyone.
 *
 * <p>Not built on the tests' {@code FakeProvider} (test-support), which plays the same policy for
 * the starter's tests ({@code loginPage}, {@code grantOnlyTo}): this is main code of runnable
 * samples that people open in a browser, shipped in their jars, so it runs a real provider
 * implementation rather than a test fixture, and test-support (never published) cannot be a compile
 * dependency of it.
 */
public final class DemoProvider implements AutoCloseable {
  static final String ISSUER_ID = "default";
  static final String ADMIN_SCOPE = "admin";

  private static final Pattern FORM_POST_CODE =
      Pattern.compile("name=\"code\"\\s+value=\"([^\"]*)\"");

  private record Grant(String scope, String username) {}

  private final MockOAuth2Server server;
  private final RSAKey signingKey;
  private final Map<String, Grant> grantsByCode = new ConcurrentHashMap<>();

  /** Starts the provider on the loopback interface; {@code port} 0 picks a free port. */
  public DemoProvider(int port) {
    try {
      signingKey = new RSAKeyGenerator(2048).keyID(ISSUER_ID).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot generate the demo provider's key", e);
    }
    OAuth2TokenProvider tokens =
        new OAuth2TokenProvider(new KeyProvider(List.of(signingKey), "RS256"));
    OAuth2Config config = new OAuth2Config(true, null, null, false, tokens, java.util.Set.of());
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
    server.start(InetAddress.getLoopbackAddress(), port);
  }

  /** The issuer URL, e.g. {@code http://localhost:40123/default}. */
  public String issuer() {
    return server.issuerUrl(ISSUER_ID).toString();
  }

  private OAuth2HttpResponse intercept(Route inner, OAuth2HttpRequest request) {
    String path = request.getUrl().encodedPath();
    OAuth2HttpResponse response = inner.invoke(request);
    if (path.endsWith("/authorize") && "POST".equals(request.getMethod())) {
      // The login form posts back to the authorization URL: the scope is in its query, the user
      // name in the body, and the code in the Location of the redirect back to the client or, with
      // response_mode=form_post, in the auto-submitting form the page answers.
      String location = response.getHeaders().get("Location");
      HttpUrl back = location == null ? null : HttpUrl.parse(location);
      String code = back != null ? back.queryParameter("code") : formPostCode(response.getBody());
      String scope = request.getUrl().queryParameter("scope");
      String username = formParam(request.getBody(), "username");
      if (code != null && scope != null && username != null) {
        grantsByCode.put(code, new Grant(scope, username));
      }
    } else if (path.endsWith("/token") && response.getStatus() == 200) {
      String code = formParam(request.getBody(), "code");
      Grant grant = code == null ? null : grantsByCode.remove(code);
      if (grant != null) {
        return withScope(response, granted(grant));
      }
      String ccScope = formParam(request.getBody(), "scope");
      if ("client_credentials".equals(formParam(request.getBody(), "grant_type"))
          && ccScope != null) {
        return withScopeClaim(response, ccScope);
      }
    }
    return response;
  }

  /** The scopes asked for, less {@code admin} unless the user is {@code admin}. */
  private static String granted(Grant grant) {
    List<String> granted = new ArrayList<>();
    for (String scope : grant.scope().trim().split("\\s+")) {
      if (!scope.isEmpty()
          && !granted.contains(scope)
          && (!scope.equals(ADMIN_SCOPE) || grant.username().equals("admin"))) {
        granted.add(scope);
      }
    }
    return String.join(" ", granted);
  }

  private static OAuth2HttpResponse withScope(OAuth2HttpResponse response, String scope) {
    try {
      Map<String, Object> json = JSONObjectUtils.parse(response.getBody());
      json.put("scope", scope);
      return new OAuth2HttpResponse(
          response.getHeaders(), 200, JSONObjectUtils.toJSONString(json), null);
    } catch (ParseException e) {
      return response;
    }
  }

  /**
   * Client-credentials access tokens carry their scopes in a {@code scope} claim, as Keycloak's do,
   * and are RFC 9068 JWT access tokens (header {@code typ} {@code at+jwt}, the client in {@code
   * client_id}), so the application can accept them on its own APIs ({@code
   * bearer-tokens=own-clients}).
   */
  private OAuth2HttpResponse withScopeClaim(OAuth2HttpResponse response, String scope) {
    try {
      Map<String, Object> json = JSONObjectUtils.parse(response.getBody());
      SignedJWT original = SignedJWT.parse((String) json.get("access_token"));
      JWTClaimsSet claims =
          new JWTClaimsSet.Builder(original.getJWTClaimsSet())
              .claim("scope", scope)
              .claim("client_id", original.getJWTClaimsSet().getSubject())
              .build();
      SignedJWT resigned =
          new SignedJWT(
              new JWSHeader.Builder(JWSAlgorithm.RS256)
                  .keyID(ISSUER_ID)
                  .type(new JOSEObjectType("at+jwt"))
                  .build(),
              claims);
      resigned.sign(new RSASSASigner(signingKey));
      json.put("access_token", resigned.serialize());
      json.put("scope", scope);
      return new OAuth2HttpResponse(
          response.getHeaders(), 200, JSONObjectUtils.toJSONString(json), null);
    } catch (ParseException | JOSEException | RuntimeException e) {
      return response;
    }
  }

  /** The code in a form_post answer's hidden field {@code <input ... name="code" value="...">}. */
  private static String formPostCode(String html) {
    if (html == null) {
      return null;
    }
    Matcher m = FORM_POST_CODE.matcher(html);
    return m.find() ? m.group(1) : null;
  }

  /** The value of {@code name} in the form {@code body}, decoded, or null. */
  private static String formParam(String body, String name) {
    if (body == null) {
      return null;
    }
    for (String pair : body.split("&")) {
      String[] kv = pair.split("=", 2);
      if (kv.length == 2 && URLDecoder.decode(kv[0], StandardCharsets.UTF_8).equals(name)) {
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
