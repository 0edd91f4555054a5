package io.portcullis.core.internal.nimbus;

import java.net.URI;
import org.jspecify.annotations.Nullable;

/**
 * What configuration says about the provider, as {@link NimbusDiscovery} needs it: the issuer to
 * discover from and the endpoints set explicitly (each wins over the discovered one). Plain values,
 * so that this package does not depend on {@code io.portcullis.core}.
 *
 * @param issuer {@code issuer}, if set
 * @param authorizationEndpoint {@code authorization-endpoint}, if set
 * @param tokenEndpoint {@code token-endpoint}, if set
 * @param jwksUri {@code jwks-uri}, if set
 * @param userinfoEndpoint {@code userinfo-endpoint}, if set
 * @param endSessionEndpoint {@code end-session-endpoint}, if set
 */
public record ConfiguredProvider(
    @Nullable URI issuer,
    @Nullable URI authorizationEndpoint,
    @Nullable URI tokenEndpoint,
    @Nullable URI jwksUri,
    @Nullable URI userinfoEndpoint,
    @Nullable URI endSessionEndpoint) {}
