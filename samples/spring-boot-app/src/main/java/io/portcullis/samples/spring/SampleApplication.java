package io.portcullis.samples.spring;

import io.portcullis.samples.provider.DemoProvider;
import io.portcullis.servlet.PortcullisFilter;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;

/**
 * Runs the sample: {@code java -jar portcullis-spring-boot-app.jar}. Unless {@code
 * PORTCULLIS_ISSUER} (or {@code -Dportcullis.issuer} / {@code --portcullis.issuer}) names a real
 * provider, a demo provider starts in this JVM first ({@code PROVIDER_PORT}, default a free port)
 * and becomes {@code portcullis.issuer}. {@code PORT} picks the application's port (default 8080).
 */
@SpringBootApplication
public class SampleApplication {

  /** Starts the sample and returns; for {@link #main} and the sample's test. */
  public static ConfigurableApplicationContext start(String... args) {
    SpringApplication application = new SpringApplication(SampleApplication.class);
    DemoProvider provider = null;
    if (!issuerConfigured(args)) {
      provider = new DemoProvider(intFromEnv("PROVIDER_PORT", 0));
      // The demo provider lets anyone log in as anyone and listens on loopback only: so does the
      // app.
      application.setDefaultProperties(
          Map.of(
              "portcullis.issuer", provider.issuer(),
              "server.address", InetAddress.getLoopbackAddress().getHostAddress()));
      System.out.println(
          "Demo OpenID provider at "
              + provider.issuer()
              + " (log in with any user name; the user \"admin\" also gets the admin scope)");
      DemoProvider started = provider;
      application.addListeners((ContextClosedEvent event) -> started.close());
    }
    try {
      ConfigurableApplicationContext context = application.run(args);
      // Start-up never waits for the provider; the sample does, so that its first page works.
      context
          .getBeanProvider(PortcullisFilter.class)
          .ifAvailable(filter -> filter.engine().awaitProvider(Duration.ofSeconds(15)));
      return context;
    } catch (RuntimeException e) {
      if (provider != null) {
        provider.close();
      }
      throw e;
    }
  }

  /** Starts the sample and prints its URL. */
  public static void main(String[] args) {
    ConfigurableApplicationContext context = start(args);
    String port = context.getEnvironment().getProperty("local.server.port");
    System.out.println("Portcullis Spring Boot sample at http://localhost:" + port + "/");
  }

  private static boolean issuerConfigured(String[] args) {
    return hasText(System.getenv("PORTCULLIS_ISSUER"))
        || hasText(System.getProperty("portcullis.issuer"))
        || Arrays.stream(args).anyMatch(a -> a.startsWith("--portcullis.issuer="));
  }

  private static boolean hasText(String s) {
    return s != null && !s.isBlank();
  }

  private static int intFromEnv(String name, int fallback) {
    String value = System.getenv(name);
    return hasText(value) ? Integer.parseInt(value.trim()) : fallback;
  }
}
