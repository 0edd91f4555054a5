package io.portcullis.spring;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Spring Boot 4 health of Portcullis ({@code portcullis}): UP once the provider's metadata is
 * loaded, DOWN otherwise, with the start-up checks' codes and levels (README "Start-up
 * diagnostics"); never calls the provider per check (see {@link ProviderReadiness}).
 */
final class PortcullisBoot4HealthIndicator implements HealthIndicator {
  private final ProviderReadiness readiness;

  PortcullisBoot4HealthIndicator(ProviderReadiness readiness) {
    this.readiness = readiness;
  }

  @Override
  public Health health() {
    ProviderReadiness.State state = readiness.check();
    return (state.up() ? Health.up() : Health.down())
        .withDetail("provider", state.detail())
        .withDetail("checks", state.checks())
        .build();
  }
}
