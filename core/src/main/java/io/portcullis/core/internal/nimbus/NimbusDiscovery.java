package io.portcullis.core.internal.nimbus;

import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.util.JSONObjectUtils;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Loads provider metadata: OpenID Connect Discovery 1.0 §4 first, then RFC 8414 §3. Explicit
 * endpoints win over discovered ones; when the authorization, token and JWKS endpoints are all
 * explicit, no discovery request is made (servers without discovery).
 */
public final class NimbusDiscovery {
  private final boolean tenantTemplate;

  private final ConfiguredProvider config;
  private final Http http;

  /** Creates a loader for the configured provider that fetches with {@code http}. */
  public NimbusDiscovery(ConfiguredProvider config, Http http) {
    this(config, http, false);
  }

  /**
   * {@code tenantTemplate}: whether a metadata issuer with {@code {tenantid}} standing for the
   * configured one is accepted (a multi-tenant endpoint with {@code tenants} configured).
   */
  public NimbusDiscovery(ConfiguredProvider config, Http http, boolean tenantTemplate) {
    this.tenantTemplate = tenantTemplate;
    this.config = config;
    this.http = http;
  }

  /**
   * Fetches and validates the metadata. Discovery §4.3: the {@code issuer} in the document must be
   * identical to the configured issuer; every endpoint must be HTTPS unless on loopback.
   */
  public ProviderMetadata load() throws ProviderException {
    URI issuer = config.issuer();
    boolean explicit =
        config.authorizationEndpoint() != null
            && config.tokenEndpoint() != null
            && config.jwksUri() != null;
    Fetched fetched = issuer == null || explicit ? new Fetched(Map.of(), null) : fetch(issuer);
    Map<String, Object> json = fetched.json();
    String issuerValue = issuer == null ? "" : issuer.toString();
    if (issuer != null && !explicit) {
      Object documentIssuer = json.get("issuer");
      if (tenantTemplate
          && documentIssuer instanceof String template
          && TenantIssuer.standsFor(template, issuerValue)) {
        issuerValue = template; // Entra multi-tenant: each token names its tenant's issuer
      } else if (!issuerValue.equals(documentIssuer)) {
        throw new ProviderException(
            "provider metadata names issuer \""
                + documentIssuer
                + "\" but the configured issuer is \""
                + issuerValue
                + "\" (OpenID Connect Discovery §4.3 requires them identical)");
      }
    }
    URI authorization = pick(config.authorizationEndpoint(), json, "authorization_endpoint");
    URI token = pick(config.tokenEndpoint(), json, "token_endpoint");
    URI jwks = pick(config.jwksUri(), json, "jwks_uri");
    URI userinfo = pick(config.userinfoEndpoint(), json, "userinfo_endpoint");
    URI endSession = pick(config.endSessionEndpoint(), json, "end_session_endpoint");
    URI par = pick(null, json, "pushed_authorization_request_endpoint");
    if (authorization == null || token == null) {
      throw new ProviderException(
          "provider metadata has no authorization_endpoint or token_endpoint");
    }
    for (URI uri : new URI[] {authorization, token, jwks, userinfo, endSession, par}) {
      if (uri != null && !Http.isAllowedProviderUri(uri)) {
        throw new ProviderException(
            "provider endpoint "
                + uri
                + " is not HTTPS (plain HTTP is allowed only on loopback hosts)");
      }
    }
    boolean issSupported =
        Boolean.TRUE.equals(json.get("authorization_response_iss_parameter_supported"));
    List<String> algs = new ArrayList<>();
    if (json.get("id_token_signing_alg_values_supported") instanceof List<?> list) {
      for (Object o : list) {
        if (o instanceof String s) {
          algs.add(s);
        }
      }
    }
    if (algs.isEmpty()) {
      algs.add("RS256"); // OIDC Core §3.1.3.7 step 7: RS256 is the default
    }
    return new ProviderMetadata(
        issuerValue,
        authorization,
        token,
        jwks,
        userinfo,
        endSession,
        issSupported,
        algs,
        fetched.served(),
        par,
        Boolean.TRUE.equals(json.get("require_pushed_authorization_requests")),
        strings(json.get("token_endpoint_auth_signing_alg_values_supported")));
  }

  /** The strings of a JSON array member, in order; empty for anything else. */
  private static List<String> strings(@Nullable Object value) {
    List<String> out = new ArrayList<>();
    if (value instanceof List<?> list) {
      for (Object o : list) {
        if (o instanceof String s) {
          out.add(s);
        }
      }
    }
    return out;
  }

  /** A metadata document and the {@code Date} header it came with, if any. */
  private record Fetched(Map<String, Object> json, @Nullable Instant served) {}

  private Fetched fetch(URI issuer) throws ProviderException {
    if (!Http.isAllowedProviderUri(issuer)) {
      throw new ProviderException(
          "issuer " + issuer + " is not HTTPS (plain HTTP is allowed only on loopback hosts)");
    }
    String base = issuer.toString();
    String trimmed = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    URI oidc = URI.create(trimmed + "/.well-known/openid-configuration");
    String path = issuer.getRawPath() == null ? "" : issuer.getRawPath();
    if (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    URI rfc8414 =
        URI.create(
            issuer.getScheme()
                + "://"
                + issuer.getRawAuthority()
                + "/.well-known/oauth-authorization-server"
                + path);
    ProviderException first;
    try {
      return get(oidc);
    } catch (ProviderException e) {
      first = e;
    }
    try {
      return get(rfc8414);
    } catch (ProviderException e) {
      throw new ProviderException(first.getMessage() + "; RFC 8414 fallback: " + e.getMessage(), e);
    }
  }

  private Fetched get(URI uri) throws ProviderException {
    HTTPResponse response;
    try {
      HTTPRequest request = new HTTPRequest(HTTPRequest.Method.GET, uri);
      request.setAccept("application/json");
      response = http.send(request, ProviderListener.Endpoint.DISCOVERY);
    } catch (IOException e) {
      throw new ProviderException(
          "cannot fetch "
              + uri
              + ": "
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : " " + e.getMessage()),
          e);
    }
    if (response.getStatusCode() != 200) {
      throw new ProviderException("fetching " + uri + " answered HTTP " + response.getStatusCode());
    }
    try {
      return new Fetched(JSONObjectUtils.parse(response.getBody()), Http.date(response));
    } catch (ParseException e) {
      throw new ProviderException("metadata at " + uri + " is not valid: " + e.getMessage(), e);
    }
  }

  private static @Nullable URI pick(
      @Nullable URI explicit, Map<String, Object> json, String member) {
    if (explicit != null) {
      return explicit;
    }
    Object value = json.get(member);
    if (value instanceof String s && !s.isBlank()) {
      try {
        return URI.create(s);
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
    return null;
  }
}
