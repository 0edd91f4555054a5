package io.portcullis.samples.legacy;

import io.portcullis.samples.provider.DemoProvider;
import java.io.File;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Runs the sample: embedded Jetty 12 serving the WAR at {@code /} (or {@code CONTEXT_PATH}), and,
 * unless {@code PORTCULLIS_ISSUER} (or {@code -Dportcullis.issuer}) names a real provider, an
 * embedded demo provider on a port of its own.
 *
 * <p>Environment: {@code PORT} (default 8080), {@code PROVIDER_PORT} (default: a free port), and
 * any {@code PORTCULLIS_*} key the filter reads by itself, or the same key as a system property
 * ({@code -Dportcullis.response-mode=form_post}; system properties override the WAR's init-params).
 * {@code -Dwar=PATH} names the WAR; by default it is the {@code portcullis-legacy-webapp.war} next
 * to this launcher's jar.
 */
public final class Main {
  static final String WAR_NAME = "portcullis-legacy-webapp.war";
  private static final String FILTER_NAME = "portcullis";
  private static final String ISSUER_PROPERTY = "portcullis.issuer";
  // Held strongly: java.util.logging forgets levels of loggers nobody references.
  private static final Logger MOCK_WEB_SERVER_LOG = Logger.getLogger("okhttp3.mockwebserver");
  private static final Logger MOCK_WEB_SERVER3_LOG = Logger.getLogger("mockwebserver3");

  private Main() {}

  /** A running sample: the application server and, when embedded, the provider. */
  public static final class Running implements AutoCloseable {
    private final Server server;
    private final DemoProvider provider;
    private final String issuer;
    private final String contextPath;

    private Running(Server server, DemoProvider provider, String issuer, String contextPath) {
      this.server = server;
      this.provider = provider;
      this.issuer = issuer;
      this.contextPath = contextPath;
    }

    /** The port the application listens on. */
    public int port() {
      return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    /**
     * The application's URL, e.g. {@code http://localhost:8080/} or {@code
     * http://localhost:8080/app/}.
     */
    public String url() {
      return "http://localhost:" + port() + contextPath + "/";
    }

    /** The issuer the filter uses. */
    public String issuer() {
      return issuer;
    }

    /** Whether the demo provider runs in this JVM. */
    public boolean embeddedProvider() {
      return provider != null;
    }

    /** Stops the application and the embedded provider. */
    @Override
    public void close() throws Exception {
      try {
        server.stop();
      } finally {
        if (provider != null) {
          provider.close();
        }
      }
    }
  }

  /** Starts the sample as the environment says and waits until it is stopped. */
  public static void main(String[] args) throws Exception {
    int port = intFromEnv("PORT", 8080);
    int providerPort = intFromEnv("PROVIDER_PORT", 0);
    String contextPath = contextPath(System.getenv("CONTEXT_PATH"));
    String external = System.getenv("PORTCULLIS_ISSUER");
    if (external == null || external.isBlank()) {
      external = System.getProperty(ISSUER_PROPERTY);
    }
    String warProperty = System.getProperty("war");
    Path war = warProperty != null ? Path.of(warProperty) : defaultWar();
    Running running;
    try {
      running =
          start(
              port,
              providerPort,
              war,
              external == null || external.isBlank() ? null : external,
              contextPath);
    } catch (NoSuchFileException e) {
      System.err.println(e.getReason());
      System.exit(1);
      return;
    } catch (IOException e) {
      if (e.getCause() instanceof BindException || e instanceof BindException) {
        System.err.println(
            "Port " + port + " is in use: set PORT to another one, e.g. PORT=8081 java -jar ...");
        System.exit(1);
      }
      throw e;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    running.close();
                  } catch (Exception e) {
                    // stopping anyway
                  }
                },
                "portcullis-sample-stop"));
    System.out.println("Portcullis legacy sample: open " + running.url());
    if (running.embeddedProvider()) {
      System.out.println(
          "Log in with any user name; the user name admin is also granted the admin scope"
              + " (demo provider at "
              + running.issuer()
              + ").");
    } else {
      System.out.println("Provider: " + running.issuer());
    }
    running.server.join();
  }

  /**
   * Starts the application on {@code port} (0: a free one) from {@code war} (a WAR file or an
   * exploded web application directory). With {@code externalIssuer} null, starts the demo provider
   * on {@code providerPort} (0: a free one) and points the filter at it through the system property
   * {@code portcullis.issuer}, read when the filter starts (a process cannot set its own
   * environment); otherwise the filter reads its issuer from the environment or system properties
   * by itself.
   */
  public static Running start(int port, int providerPort, Path war, String externalIssuer)
      throws Exception {
    return start(port, providerPort, war, externalIssuer, "");
  }

  /**
   * As {@link #start(int, int, Path, String)}, with the web application at {@code contextPath}
   * ({@code ""} for the root, else {@code /app} or {@code /a/b}), as a WAR deployed under a name.
   */
  public static Running start(
      int port, int providerPort, Path war, String externalIssuer, String contextPath)
      throws Exception {
    contextPath = contextPath(contextPath);
    if (!Files.exists(war)) {
      throw new NoSuchFileException(
          war.toString(),
          null,
          "No web application at "
              + war.toAbsolutePath()
              + "; build it with ./mvnw -q package -DskipTests, or name it with -Dwar=PATH");
    }
    MOCK_WEB_SERVER_LOG.setLevel(Level.WARNING);
    MOCK_WEB_SERVER3_LOG.setLevel(Level.WARNING);
    DemoProvider provider = null;
    String issuer = externalIssuer;
    if (issuer == null) {
      provider = new DemoProvider(providerPort);
      issuer = provider.issuer();
      System.setProperty(ISSUER_PROPERTY, issuer);
    }
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setPort(port);
    if (provider != null) {
      // The demo provider lets anyone log in as anyone and listens on loopback only: so does the
      // app.
      connector.setHost(InetAddress.getLoopbackAddress().getHostAddress());
    }
    server.addConnector(connector);
    WebAppContext webapp = new WebAppContext();
    webapp.setContextPath(contextPath.isEmpty() ? "/" : contextPath);
    webapp.setWar(war.toAbsolutePath().toString());
    webapp.setThrowUnavailableOnStartupException(true);
    // Sessions of several instances on one host must not share a cookie: cookies ignore ports.
    webapp
        .getSessionHandler()
        .setSessionCookie("JSESSIONID_" + (port == 0 ? "SAMPLE" : Integer.toString(port)));
    server.setHandler(webapp);
    server.setStopAtShutdown(false);
    try {
      server.start();
    } catch (Exception e) {
      server.stop();
      if (provider != null) {
        provider.close();
      }
      throw e;
    }
    awaitProvider(webapp, Duration.ofSeconds(15));
    return new Running(server, provider, issuer, contextPath);
  }

  /**
   * Waits until the filter has the provider's metadata, so the first click does not meet the 503 a
   * starting filter answers while it fetches them; gives up quietly after {@code timeout} (the
   * filter keeps trying by itself). The filter lives in the web application's class loader, so it
   * is reached by reflection: {@code PortcullisFilter.engine().awaitProvider(timeout)}.
   */
  private static void awaitProvider(WebAppContext webapp, Duration timeout) {
    FilterHolder holder = webapp.getServletHandler().getFilter(FILTER_NAME);
    if (holder == null || holder.getFilter() == null) {
      return;
    }
    try {
      Object engine = holder.getFilter().getClass().getMethod("engine").invoke(holder.getFilter());
      Object ready =
          engine.getClass().getMethod("awaitProvider", Duration.class).invoke(engine, timeout);
      if (!Boolean.TRUE.equals(ready)) {
        System.err.println(
            "Warning: the identity provider did not answer within "
                + timeout.toSeconds()
                + " s; pages that need a login answer 503 until it does.");
      }
    } catch (ReflectiveOperationException e) {
      // another filter version: nothing to wait for
    }
  }

  /**
   * The WAR next to this launcher's jar ({@code target/portcullis-legacy-webapp.war}); when run
   * from {@code target/classes} without a WAR, the sources' {@code src/main/webapp}.
   */
  static Path defaultWar() throws URISyntaxException {
    Path location = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path dir = location.getParent();
    Path war = dir.resolve(WAR_NAME);
    if (Files.isDirectory(location) && !Files.exists(war)) {
      Path sources =
          dir.resolve(
                  ".."
                      + File.separator
                      + "src"
                      + File.separator
                      + "main"
                      + File.separator
                      + "webapp")
              .normalize();
      if (Files.isDirectory(sources)) {
        return sources;
      }
    }
    return war;
  }

  /**
   * {@code CONTEXT_PATH}: null, blank or {@code /} is the root; else one leading and no trailing
   * {@code /}.
   */
  static String contextPath(String value) {
    if (value == null || value.isBlank() || value.trim().equals("/")) {
      return "";
    }
    String path = value.trim();
    if (!path.matches("(/[A-Za-z0-9._~-]+)+/?") || path.contains("/./") || path.contains("/../")) {
      throw new IllegalArgumentException(
          "CONTEXT_PATH must look like /app or /a/b, not \"" + value + "\"");
    }
    return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  private static int intFromEnv(String name, int defaultValue) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      return defaultValue;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a port number, not \"" + value + "\"");
    }
  }
}
