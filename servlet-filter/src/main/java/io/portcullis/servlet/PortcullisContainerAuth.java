package io.portcullis.servlet;

import io.portcullis.core.ConfigKey;
import io.portcullis.core.ConfigSource;
import io.portcullis.core.InvalidConfigurationException;
import io.portcullis.core.Portcullis;
import io.portcullis.core.PortcullisConfig;
import jakarta.security.auth.message.MessageInfo;
import jakarta.security.auth.message.config.AuthConfigFactory;
import jakarta.security.auth.message.config.AuthConfigProvider;
import jakarta.security.auth.message.config.ClientAuthConfig;
import jakarta.security.auth.message.config.ServerAuthConfig;
import jakarta.security.auth.message.config.ServerAuthContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletException;
import java.lang.System.Logger.Level;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.management.ObjectName;
import javax.security.auth.Subject;
import javax.security.auth.callback.CallbackHandler;
import org.jspecify.annotations.Nullable;

/**
 * Container-managed security through Portcullis: when an application sets {@code
 * container-auth=true} (a context-param {@code portcullis.container-auth}, {@code
 * portcullis.properties}, {@code -Dportcullis.container-auth} or {@code
 * PORTCULLIS_CONTAINER_AUTH}), this initializer, found by the container in the Portcullis jar,
 * registers a {@link PortcullisAuthModule} for the application with the container's Jakarta
 * Authentication factory (layer {@code HttpServlet}, application context "virtual host, space,
 * context path"), maps {@link ContainerAuthFilter} first on {@code /*} (for containers that call
 * the module only for constrained resources, Jetty), and removes the registration when the
 * application stops. Without the switch it does nothing.
 *
 * <p>The configuration comes from the same keys and sources as the filter's, with context-params
 * named {@code portcullis.KEY} in place of the filter's init-params; a bad one stops the
 * application with one message naming every bad key.
 */
public final class PortcullisContainerAuth implements ServletContainerInitializer {
  private static final System.Logger LOG = System.getLogger("io.portcullis");

  /** The Jakarta Authentication message layer of servlet containers. */
  static final String LAYER = "HttpServlet";

  @Override
  public void onStartup(@Nullable Set<Class<?>> classes, ServletContext context)
      throws ServletException {
    ConfigSource[] sources;
    PortcullisConfig config;
    try {
      try {
        sources = ServletConfigSources.sources(context);
      } catch (InvalidConfigurationException unreadableFile) {
        // An application that has not opted in is never stopped here (its filter reports this).
        if (!optedInOutsideTheFile(context)) {
          return;
        }
        throw unreadableFile;
      }
      if (!switchedOn(rawValue(sources, ConfigKey.CONTAINER_AUTH))) {
        return;
      }
      config = PortcullisConfig.from(sources);
    } catch (InvalidConfigurationException e) {
      throw PortcullisFilter.startFailure(String.valueOf(e.getMessage()));
    }
    if (!config.containerAuth()) {
      return;
    }
    if (rawValue(sources, ConfigKey.RULES) != null) {
      throw PortcullisFilter.startFailure(
          "rules: not used with container-auth=true, where the application's own security"
              + " constraints decide; remove the rules key (or set container-auth=false to use"
              + " the filter and its rules)");
    }
    AuthConfigFactory factory = factory();
    String appContext = appContext(context);
    Portcullis engine = Portcullis.create(config);
    String registration;
    try {
      registration =
          factory.registerConfigProvider(
              new Provider(engine, context), LAYER, appContext, "Portcullis");
    } catch (RuntimeException e) {
      engine.close();
      throw new ServletException(
          "container-auth=true: the container refused the Jakarta Authentication registration ("
              + e.getClass().getSimpleName()
              + ")");
    }
    context.setAttribute(
        PortcullisRequests.CLIENT_CREDENTIALS_ATTRIBUTE, engine.clientCredentials());
    context.setAttribute(PortcullisRequests.ENGINE_ATTRIBUTE, engine);
    FilterRegistration.Dynamic filter =
        context.addFilter("portcullis-container-auth", new ContainerAuthFilter());
    if (filter != null) {
      filter.setAsyncSupported(true);
      // Before the application's own filters, which are to see the module's request.
      filter.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
    }
    ObjectName jmxName = JmxMetrics.register(context.getContextPath(), engine.metrics());
    AutoCloseable meters = GlobalMeters.bind(engine::metrics, context.getContextPath());
    context.addListener(new Unregister(factory, registration, engine, jmxName, meters));
    LOG.log(
        Level.INFO,
        "portcullis: container-managed security (Jakarta Authentication) for "
            + context.getContextPath()
            + "/, provider "
            + config.issuer().map(Object::toString).orElse("(explicit endpoints)"));
  }

