package io.portcullis.servlet;

import io.portcullis.core.ConfigSource;
import io.portcullis.core.InvalidConfigurationException;
import io.portcullis.core.PortcullisConfig;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
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
 * "Configuration keys"): init-params, a {@code portcullis.properties} file (the path in {@code
 * config-file}, else the classpath), system properties, environment variables.
 */
final class ServletConfigSources {
  private ServletConfigSources() {}

  static PortcullisConfig load(FilterConfig filterConfig) {
    Map<String, String> params = new LinkedHashMap<>();
    for (String name : Collections.list(filterConfig.getInitParameterNames())) {
      params.put(name, filterConfig.getInitParameter(name));
    }
    return PortcullisConfig.from(sources(ConfigSource.of("init-param", params)));
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
    return sources(ConfigSource.of("context-param " + CONTEXT_PARAM_PREFIX + "*", params));
  }

  /** The prefix of the context-params container-managed security reads. */
  static final String CONTEXT_PARAM_PREFIX = "portcullis.";

  private static ConfigSource[] sources(ConfigSource initParams) {
    Map<String, String> params = initParams.entries();
    ConfigSource system = ConfigSource.systemProperties();
    ConfigSource environment = ConfigSource.environment();
    List<ConfigSource> sources = new ArrayList<>();
    sources.add(initParams);
    ConfigSource file = propertiesFile(configFile(params, system, environment));
    if (file != null) {
      sources.add(file);
    }
    sources.add(system);
    sources.add(environment);
    return sources.toArray(ConfigSource[]::new);
  }

  private static @Nullable String configFile(
      Map<String, String> params, ConfigSource system, ConfigSource environment) {
    String env = environment.entries().get("PORTCULLIS_CONFIG_FILE");
    if (env != null) {
      return env;
    }
    String sys = system.entries().get("portcullis.config-file");
    if (sys != null) {
      return sys;
    }
    return params.get("config-file");
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
