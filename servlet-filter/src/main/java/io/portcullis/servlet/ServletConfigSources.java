package io.portcullis.servlet;

import io.portcullis.core.ConfigKey;
import io.portcullis.core.ConfigSource;
import io.portcullis.core.InvalidConfigurationException;
import io.portcullis.core.PortcullisConfig;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/**
 * The configuration sources of a {@code web.xml} filter, lowest precedence first (SPEC.md
 * "Configuration keys"): a Keycloak adapter {@code keycloak.json} (the one {@code
 * keycloak-config-file} names, else {@code WEB-INF/keycloak.json} when there is one), init-params,
 * a {@code portcullis.properties} file (the path in {@code config-file}, else the classpath),
 * system properties, environment variables.
 */
final class ServletConfigSources {
  private static final System.Logger LOG = System.getLogger("io.portcullis");
  private static final String WEB_INF_KEYCLOAK_JSON = "/WEB-INF/keycloak.json";

  private ServletConfigSources() {}

  static PortcullisConfig load(FilterConfig filterConfig) {
    Map<String, String> params = new LinkedHashMap<>();
    for (String name : Collections.list(filterConfig.getInitParameterNames())) {
      params.put(name, filterConfig.getInitParameter(name));
    }
    return PortcullisConfig.from(
        sources(filterConfig.getServletContext(), ConfigSource.of("init-param", params)));
  }

  /**
   * The sources of container-managed security ({@link PortcullisContainerAuth}), where no filter
   * has init-params: the context-params named {@code portcullis.KEY} first, then the file, system
   * properties and environment variables as for the filter.
   */
  static ConfigSource[] sources(ServletContext context) {
    Map<String, String> params = new LinkedHashMap<>();
    for (String name : Collections.list(context.getInitParameterNames())) {
      if (name.startsWith(CONTEXT_PARAM_PREFIX)) {
        params.put(name.substring(CONTEXT_PARAM_PREFIX.length()), context.getInitParameter(name));
      }
    }
    return sources(context, ConfigSource.of("context-param " + CONTEXT_PARAM_PREFIX + "*", params));
  }

  /** The prefix of the context-params container-managed security reads. */
  static final String CONTEXT_PARAM_PREFIX = "portcullis.";

  private static ConfigSource[] sources(ServletContext context, ConfigSource initParams) {
    Map<String, String> params = initParams.entries();
    ConfigSource system = ConfigSource.systemProperties();
    ConfigSource environment = ConfigSource.environment();
    List<ConfigSource> sources = new ArrayList<>();
    ConfigSource keycloak =
        keycloakJson(context, named(ConfigKey.KEYCLOAK_CONFIG_FILE, params, system, environment));
    if (keycloak != null) {
      // Below every other source: explicit keys win. Said once, at start-up.
      for (String note : keycloak.notes()) {
        LOG.log(Level.WARNING, note);
      }
      sources.add(keycloak);
    }
    sources.add(initParams);
    ConfigSource file = propertiesFile(named(ConfigKey.CONFIG_FILE, params, system, environment));
    if (file != null) {
      sources.add(file);
    }
    sources.add(system);
    sources.add(environment);
    return sources.toArray(ConfigSource[]::new);
  }

  /** The value of a key naming a file, from the sources above the file: env, -D, init-param. */
  private static @Nullable String named(
      ConfigKey key, Map<String, String> params, ConfigSource system, ConfigSource environment) {
    String env = environment.entries().get(key.envName());
    if (env != null) {
      return env;
    }
    String sys = system.entries().get(key.systemProperty());
    if (sys != null) {
      return sys;
    }
    return params.get(key.key());
  }

  /**
   * The {@code keycloak.json} that {@code keycloak-config-file} names, else the application's
   * {@code WEB-INF/keycloak.json} if it has one, else null.
   */
  private static @Nullable ConfigSource keycloakJson(
      ServletContext context, @Nullable String location) {
    if (location != null && !location.isBlank()) {
      return ConfigSource.keycloakJsonFile(location.strip());
    }
    try (InputStream in = context.getResourceAsStream(WEB_INF_KEYCLOAK_JSON)) {
      if (in == null) {
        return null;
      }
      return ConfigSource.keycloakJson(
          WEB_INF_KEYCLOAK_JSON.substring(1),
          new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new InvalidConfigurationException(
          List.of(
              WEB_INF_KEYCLOAK_JSON.substring(1)
                  + ": cannot be read ("
                  + e.getClass().getSimpleName()
                  + ")"));
    }
  }

  private static @Nullable ConfigSource propertiesFile(@Nullable String path) {
    Properties properties = new Properties();
    if (path != null && !path.isBlank()) {
      try (Reader reader = Files.newBufferedReader(Path.of(path), StandardCharsets.UTF_8)) {
        properties.load(reader);
      } catch (IOException | RuntimeException e) {
        throw new InvalidConfigurationException(
            List.of(
                "config-file: cannot read \""
                    + path
                    + "\" ("
                    + e.getClass().getSimpleName()
                    + "); expected a readable properties file"));
      }
      return ConfigSource.properties(path, properties);
    }
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    if (loader == null) {
      loader = ServletConfigSources.class.getClassLoader();
    }
    try (InputStream in = loader.getResourceAsStream("portcullis.properties")) {
      if (in == null) {
        return null;
      }
      properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
      return ConfigSource.properties("portcullis.properties (classpath)", properties);
    } catch (IOException e) {
      throw new InvalidConfigurationException(
          List.of(
              "portcullis.properties (classpath): cannot be read ("
                  + e.getClass().getSimpleName()
                  + ")"));
    }
  }
}
