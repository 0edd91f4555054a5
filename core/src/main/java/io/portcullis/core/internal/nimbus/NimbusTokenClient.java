package io.portcullis.core.internal.nimbus;

import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.oauth2.sdk.util.JSONObjectUtils;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Token endpoint requests: the authorization code grant with PKCE (RFC 6749 §4.1.3, RFC 7636 §4.5)
 * and the refresh token grant (RFC 6749 §6), authenticated with {@code client_secret_basic}, {@code
 * client_secret_post}, {@code private_key_jwt} (RFC 7523 §2.2: a fresh assertion per request, its
 * {@code aud} the token endpoint, as OIDC Core §9 says) or not at all ({@code none}, with {@code
 * client_id} in the body); and the client credentials grant (RFC 6749 §4.4), always authenticated.
 * With a {@link DpopProver}, every token and pushed authorization request proves possession of its
 * key (RFC 9449 §5, §10.1) and follows the server's {@code DPoP-Nonce} (§8).
 */
public final class NimbusTokenClient {
  private static final System.Logger LOG = System.getLogger("io.portcullis");
  private final ClientRegistration registration;
  private final ClientID clientId;
  private final Http http;
  private final Clock clock;
  private final Supplier<List<String>> assertionAlgs;
  private final @Nullable DpopProver dpop;
  private final AtomicBoolean warnedUnbound = new AtomicBoolean();

  /** Creates a client for {@code registration} that sends with {@code http}. */
  public NimbusTokenClient(ClientRegistration registration, Http http) {
    this(registration, http, Clock.systemUTC(), List::of);
  }

  /**
   * Creates a client for {@code registration} that sends with {@code http}, dates client assertions
   * by {@code clock} and signs them with an algorithm the provider takes ({@link
   * ClientKey#algorithmFor}): {@code assertionAlgs} gives the provider's current {@code
   * token_endpoint_auth_signing_alg_values_supported}, empty when unknown.
   */
  public NimbusTokenClient(
      ClientRegistration registration,
      Http http,
      Clock clock,
      Supplier<List<String>> assertionAlgs) {
    this(registration, http, clock, assertionAlgs, null);
  }

  /**
   * The same, proving possession of {@code dpop}'s key (RFC 9449) on every token and pushed
   * authorization request when it is not null: each carries a fresh {@code DPoP} proof, with the
   * server's latest {@code DPoP-Nonce}; a {@code use_dpop_nonce} error is retried once with the
   * nonce it names, and token responses of {@code token_type} {@code DPoP} are taken.
   */
  public NimbusTokenClient(
      ClientRegistration registration,
      Http http,
      Clock clock,
      Supplier<List<String>> assertionAlgs,
      @Nullable DpopProver dpop) {
    this.registration = registration;
    this.clientId = new ClientID(registration.clientId());
    this.http = http;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.assertionAlgs = Objects.requireNonNull(assertionAlgs, "assertionAlgs");
    this.dpop = dpop;
  }

  /** The DPoP key this client proves with, or null when DPoP is off. */
  public @Nullable DpopProver dpop() {
    return dpop;
  }

  /**
   * Exchanges an authorization code; {@code redirectUri} must equal the authorization request's.
   */
  public TokenResult exchangeCode(
      URI tokenEndpoint, String code, URI redirectUri, String codeVerifier) {
    return send(
        tokenEndpoint,
        new AuthorizationCodeGrant(
            new AuthorizationCode(code), redirectUri, new CodeVerifier(codeVerifier)));
  }

  /** Redeems a refresh token. */
  public TokenResult refresh(URI tokenEndpoint, String refreshToken) {
    return send(tokenEndpoint, new RefreshTokenGrant(new RefreshToken(refreshToken)));
  }

  /**
   * Asks for a token with the client credentials grant (RFC 6749 §4.4.2) for {@code clientId}, a
   * confidential client (OAuth 2.1 §4.2). The client authenticates with {@code client_secret_post}
   * when the filter's {@code client-auth} is {@code client_secret_post}, else with {@code
   * client_secret_basic}, whose id and secret are form-urlencoded before Base64 (RFC 6749 §2.3.1);
   * with no {@code clientSecret}, {@code clientId} must be the registration's {@code
   * private_key_jwt} client, which signs an assertion. {@code scope} is sent space separated, and
   * omitted when {@code scopes} is empty. A refresh token in the answer should not be there (RFC
   * 6749 §4.4.3): callers ignore it.
   *
   * @throws IllegalArgumentException without a secret, when {@code clientId} is not the
   *     registration's {@code private_key_jwt} client
   */
  public TokenResult clientCredentials(
      URI tokenEndpoint, String clientId, @Nullable String clientSecret, Set<String> scopes) {
    Objects.requireNonNull(tokenEndpoint, "tokenEndpoint");
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(scopes, "scopes");
    ClientID id = new ClientID(clientId);
    if (clientSecret == null
        && (registration.key() == null || !registration.clientId().equals(clientId))) {
      throw new IllegalArgumentException(
          "client credentials without a secret need the private_key_jwt client");
    }
    @Nullable Scope scope = scopes.isEmpty() ? null : new Scope(scopes.toArray(String[]::new));
    return send(
        tokenEndpoint,
        () -> {
          ClientAuthentication auth;
          if (clientSecret == null) {
            auth = privateKeyJwt(tokenEndpoint); // a fresh assertion for each attempt
          } else {
            Secret secret = new Secret(clientSecret);
            auth =
                registration.method() == ClientRegistration.Method.SECRET_POST
                    ? new ClientSecretPost(id, secret)
                    : new ClientSecretBasic(id, secret);
          }
          return new TokenRequest(tokenEndpoint, auth, new ClientCredentialsGrant(), scope)
              .toHTTPRequest();
        });
  }

