package io.portcullis.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.core.ClientCredentialsTokenSource;
import io.portcullis.core.InvalidConfigurationException;
import io.portcullis.core.PortcullisConfig;
import io.portcullis.servlet.PortcullisFilter;
import io.portcullis.servlet.PortcullisMeterBinder;
import io.portcullis.servlet.SessionReloader;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.session.MapSession;
import org.springframework.session.MapSessionRepository;
import org.springframework.session.web.http.SessionRepositoryFilter;
import org.springframework.test.util.ReflectionTestUtils;

/** When the auto-configuration switches on, what it creates, and how a bad setting fails. */
class PortcullisAutoConfigurationTest {
  private static final String SECRET = "a-client-secret-that-is-long-enough-for-hs256!";

  private final WebApplicationContextRunner runner =
      new WebApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(PortcullisAutoConfiguration.class));

  private final WebApplicationContextRunner configured =
      runner.withPropertyValues(
          "portcullis.issuer=http://localhost:9/issuer",
          "portcullis.client-id=app",
          "portcullis.client-secret=" + SECRET);

  /** Names of the beans whose type is one of ours. */
  private static Stream<String> portcullisBeans(ApplicationContext context) {
    return Arrays.stream(context.getBeanDefinitionNames())
        .filter(
            name -> {
              Class<?> type = context.getType(name, false);
              return type != null && type.getName().startsWith("io.portcullis.")
                  || name.startsWith("portcullis");
            });
  }

  @Test
  void contextWhenIssuerAndClientIdSetThenEveryBeanAndFilterBeforeSpringSecurity() {
    configured.run(
        context -> {
          assertThat(context)
              .hasNotFailed()
              .hasSingleBean(PortcullisConfig.class)
              .hasSingleBean(PortcullisFilter.class)
              .hasSingleBean(PortcullisAccessTokens.class)
              .hasSingleBean(ClientCredentialsTokenSource.class)
              .hasSingleBean(PortcullisClientCredentialsInterceptor.class)
              .hasBean("portcullisFilterRegistration")
              .hasBean("portcullisHealthIndicator");
          assertThat(context.getBean("portcullisFilterRegistration", Ordered.class).getOrder())
              .isEqualTo(PortcullisAutoConfiguration.FILTER_ORDER)
              .isLessThan(-100); // Spring Security's DEFAULT_FILTER_ORDER
          // Every dispatch is checked: a forward or an error page to a protected path too.
          assertThat(
                  ReflectionTestUtils.getField(
                      context.getBean("portcullisFilterRegistration"), "dispatcherTypes"))
              .isEqualTo(java.util.EnumSet.allOf(jakarta.servlet.DispatcherType.class));
          PortcullisConfig config = context.getBean(PortcullisConfig.class);
          assertThat(config.clientId()).isEqualTo("app");
          assertThat(config.clientSecret()).hasValue(SECRET);
        });
  }

  @Configuration(proxyBeanMethods = false)
  static class SpringSessionInMemory {
    final MapSessionRepository repository =
        new MapSessionRepository(new java.util.concurrent.ConcurrentHashMap<>());

    @Bean
    MapSessionRepository sessionRepository() {
      return repository;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnReloader {
    static final SessionReloader RELOADER = (id, name) -> "own";

    @Bean
    SessionReloader myReloader() {
      return RELOADER;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnFilter {
    @Bean
    PortcullisFilter portcullisFilter(PortcullisConfig config) {
      return new PortcullisFilter(config);
    }
  }

  private static Object reloaderOf(PortcullisFilter filter) {
    return ReflectionTestUtils.getField(filter, "sessionReloader");
  }

  @Test
  void contextWhenSpringSessionThenSessionReloaderReadsThroughTheRepositoryAndIsSetOnTheFilter() {
    configured
        .withUserConfiguration(SpringSessionInMemory.class)
        .run(
            context -> {
              assertThat(context)
                  .hasNotFailed()
                  .hasSingleBean(SessionReloader.class)
                  .hasBean("portcullisSessionReloader");
              SessionReloader reloader = context.getBean(SessionReloader.class);
              assertThat(reloaderOf(context.getBean(PortcullisFilter.class))).isSameAs(reloader);
              MapSessionRepository repository = context.getBean(MapSessionRepository.class);
              MapSession session = repository.createSession();
              session.setAttribute("io.portcullis.login", "v1");
              repository.save(session);
              assertThat(reloader.reload(session.getId(), "io.portcullis.login")).isEqualTo("v1");
              MapSession changed = repository.findById(session.getId());
              changed.setAttribute("io.portcullis.login", "v2");
              repository.save(changed);
              assertThat(reloader.reload(session.getId(), "io.portcullis.login")).isEqualTo("v2");
              assertThat(reloader.reload(session.getId(), "other")).isNull();
              assertThat(reloader.reload("no-such-session", "io.portcullis.login")).isNull();
              // Spring Session's repository filter runs first, so the filter sees the shared
              // session.
              assertThat(context.getBean("portcullisFilterRegistration", Ordered.class).getOrder())
                  .isGreaterThan(SessionRepositoryFilter.DEFAULT_ORDER);
            });
  }

  @Test
  void contextWhenNoSpringSessionThenNoSessionReloader() {
    configured.run(
        context -> {
          assertThat(context).hasNotFailed().doesNotHaveBean(SessionReloader.class);
          assertThat(reloaderOf(context.getBean(PortcullisFilter.class))).isNull();
        });
  }

  @Test
  void contextWhenApplicationDefinesSessionReloaderThenItIsSetOnTheFilter() {
    configured
        .withUserConfiguration(SpringSessionInMemory.class, OwnReloader.class)
        .run(
            context -> {
              assertThat(context)
                  .hasNotFailed()
                  .hasSingleBean(SessionReloader.class)
                  .doesNotHaveBean("portcullisSessionReloader");
              assertThat(reloaderOf(context.getBean(PortcullisFilter.class)))
                  .isSameAs(OwnReloader.RELOADER);
            });
    configured
        .withUserConfiguration(OwnReloader.class)
        .run(
            context ->
                assertThat(reloaderOf(context.getBean(PortcullisFilter.class)))
                    .isSameAs(OwnReloader.RELOADER));
  }

  @Test
  void contextWhenApplicationDefinesItsOwnFilterThenTheRegistrationSetsTheSessionReloaderOnIt() {
    configured
        .withUserConfiguration(SpringSessionInMemory.class, OwnFilter.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(reloaderOf(context.getBean(PortcullisFilter.class)))
                  .isSameAs(context.getBean(SessionReloader.class));
            });
  }

  @Test
  void contextWhenDisabledThenNoPortcullisBean() {
    configured
        .withPropertyValues("portcullis.enabled=false")
        .run(
            context -> {
              assertThat(context).hasNotFailed().doesNotHaveBean(PortcullisFilter.class);
              assertThat(portcullisBeans(context)).isEmpty();
            });
  }

  @Test
  void contextWhenIssuerMissingThenNoPortcullisBean() {
    runner
        .withPropertyValues("portcullis.client-id=app")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(portcullisBeans(context)).isEmpty();
            });
  }

  @Test
  void contextWhenClientIdMissingThenNoPortcullisBean() {
    runner
        .withPropertyValues("portcullis.issuer=http://localhost:9/issuer")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(portcullisBeans(context)).isEmpty();
            });
  }

  @Test
  void contextWhenNotAWebApplicationThenNoPortcullisBean() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(PortcullisAutoConfiguration.class))
        .withPropertyValues(
            "portcullis.issuer=http://localhost:9/issuer", "portcullis.client-id=app")
        .run(
            (AssertableApplicationContext context) -> {
              assertThat(context).hasNotFailed();
              assertThat(portcullisBeans(context)).isEmpty();
            });
  }

  @Test
  void contextWhenSetByEnvironmentVariablesThenBoundByRelaxedBinding() {
    runner
        .withInitializer(
            c ->
                c.getEnvironment()
                    .getPropertySources()
                    .addFirst(
                        new SystemEnvironmentPropertySource(
                            "systemEnvironment",
                            Map.of(
                                "PORTCULLIS_ISSUER", "http://localhost:9/issuer",
                                "PORTCULLIS_CLIENT_ID", "from-env",
                                "PORTCULLIS_REFRESH_BEFORE", "90"))))
        .run(
            context -> {
              assertThat(context).hasNotFailed().hasSingleBean(PortcullisFilter.class);
              PortcullisConfig config = context.getBean(PortcullisConfig.class);
              assertThat(config.clientId()).isEqualTo("from-env");
              assertThat(config.refreshBefore()).hasSeconds(90);
            });
  }

  @Test
  void meterBinderWhenMicrometerPresentThenDeclaredElseNot() {
    configured.run(
        context ->
            assertThat(context)
                .hasNotFailed()
                .hasSingleBean(PortcullisMeterBinder.class)
                .hasBean("portcullisMeterBinder"));
    configured
        .withClassLoader(new FilteredClassLoader("io.micrometer.core.instrument.binder"))
        .run(
            context ->
                assertThat(context)
                    .hasNotFailed()
                    .doesNotHaveBean("portcullisMeterBinder")
                    .hasSingleBean(PortcullisFilter.class));
  }

  @Test
  void rulesWhenYamlListThenOneRulePerItemAndCommasKept() {
    configured
        .withPropertyValues(
            "portcullis.rules[0]=/ permit",
            "portcullis.rules[1]=GET,HEAD /reports/** read:reports",
            "portcullis.rules[2]=/** authenticated")
        .run(
            context ->
                assertThat(context.getBean(PortcullisConfig.class).toString())
                    .contains(
                        "rules=/ permit\\nGET,HEAD /reports/** read:reports\\n/** authenticated, "));
  }

  @Test
  void rulesWhenBlockStringThenLinesAndCommasKept() {
    configured
        .withPropertyValues(
            "portcullis.rules=/ permit\nGET,HEAD /reports/** read:reports\n/** authenticated")
        .run(
            context ->
                assertThat(context.getBean(PortcullisConfig.class).toString())
                    .contains(
                        "rules=/ permit\\nGET,HEAD /reports/** read:reports\\n/** authenticated, "));
  }

  @Test
  void identityHeadersWhenSetThenBoundAndBadNameFailsNamingTheProperty() {
    configured
        .withPropertyValues("portcullis.identity-headers=X-Corp-User, X-Corp-Claim-*")
        .run(
            context ->
                assertThat(context.getBean(PortcullisConfig.class).identityHeaders())
                    .containsExactly("x-corp-user", "x-corp-claim-*"));
    configured
        .withPropertyValues("portcullis.identity-headers=X-Corp:User")
        .run(
            context -> {
              assertThat(context).hasFailed();
              InvalidConfigurationException invalid =
                  findCause(context.getStartupFailure(), InvalidConfigurationException.class);
              assertThat(invalid).isNotNull();
              assertThat(invalid.getMessage())
                  .contains("portcullis.identity-headers", "is not a header name");
            });
  }

  @Test
  void startupWhenValuesAreBadThenFailsNamingEachPortcullisProperty() {
    configured
        .withPropertyValues(
            "portcullis.refresh-before=soon",
            "portcullis.response-mode=fragment",
            "portcullis.rules=/admin/** admin\n/x")
        .run(
            context -> {
              assertThat(context).hasFailed();
              Throwable failure = context.getStartupFailure();
              InvalidConfigurationException invalid =
                  findCause(failure, InvalidConfigurationException.class);
              assertThat(invalid).isNotNull();
              assertThat(invalid.getMessage())
                  .contains(
                      "portcullis.refresh-before",
                      "portcullis.response-mode",
                      "portcullis.rules",
                      "Spring property")
                  .doesNotContain(SECRET);
              assertThat(invalid.problems()).hasSize(3);
            });
  }

  @Test
  void startupWhenRequiredValueIsEmptyThenMessageSaysHowToSetTheProperty() {
    configured
        .withPropertyValues(
            "portcullis.client-auth=client_secret_post", "portcullis.client-secret=")
        .run(
            context -> {
              assertThat(context).hasFailed();
              InvalidConfigurationException invalid =
                  findCause(context.getStartupFailure(), InvalidConfigurationException.class);
              assertThat(invalid).isNotNull();
              assertThat(invalid.getMessage())
                  .contains("portcullis.client-secret")
                  .doesNotContain("init-param");
            });
  }

  @Test
  void startupWhenUnknownPortcullisPropertyThenFailsNamingIt() {
    configured
        .withPropertyValues("portcullis.redirect-pth=/cb")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(messages(context.getStartupFailure())).contains("portcullis.redirect-pth");
            });
  }

  @Test
  void beansWhenApplicationDefinesItsOwnThenTheyReplaceOurs() {
    configured
        .withUserConfiguration(OwnBeans.class)
        .run(
            context -> {
              assertThat(context)
                  .hasNotFailed()
                  .hasSingleBean(PortcullisConfig.class)
                  .hasSingleBean(PortcullisFilter.class)
                  .hasSingleBean(PortcullisAccessTokens.class);
              assertThat(context.getBean(PortcullisConfig.class).clientId()).isEqualTo("own");
              assertThat(context.getBean(PortcullisFilter.class)).isSameAs(OwnBeans.FILTER);
              assertThat(context.getBean(PortcullisAccessTokens.class))
                  .isInstanceOf(OwnBeans.OwnTokens.class);
            });
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnBeans {
    static final PortcullisFilter FILTER =
        new PortcullisFilter(
            PortcullisConfig.of(Map.of("issuer", "http://localhost:9/own", "client-id", "own")));

    static class OwnTokens extends PortcullisAccessTokens {}

    @Bean
    PortcullisConfig ownConfig() {
      return PortcullisConfig.of(Map.of("issuer", "http://localhost:9/own", "client-id", "own"));
    }

    @Bean
    PortcullisFilter ownFilter() {
      return FILTER;
    }

    @Bean
    PortcullisAccessTokens ownTokens() {
      return new OwnTokens();
    }
  }

  private static <T extends Throwable> T findCause(Throwable t, Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
    }
    return null;
  }

  private static String messages(Throwable t) {
    StringBuilder all = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      all.append(c.getMessage()).append('\n');
    }
    return all.toString();
  }
}
