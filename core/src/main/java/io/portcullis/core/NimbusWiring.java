package io.portcullis.core;

import io.portcullis.core.internal.nimbus.ClientRegistration;
import io.portcullis.core.internal.nimbus.ConfiguredProvider;
import io.portcullis.core.internal.nimbus.DpopProver;
import io.portcullis.core.internal.nimbus.Http;
import io.portcullis.core.internal.nimbus.NimbusDiscovery;
import io.portcullis.core.internal.nimbus.NimbusTokenClient;
import io.portcullis.core.internal.nimbus.ProviderMetadata;
import java.time.Clock;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Builds the {@code internal.nimbus} clients from a {@link PortcullisConfig}, passing plain values:
 * the dependency goes from core to {@code internal.nimbus} only, never back.
 */
final class NimbusWiring {
  private NimbusWiring() {}

  /**
   * Discovery of {@code config}'s provider (issuer and explicit endpoints), fetching with {@code
   * http}.
   */
  static NimbusDiscovery discovery(PortcullisConfig config, Http http) {
    return new NimbusDiscovery(
        new ConfiguredProvider(
            config.issuer().orElse(null),
            config.authorizationEndpoint().orElse(null),
            config.tokenEndpoint().orElse(null),
            config.jwksUri().orElse(null),
            config.userinfoEndpoint().orElse(null),
            config.endSessionEndpoint().orElse(null)),
        http,
        !config.tenants().isEmpty());
  }

  /** Token endpoint client for {@code config}'s client registration, sending with {@code http}. */
  static NimbusTokenClient tokenClient(PortcullisConfig config, Http http) {
    return new NimbusTokenClient(registration(config), http);
  }

  /**
   * Token endpoint client for {@code config}'s client registration, sending with {@code http},
   * dating client assertions by {@code clock} and signing them with an algorithm {@code metadata}'s
   * provider takes; with {@code dpop=true}, proving possession of {@link #dpop}'s key.
   */
  static NimbusTokenClient tokenClient(
      PortcullisConfig config, Http http, Clock clock, ProviderMetadataSource metadata) {
    return new NimbusTokenClient(
        registration(config),
        http,
        clock,
        () -> metadata.current().map(ProviderMetadata::clientAssertionAlgs).orElse(List.of()),
        dpop(config));
  }

  /**
   * The DPoP key of {@code config}: {@code dpop-key-file}'s, else a new EC P-256 key (one per call:
   * per engine); null when {@code dpop} is off.
   */
  static @Nullable DpopProver dpop(PortcullisConfig config) {
    return config.dpop() ? config.dpopKey().orElseGet(DpopProver::generate) : null;
  }

  /** {@code client-id}, {@code client-secret} and {@code client-auth} as plain values. */
  static ClientRegistration registration(PortcullisConfig config) {
    ClientRegistration.Method method =
        switch (config.clientAuth()) {
          case CLIENT_SECRET_BASIC -> ClientRegistration.Method.SECRET_BASIC;
          case CLIENT_SECRET_POST -> ClientRegistration.Method.SECRET_POST;
          case PRIVATE_KEY_JWT -> ClientRegistration.Method.PRIVATE_KEY_JWT;
          case NONE -> ClientRegistration.Method.NONE;
        };
    return new ClientRegistration(
        config.clientId(),
        config.clientSecret().orElse(null),
        method,
        method == ClientRegistration.Method.PRIVATE_KEY_JWT
            ? config.clientKey().orElseThrow()
            : null);
  }
}