  /**
   * Pushes an authorization request (RFC 9126 §2.1): {@code parameters} as a form, authenticated as
   * at the token endpoint (a {@code private_key_jwt} assertion's {@code aud} is {@code
   * tokenEndpoint}, which §2 obliges the provider to accept), or with {@code client_id} alone for a
   * public client; with DPoP, with a proof (RFC 9449 §10.1).
   */
  public PushResult pushAuthorizationRequest(
      URI parEndpoint, URI tokenEndpoint, Map<String, String> parameters) {
    Objects.requireNonNull(parEndpoint, "parEndpoint");
    Objects.requireNonNull(tokenEndpoint, "tokenEndpoint");
    HTTPResponse response;
    try {
      response =
          sendProving(
              parEndpoint,
              () -> {
                HTTPRequest request = new HTTPRequest(HTTPRequest.Method.POST, parEndpoint);
                request.setEntityContentType(
                    com.nimbusds.common.contenttype.ContentType.APPLICATION_URLENCODED);
                Map<String, List<String>> form = new java.util.LinkedHashMap<>();
                parameters.forEach((name, value) -> form.put(name, List.of(value)));
                ClientAuthentication auth = clientAuthentication(tokenEndpoint);
                if (auth == null) {
                  form.put("client_id", List.of(registration.clientId()));
                }
                request.setBody(com.nimbusds.oauth2.sdk.util.URLUtils.serializeParameters(form));
                if (auth != null) {
                  auth.applyTo(request);
                }
                return request;
              });
    } catch (IOException e) {
      return new PushResult.Unreachable(
          "pushed authorization request endpoint unreachable: " + e.getClass().getSimpleName());
    }
    int status = response.getStatusCode();
    if (status >= 500 || status == 429) {
      return new PushResult.Unreachable(
          "pushed authorization request endpoint answered HTTP " + status);
    }
    Map<String, Object> json;
    try {
      json = JSONObjectUtils.parse(response.getBody());
    } catch (ParseException | RuntimeException e) {
      return new PushResult.Failed(
          "invalid_response",
          "pushed authorization request endpoint answered HTTP " + status + " without JSON");
    }
    if (status != 201 && status != 200) {
      Object error = json.get("error");
      String code = error instanceof String s && isErrorCode(s) ? s : "invalid_response";
      return new PushResult.Failed(
          code, "pushed authorization request endpoint answered HTTP " + status + " error " + code);
    }
    if (!(json.get("request_uri") instanceof String requestUri) || requestUri.isEmpty()) {
      return new PushResult.Failed(
          "invalid_response", "pushed authorization response has no request_uri");
    }
    return new PushResult.Pushed(requestUri);
  }

  private TokenResult send(URI tokenEndpoint, AuthorizationGrant grant) {
    return send(
        tokenEndpoint,
        () -> {
          ClientAuthentication auth = clientAuthentication(tokenEndpoint);
          return (auth == null
                  ? new TokenRequest(tokenEndpoint, clientId, grant)
                  : new TokenRequest(tokenEndpoint, auth, grant))
              .toHTTPRequest();
        });
  }

  /**
   * Sends the request {@code build} makes (anew for each attempt: a client assertion's {@code jti}
   * is never reused) to {@code endpoint}, with a DPoP proof when DPoP is on, and once more with the
   * server's nonce when it answers {@code use_dpop_nonce} (RFC 9449 §8). Every {@code DPoP-Nonce}
   * the server sends is remembered for the next request.
   */
  private HTTPResponse sendProving(URI endpoint, Supplier<HTTPRequest> build) throws IOException {
    HTTPResponse response = sendOnce(endpoint, build.get());
    if (dpop != null
        && response.getStatusCode() == 400
        && response.getHeaderValue("DPoP-Nonce") != null
        && "use_dpop_nonce".equals(errorCode(response))
        && dpop.nonce(endpoint) != null) {
      response = sendOnce(endpoint, build.get());
    }
    return response;
  }