  /**
   * The application context the container looks the module up by (Jakarta Authentication, Servlet
   * Container Profile): the virtual server name, a space, the context path ({@code "/"} for the
   * root on Jetty). Jetty names a context without virtual hosts {@code server}, where the servlet
   * API answers null.
   */
  static String appContext(ServletContext context) {
    String host = context.getVirtualServerName();
    String path = context.getContextPath();
    if (host == null) {
      return "server " + (path.isEmpty() ? "/" : path);
    }
    return host + " " + path;
  }

  /**
   * The value the highest-precedence source gives {@code key}, or null when none names it: an
   * application that does not set {@code container-auth} is left alone, whatever else its sources
   * hold (a filter's keys, for instance, completed by init-params this initializer does not see).
   */
  private static @Nullable String rawValue(ConfigSource[] sources, ConfigKey key) {
    String value = null;
    for (ConfigSource source : sources) {
      for (Map.Entry<String, String> e : source.entries().entrySet()) {
        if (source.keyOf(e.getKey()).equals(Optional.of(key))) {
          value = e.getValue();
        }
      }
    }
    return value;
  }

  /**
   * Whether a raw {@code container-auth} value opts in: anything but nothing or {@code false} (a
   * value that does not parse is then reported by the configuration).
   */
  private static boolean switchedOn(@Nullable String value) {
    return value != null && !value.isBlank() && !value.strip().equalsIgnoreCase("false");
  }

  /** Whether a context-param, system property or environment variable sets the switch. */
  private static boolean optedInOutsideTheFile(ServletContext context) {
    for (String value :
        new String[] {
          context.getInitParameter(ServletConfigSources.CONTEXT_PARAM_PREFIX + "container-auth"),
          System.getProperty(ConfigKey.CONTAINER_AUTH.systemProperty()),
          System.getenv(ConfigKey.CONTAINER_AUTH.envName())
        }) {
      if (switchedOn(value)) {
        return true;
      }
    }
    return false;
  }

  private static AuthConfigFactory factory() throws ServletException {
    AuthConfigFactory factory;
    String failure = "";
    try {
      factory = AuthConfigFactory.getFactory();
    } catch (RuntimeException | LinkageError e) {
      factory = null;
      failure = " (" + e.getClass().getSimpleName() + ")";
    }
    if (factory == null) {
      throw PortcullisFilter.startFailure(
          "container-auth=true: this container has no Jakarta Authentication factory"
              + " (AuthConfigFactory)"
              + failure
              + "; on Jetty enable its Jakarta Authentication module"
              + " (README \"Container-managed security\")");
    }
    return factory;
  }

  /**
   * Removes the registration and the engine's metrics (JMX, Micrometer's global registry) and stops
   * the engine when the application stops.
   */
  private record Unregister(
      AuthConfigFactory factory,
      String registration,
      Portcullis engine,
      @Nullable ObjectName jmxName,
      @Nullable AutoCloseable meters)
      implements ServletContextListener {
    /**
     * The session cookie's configuration is final once the application's own listeners (which run
     * before this one, added at start-up) have run.
     */
    @Override
    public void contextInitialized(ServletContextEvent event) {
      SessionCookieSameSite.report(engine, event.getServletContext());
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
      try {
        factory.removeRegistration(registration);
      } finally {
        JmxMetrics.unregister(jmxName);
        if (meters != null) {
          try {
            meters.close();
          } catch (Exception e) {
            // removing meters from a registry does not fail
          }
        }
        engine.close();
      }
    }
  }

  /** The provider registered for one application: server side only. */
  private record Provider(Portcullis engine, ServletContext context) implements AuthConfigProvider {
    @Override
    public @Nullable ClientAuthConfig getClientAuthConfig(
        String layer, String appContext, @Nullable CallbackHandler handler) {
      return null;
    }

    @Override
    public ServerAuthConfig getServerAuthConfig(
        String layer, String appContext, CallbackHandler handler) {
      PortcullisAuthModule module = new PortcullisAuthModule(engine, context);
      module.initialize(null, null, handler, Map.of());
      return new Config(layer, appContext, module);
    }

    @Override
    public void refresh() {}
  }

  /** One application's server configuration: always the one module. */
  private record Config(String layer, String appContext, PortcullisAuthModule module)
      implements ServerAuthConfig {
    @Override
    @SuppressWarnings("rawtypes") // the Jakarta Authentication API uses raw Maps
    public ServerAuthContext getAuthContext(
        @Nullable String authContextId,
        @Nullable Subject serviceSubject,
        @Nullable Map properties) {
      return module;
    }

    @Override
    public String getMessageLayer() {
      return layer;
    }

    @Override
    public String getAppContext() {
      return appContext;
    }

    @Override
    public String getAuthContextID(MessageInfo messageInfo) {
      return "portcullis";
    }

    @Override
    public void refresh() {}

    @Override
    public boolean isProtected() {
      return false;
    }
  }
}
