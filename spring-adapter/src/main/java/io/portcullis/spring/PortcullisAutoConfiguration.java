package io.portcullis.spring;

import io.portcullis.core.ClientCredentialsTokenSource;
import io.portcullis.core.LogoutRegistry;
import io.portcullis.core.PortcullisConfig;
import io.portcullis.servlet.PortcullisFilter;
import io.portcullis.servlet.PortcullisMeterBinder;
import io.portcullis.servlet.SessionReloader;
import jakarta.servlet.DispatcherType;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesBindHandlerAdvisor;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.session.Session;
import org.springframework.session.SessionRepository;

/**
 * Puts a Spring Boot servlet application behind Portcullis when {@code portcullis.issuer} and
 * {@code portcullis.client-id} are set and {@code portcullis.enabled} is not {@code false}.
 *
 * <p>Every bean is {@code @ConditionalOnMissingBean}, so an application replaces any of them by
 * declaring its own: the {@link PortcullisConfig} (from {@link PortcullisProperties}, through the
 * same parser as every other source), the {@link PortcullisFilter} and its registration ({@code
 * portcullisFilterRegistration}, on {@code /*} at {@link #FILTER_ORDER}), {@link
 * PortcullisAccessTokens}, the {@link ClientCredentialsTokenSource} and {@link
 * PortcullisClientCredentialsInterceptor}, with Actuator the {@code portcullis} health indicator,
 * and with Micrometer the {@code portcullisMeterBinder} ({@link PortcullisMeterBinder}).
 *
 * <p><b>One engine.</b> The filter builds its engine in {@code Filter.init}, which the embedded
 * server calls while it starts, before the application's ordinary singletons are created. The beans
 * that need the engine reach it through the filter when they are used: the token source is a lazy
 * bean taken from {@code filter.engine()}, the interceptor and the health indicator look it up per
 * call. No second engine (nor second token cache) is built.
 *
 * <p><b>Spring Session.</b> When the application keeps its sessions in Spring Session (a {@link
 * SessionRepository} bean), a {@link SessionReloader} that reads an attribute afresh through that
 * repository is configured ({@code portcullisSessionReloader}), so that two nodes refreshing one
 * session at the same moment keep the user logged in. A {@link SessionReloader} bean of the
 * application's own replaces it; either is set on the filter (by the {@code portcullisFilter} bean,
 * or by {@code portcullisFilterRegistration} when the application declares its own filter). This
 * auto-configuration runs after Spring Session's (Spring Boot 3 and 4).
 *
 * <p><b>Back-channel logout.</b> With Spring Session on Redis and {@code
 * portcullis.backchannel-logout-path} set, the provider's logouts are kept in that Redis ({@code
 * portcullisLogoutRegistry}), so that a logout delivered to one node ends the login on every node;
 * it is set on the filter the same two ways.
 */
@AutoConfiguration(
    afterName = {
      "org.springframework.boot.autoconfigure.session.SessionAutoConfiguration",
      "org.springframework.boot.session.autoconfigure.SessionAutoConfiguration"
    })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(PortcullisFilter.class)
@Conditional(PortcullisEnabledCondition.class)
@EnableConfigurationProperties(PortcullisProperties.class)
public class PortcullisAutoConfiguration {

  /**
   * The order of the filter registration: {@code -110}, which is Spring Security's default order
   * ({@code SecurityProperties.DEFAULT_FILTER_ORDER}, {@code -100}) less 10. Portcullis so runs
   * after the filters that must see the raw request first (character encoding and forwarded headers
   * at the highest precedence, Spring Session's repository filter at {@code Integer.MIN_VALUE +
   * 50}, so login state lands in the shared session) and before Spring Security's filter chain,
   * which then sees the logged-in request ({@code getRemoteUser()}, {@code isUserInRole}).
   */
  public static final int FILTER_ORDER = -110;

  /** The filter's name in the servlet container. */
  public static final String FILTER_NAME = "portcullis";

  /** Creates the auto-configuration; Spring Boot does this. */
  public PortcullisAutoConfiguration() {}

  /**
   * Lets a {@code portcullis.} duration or boolean that Boot cannot convert fail with the same
   * message as from any other source ({@link SpringConfigSource#bindHandler}).
   */
  @Bean
  static ConfigurationPropertiesBindHandlerAdvisor portcullisBindHandlerAdvisor() {
    return SpringConfigSource::bindHandler;
  }

  /**
   * The validated configuration; a bad value fails start-up with an {@code
   * InvalidConfigurationException} naming each bad {@code portcullis.} property.
   */
  @Bean
  @ConditionalOnMissingBean
  public PortcullisConfig portcullisConfig(
      PortcullisProperties properties, Environment environment) {
    return SpringConfigSource.config(properties, environment);
  }

  /**
   * The filter, with the configuration above and the {@link SessionReloader} bean if there is one;
   * it builds the engine at {@code init}.
   */
  @Bean
  @ConditionalOnMissingBean
  public PortcullisFilter portcullisFilter(
      PortcullisConfig config,
      ObjectProvider<SessionReloader> sessionReloader,
      ObjectProvider<LogoutRegistry> logoutRegistry) {
    PortcullisFilter filter = new PortcullisFilter(config);
    sessionReloader.ifUnique(filter::setSessionReloader);
    logoutRegistry.ifUnique(filter::setLogoutRegistry);
    return filter;
  }