  private HTTPResponse sendOnce(URI endpoint, HTTPRequest request) throws IOException {
    request.setAccept("application/json");
    DpopProver prover = dpop;
    if (prover != null) {
      request.setHeader("DPoP", prover.proof("POST", endpoint, clock.instant(), null, null));
    }
    HTTPResponse response = http.send(request, ProviderListener.Endpoint.TOKEN);
    if (prover != null) {
      prover.rememberNonce(endpoint, response.getHeaderValue("DPoP-Nonce"));
    }
    return response;
  }

  private static @Nullable String errorCode(HTTPResponse response) {
    try {
      return JSONObjectUtils.parse(response.getBody()).get("error") instanceof String s ? s : null;
    } catch (ParseException | RuntimeException e) {
      return null;
    }
  }

  private TokenResult send(URI tokenEndpoint, Supplier<HTTPRequest> build) {
    HTTPResponse response;
    try {
      response = sendProving(tokenEndpoint, build);
    } catch (IOException e) {
      return new TokenResult.Unreachable(
          "token endpoint unreachable: " + e.getClass().getSimpleName());
    }
    int status = response.getStatusCode();
    if (status >= 500 || status == 429) {
      return new TokenResult.Unreachable("token endpoint answered HTTP " + status);
    }
    Map<String, Object> json;
    try {
      json = JSONObjectUtils.parse(response.getBody());
    } catch (ParseException
        | RuntimeException e) { // any body: the parser throws more than ParseException
      return new TokenResult.Failed(
          "invalid_response", "token endpoint answered HTTP " + status + " without a JSON object");
    }
    if (status != 200) {
      Object error = json.get("error");
      String code = error instanceof String s && isErrorCode(s) ? s : "invalid_response";
      return new TokenResult.Failed(
          code, "token endpoint answered HTTP " + status + " error " + code);
    }
    if (!(json.get("access_token") instanceof String accessToken) || accessToken.isEmpty()) {
      return new TokenResult.Failed("invalid_response", "token response has no access_token");
    }
    // OAuth 2.1 §3.2.3: token_type is case-insensitive. Bearer always; DPoP (RFC 9449 §5) only
    // when this client proves possession, else it could not use the token.
    String type =
        json.get("token_type") instanceof String t ? t.toLowerCase(Locale.ROOT) : "(none)";
    boolean dpopBound = type.equals("dpop");
    if (dpop == null && !type.equals("bearer")) {
      return new TokenResult.Failed("invalid_response", "token response token_type is not Bearer");
    }
    if (dpop != null && !dpopBound && !type.equals("bearer")) {
      return new TokenResult.Failed(
          "invalid_response", "token response token_type is neither DPoP nor Bearer");
    }
    if (dpop != null && !dpopBound && warnedUnbound.compareAndSet(false, true)) {
      LOG.log(
          Level.WARNING,
          "portcullis: dpop=true but the provider answered token_type Bearer: it did not bind the"
              + " token to the DPoP key; such tokens are used as Bearer tokens (logged once)");
    }
    Long expiresIn = null;
    Object e = json.get("expires_in");
    if (e instanceof Number n) {
      expiresIn = n.longValue();
    } else if (e instanceof String s) {
      try {
        expiresIn = Long.parseLong(s.trim());
      } catch (NumberFormatException ignored) {
        expiresIn = 0L; // non-numeric: treat as expired (THREATS F-08)
      }
    }
    return new TokenResult.Tokens(
        accessToken,
        string(json.get("refresh_token")),
        string(json.get("id_token")),
        expiresIn,
        string(json.get("scope")),
        dpopBound);
  }

  private @Nullable ClientAuthentication clientAuthentication(URI tokenEndpoint) {
    String secret = registration.clientSecret();
    return switch (registration.method()) {
      case SECRET_BASIC -> new ClientSecretBasic(clientId, new Secret(secret));
      case SECRET_POST -> new ClientSecretPost(clientId, new Secret(secret));
      case PRIVATE_KEY_JWT -> privateKeyJwt(tokenEndpoint);
      case NONE -> null;
    };
  }

  /** A fresh client assertion for {@code audience} (RFC 7523 §3: {@code jti} never reused). */
  private ClientAuthentication privateKeyJwt(URI audience) {
    ClientKey key = Objects.requireNonNull(registration.key(), "key");
    try {
      return PrivateKeyJWT.parse(
          Map.of(
              "client_assertion_type",
              List.of(PrivateKeyJWT.CLIENT_ASSERTION_TYPE),
              "client_assertion",
              List.of(
                  key.assertion(
                      registration.clientId(), audience, clock.instant(), assertionAlgs.get()))));
    } catch (ParseException e) {
      throw new IllegalStateException("client assertion not usable: " + e.getMessage());
    }
  }

  private static boolean isErrorCode(String s) {
    if (s.isEmpty() || s.length() > 64) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c == '_'
          || c == '-'
          || c == '.'
          || (c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9'))) {
        return false;
      }
    }
    return true;
  }

  private static @Nullable String string(@Nullable Object o) {
    return o instanceof String s && !s.isEmpty() ? s : null;
  }
}
