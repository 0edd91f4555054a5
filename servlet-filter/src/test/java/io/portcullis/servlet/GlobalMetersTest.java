package io.portcullis.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import java.util.Collections;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;

/**
 * README "Metrics", Micrometer without Spring: a filter configured from {@code web.xml} binds its
 * meters to {@code Metrics.globalRegistry} when Micrometer is on the class path, and removes them
 * at destroy; a filter given its configuration (as the Spring Boot starter does) leaves that to its
 * creator.
 */
class GlobalMetersTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @AfterEach
  void removeRegistry() {
    Metrics.globalRegistry.remove(registry);
  }

  private static FilterConfig webXml(String contextPath) {
    Map<String, String> params = Map.of("issuer", "http://127.0.0.1:9/realm", "client-id", "app");
    FilterConfig config = Mockito.mock(FilterConfig.class);
    ServletContext context = Mockito.mock(ServletContext.class);
    Mockito.when(context.getContextPath()).thenReturn(contextPath);
    Mockito.when(config.getServletContext()).thenReturn(context);
    Mockito.when(config.getInitParameterNames())
        .thenAnswer(i -> Collections.enumeration(params.keySet()));
    Mockito.when(config.getInitParameter(Mockito.anyString()))
        .thenAnswer(i -> params.get(i.getArgument(0, String.class)));
    return config;
  }

  @Test
  void initWhenWebXmlAndMicrometerPresentThenGlobalRegistryHasTheMetersUntilDestroy()
      throws Exception {
    Metrics.globalRegistry.add(registry);
    PortcullisFilter filter = new PortcullisFilter();
    filter.init(webXml("/webxml"));
    try {
      assertThat(
              registry.get("portcullis.logins").tag("outcome", "started").functionCounter().count())
          .isZero();
      assertThat(
              registry
                  .get("portcullis.provider.calls")
                  .tag("endpoint", "discovery")
                  .functionTimer())
          .isNotNull();
      assertThat(registry.get("portcullis.rejections").functionCounters()).hasSizeGreaterThan(50);
      assertThat(registry.get("portcullis.logins").meters())
          .as("tagged with the application's context path")
          .allSatisfy(m -> assertThat(m.getId().getTag("context")).isEqualTo("/webxml"));
    } finally {
      filter.destroy();
    }
    assertThat(registry.find("portcullis.logins").meters()).isEmpty();
    assertThat(Metrics.globalRegistry.find("portcullis.logins").meters()).isEmpty();
  }

  @Test
  void initWhenConfigGivenThenNotInTheGlobalRegistry() throws Exception {
    Metrics.globalRegistry.add(registry);
    PortcullisFilter filter =
        new PortcullisFilter(
            io.portcullis.core.PortcullisConfig.of(
                Map.of("issuer", "http://127.0.0.1:9/realm", "client-id", "app")));
    filter.init(webXml("/given"));
    try {
      assertThat(registry.find("portcullis.logins").meters()).isEmpty();
    } finally {
      filter.destroy();
    }
  }
}