  /**
   * Registers the filter on {@code /*} for every dispatch ({@code REQUEST}, {@code FORWARD}, {@code
   * INCLUDE}, {@code ERROR}, {@code ASYNC}: a forward or an error page to a protected path is
   * checked too) at {@link #FILTER_ORDER}, and sets the {@link SessionReloader} bean, if there is
   * one, on it (also on a filter the application declared itself).
   */
  @Bean
  @ConditionalOnMissingBean(name = "portcullisFilterRegistration")
  public FilterRegistrationBean<PortcullisFilter> portcullisFilterRegistration(
      PortcullisFilter filter,
      ObjectProvider<SessionReloader> sessionReloader,
      ObjectProvider<LogoutRegistry> logoutRegistry) {
    sessionReloader.ifUnique(filter::setSessionReloader);
    logoutRegistry.ifUnique(filter::setLogoutRegistry);
    FilterRegistrationBean<PortcullisFilter> registration = new FilterRegistrationBean<>(filter);
    registration.setName(FILTER_NAME);
    registration.addUrlPatterns("/*");
    registration.setDispatcherTypes(EnumSet.allOf(DispatcherType.class));
    registration.setAsyncSupported(true);
    registration.setOrder(FILTER_ORDER);
    return registration;
  }

  /** The current user's access token and identity, for controllers and services. */
  @Bean
  @ConditionalOnMissingBean
  public PortcullisAccessTokens portcullisAccessTokens() {
    return new PortcullisAccessTokens();
  }

  /**
   * The engine's client-credentials token source. Lazy: it exists once the filter has started (the
   * web server starts it before ordinary singletons are created). The filter owns and closes it, so
   * the bean has no destroy method.
   */
  @Bean(destroyMethod = "")
  @Lazy
  @ConditionalOnMissingBean
  public ClientCredentialsTokenSource portcullisClientCredentials(PortcullisFilter filter) {
    return filter.engine().clientCredentials();
  }

  /**
   * Adds a client-credentials bearer token for {@code portcullis.client-credentials.scopes} to
   * outgoing {@code RestClient} / {@code RestTemplate} calls; the token source is looked up on each
   * call.
   */
  @Bean
  @ConditionalOnMissingBean
  public PortcullisClientCredentialsInterceptor portcullisClientCredentialsInterceptor(
      ObjectProvider<ClientCredentialsTokenSource> source, PortcullisProperties properties) {
    return new PortcullisClientCredentialsInterceptor(
        source::getObject, new LinkedHashSet<>(properties.getClientCredentials().getScopes()));
  }

  /**
   * With Spring Session: a {@link SessionReloader} that reads the attribute afresh through the
   * application's {@link SessionRepository} (from the shared store, e.g. Redis).
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.session.SessionRepository")
  static class SpringSessionReloader {
    @Bean
    @ConditionalOnBean(type = "org.springframework.session.SessionRepository")
    @ConditionalOnMissingBean(SessionReloader.class)
    SessionReloader portcullisSessionReloader(SessionRepository<? extends Session> repository) {
      return (id, name) -> {
        Session session = repository.findById(id);
        return session == null ? null : session.getAttribute(name);
      };
    }
  }

  /**
   * With Micrometer: the engine's meters (README "Metrics"), which Spring Boot binds to the
   * application's {@code MeterRegistry} (every {@code MeterBinder} bean is bound to every
   * registry).
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
  static class Meters {
    @Bean
    @ConditionalOnMissingBean(name = "portcullisMeterBinder")
    PortcullisMeterBinder portcullisMeterBinder(PortcullisFilter filter) {
      return new PortcullisMeterBinder(filter);
    }
  }

  /**
   * With Spring Session on Redis and {@code portcullis.backchannel-logout-path} set: back-channel
   * logouts kept in that Redis ({@code portcullis:logouts}), so that a logout delivered to one node
   * ends the login on every node (each reads the others' logouts at most once a second). A {@link
   * LogoutRegistry} bean of the application's own replaces it.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(
      name = {
        "org.springframework.session.SessionRepository",
        "org.springframework.data.redis.core.StringRedisTemplate"
      })
  static class RedisLogouts {
    @Bean
    @ConditionalOnBean(
        type = {
          "org.springframework.session.SessionRepository",
          "org.springframework.data.redis.connection.RedisConnectionFactory"
        })
    @ConditionalOnProperty(prefix = "portcullis", name = "backchannel-logout-path")
    @ConditionalOnMissingBean(LogoutRegistry.class)
    LogoutRegistry portcullisLogoutRegistry(RedisConnectionFactory connections) {
      return LogoutRegistry.shared(
          new RedisLogoutStore(new StringRedisTemplate(connections)),
          Clock.systemUTC(),
          Duration.ofSeconds(1));
    }
  }

  /** The {@code portcullis} health indicator of Spring Boot 3's Actuator. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
  static class Boot3Health {
    @Bean
    @ConditionalOnMissingBean(name = "portcullisHealthIndicator")
    PortcullisHealthIndicator portcullisHealthIndicator(PortcullisFilter filter) {
      return new PortcullisHealthIndicator(
          new ProviderReadiness(filter::engine, Clock.systemUTC()));
    }
  }

  /** The {@code portcullis} health indicator of Spring Boot 4's health API. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
  static class Boot4Health {
    @Bean
    @ConditionalOnMissingBean(name = "portcullisHealthIndicator")
    PortcullisBoot4HealthIndicator portcullisHealthIndicator(PortcullisFilter filter) {
      return new PortcullisBoot4HealthIndicator(
          new ProviderReadiness(filter::engine, Clock.systemUTC()));
    }
  }
}
