package io.portcullis.core.internal.nimbus;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What Portcullis uses of an OpenID provider's metadata (OIDC Discovery §3, RFC 8414 §2), after
 * validation and after the explicitly configured endpoints have replaced discovered ones.
 *
 * @param issuer the issuer identifier, compared with {@code iss} by simple string comparison
 * @param authorizationEndpoint the authorization endpoint
 * @param tokenEndpoint the token endpoint
 * @param jwksUri the JWK Set document, or null when ID tokens can only be HMAC-signed
 * @param userinfoEndpoint the userinfo endpoint, or null
 * @param endSessionEndpoint the RP-initiated logout endpoint, or null
 * @param issParameterSupported {@code authorization_response_iss_parameter_supported} (RFC 9207)
 * @param idTokenSigningAlgs the accepted ID token signing algorithms ({@code none} never)
 * @param served the {@code Date} header of the discovery response (RFC 9110 §6.6.1), or null when
 *     there was none or no discovery request was made
 * @param parEndpoint {@code pushed_authorization_request_endpoint} (RFC 9126 §5), or null
 * @param parRequired {@code require_pushed_authorization_requests} (RFC 9126 §5)
 * @param clientAssertionAlgs {@code token_endpoint_auth_signing_alg_values_supported} (RFC 8414
 *     §2), empty when the metadata does not say
 */
public record ProviderMetadata(
    String issuer,
    URI authorizationEndpoint,
    URI tokenEndpoint,
    @Nullable URI jwksUri,
    @Nullable URI userinfoEndpoint,
    @Nullable URI endSessionEndpoint,
    boolean issParameterSupported,
    List<String> idTokenSigningAlgs,
    @Nullable Instant served,
    @Nullable URI parEndpoint,
    boolean parRequired,
    List<String> clientAssertionAlgs) {

  /** Validates and copies. */
  public ProviderMetadata {
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(authorizationEndpoint, "authorizationEndpoint");
    Objects.requireNonNull(tokenEndpoint, "tokenEndpoint");
    idTokenSigningAlgs = idTokenSigningAlgs.stream().filter(a -> !"none".equals(a)).toList();
    clientAssertionAlgs = List.copyOf(clientAssertionAlgs);
  }
}
