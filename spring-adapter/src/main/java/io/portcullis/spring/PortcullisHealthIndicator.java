package io.portcullis.spring;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * Spring Boot 3 Actuator health of Portcullis ({@code portcullis}): UP once the provider's metadata
 * is loaded, DOWN otherwise, with the start-up checks' codes and levels (README "Start-up
 * diagnostics"); never calls the provider per check (see {@link ProviderReadiness}).
 */
final class PortcullisHealthIndicator implements HealthIndicator {
  private final ProviderReadiness readiness;

  PortcullisHealthIndicator(ProviderReadiness readiness) {
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
