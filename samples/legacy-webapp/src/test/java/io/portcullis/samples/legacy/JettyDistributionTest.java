package io.portcullis.samples.legacy;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.samples.legacy.containerauth.PageServlet;
import io.portcullis.samples.provider.DemoProvider;
import io.portcullis.testsupport.Browser;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Container-managed security on the Jetty 12.1 distribution, installed the way the README's
 * "Container-managed security" (Jetty 12.1) says: {@code jetty-home} as downloaded (unpacked under
 * {@code target/} by the build), a {@code JETTY_BASE} of its own under {@code target/} made with
 * {@code start.jar --add-modules=http,ee11-deploy,ee11-annotations,ee11-jaspi,
 * ee11-jaspi-default-auth-config-factory}, and Jetty started with {@code start.jar
 * jetty.webapp.addHiddenClasses=-jakarta.security.auth.message.} in a JVM of its own. The WAR is an
 * exploded {@code webapps/app/} (context path {@code /app}): the legacy sample's {@code
 * WEB-INF/lib} (Portcullis and its libraries, from the sample's packed WAR), a {@code web.xml} with
 * only security constraints, a {@code BASIC} login-config and the {@code portcullis.*}
 * context-params (test resource {@code container-auth-war/web.xml}), and the {@link PageServlet}
 * and its neighbours (package {@code containerauth}) in {@code WEB-INF/classes}, two of them
 * protected by {@code @ServletSecurity} alone. The demo provider runs in this JVM; a scripted
 * browser logs in through its login page.
 *
 * <p>It runs in the {@code integration-test} phase (surefire execution {@code jetty-distribution}),
 * once the WAR is packed; the {@code test} phase's run, which lacks the distribution, skips it. The
 * distribution's output is in {@code target/jetty-base-*}/{@code jetty.log}, and printed when a
 * test fails.
 */
class JettyDistributionTest {
  private static final String CONTEXT = "/app";

  /** The one setting the README adds to the start command: Jetty hides this API from WARs. */
  private static final String UNHIDE_AUTHENTICATION_API =
      "jetty.webapp.addHiddenClasses=-jakarta.security.auth.message.";

  private static final String MODULES =
      "http,ee11-deploy,ee11-annotations,ee11-jaspi,ee11-jaspi-default-auth-config-factory";

  private static Path home;
  private static Path war;
  private static DemoProvider provider;
  private static Distribution jetty;
  private static URI app;
  private static String startLog;

  /** The distribution's output, for the test that failed. */
  @RegisterExtension
  static final TestWatcher PRINT_LOG_ON_FAILURE =
      new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
          if (jetty != null) {
            System.out.println(
                "---- " + jetty.logFile() + " (" + context.getDisplayName() + ") ----");
            System.out.println(jetty.log());
          }
        }
      };

  @BeforeAll
  static void start() throws Exception {
    String homeProperty = System.getProperty("jetty.home");
    Assumptions.assumeTrue(
        homeProperty != null,
        "runs in the integration-test phase (surefire execution jetty-distribution), which unpacks"
            + " the distribution and passes jetty.home");
    home = Path.of(homeProperty);
    war = Path.of(System.getProperty("legacy.war"));
    assertThat(home.resolve("start.jar")).as("the unpacked Jetty distribution").exists();
    assertThat(war).as("the sample's packed WAR").exists();
    provider = new DemoProvider(0);
    jetty = Distribution.start(home, war, provider.issuer(), true);
    app = jetty.app;
    // Later tests log refusals: the start is judged on its own.
    startLog = jetty.log();
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (jetty != null) {
        jetty.close();
      }
    } finally {
      if (provider != null) {
        provider.close();
      }
    }
  }

  @Test
  void startedOnTheDistributionWithPortcullisAsTheJakartaAuthenticationModule() {
    assertThat(startLog)
        .contains("jetty-12.1.")
        .contains(
            "portcullis: container-managed security (Jakarta Authentication) for "
                + CONTEXT
                + "/, provider "
                + provider.issuer());
    assertThat(startLog)
        .doesNotContain("WARN")
        .doesNotContain("SEVERE")
        .doesNotContain("Exception")
        .doesNotContain("Error");
  }

  @Test
  void warHoldsPortcullisAndItsLibrariesButNoContainerApi() throws IOException {
    try (Stream<Path> libs = Files.list(jetty.webapp.resolve("WEB-INF/lib"))) {
      List<String> names = libs.map(p -> p.getFileName().toString()).toList();
      assertThat(names)
          .anyMatch(n -> n.startsWith("portcullis-servlet-"))
          .anyMatch(n -> n.startsWith("portcullis-core-"))
          .anyMatch(n -> n.startsWith("oauth2-oidc-sdk-"))
          .noneMatch(n -> n.contains("servlet-api"))
          .noneMatch(n -> n.contains("authentication-api"))
          .noneMatch(n -> n.startsWith("jetty-"));
    }
    assertThat(Files.readString(jetty.webapp.resolve("WEB-INF/web.xml")))
        .contains("<auth-method>BASIC</auth-method>")
        .doesNotContain("<filter>")
        .doesNotContain("portcullis.rules");
  }

  @Test
  void constrainedPageWhenAnonymousThenLoginAtTheProviderAndBackWithTheUsersPrincipal()
      throws Exception {
    Browser browser = new Browser();
    URI page = app.resolve("secure/page?tab=2");

    HttpResponse<String> served = browser.navigate(page, "alice");

    assertThat(browser.seen.get(0).statusCode()).as("the login starts").isEqualTo(302);
    assertThat(browser.visited.get(1).toString()).startsWith(provider.issuer() + "/authorize");
    assertThat(browser.logins).isEqualTo(1);
    assertThat(served.statusCode()).isEqualTo(200);
    assertThat(served.uri()).as("back at the page asked for").isEqualTo(page);
    assertThat(served.body())
        .contains(
            "\"remoteUser\":\"alice\"",
            "\"principal\":\"alice\"",
            "\"principalClass\":\"PortcullisPrincipal\"",
            "\"read:data\":true",
            "\"admin\":false",
            "\"identity\":\"alice\"");
    assertThat(browser.cookies("localhost")).containsKey("JSESSIONID");
    HttpResponse<String> again = browser.get(page);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(again.body()).contains("\"principal\":\"alice\"");
  }

  @Test
  void unconstrainedPageWhenAnonymousThenServedAndAfterLoginSeesIt() throws Exception {
    Browser browser = new Browser();
    HttpResponse<String> anonymous = browser.get(app.resolve("public"));
    assertThat(anonymous.statusCode()).isEqualTo(200);
    assertThat(anonymous.body()).contains("\"remoteUser\":null", "\"read:data\":false");

    browser.navigate(app.resolve("secure/x"), "alice");

    assertThat(browser.get(app.resolve("public")).body())
        .contains("\"remoteUser\":\"alice\"", "\"read:data\":true");
  }

  @Test
  void constrainedPageWhenRoleLackingThen403FromJetty() throws Exception {
    Browser browser = new Browser();
    browser.navigate(app.resolve("secure/x"), "alice");

    HttpResponse<String> admin = browser.get(app.resolve("admin/users"));

    assertThat(admin.statusCode()).isEqualTo(403);
    assertThat(admin.body()).doesNotContain("\"remoteUser\"").doesNotContain("Exception");
    assertThat(browser.logins).as("a role lacking is no reason to log in again").isEqualTo(1);
  }

  @Test
  void servletSecurityAnnotationWhenAnonymousThenLoginAndWhenRoleHeldThenServed() throws Exception {
    // /annotated/* is protected by the servlet's @ServletSecurity only (no security-constraint).
    HttpResponse<String> anonymous = new Browser().get(app.resolve("annotated/q1"));
    assertThat(anonymous.statusCode())
        .as("@ServletSecurity(rolesAllowed = read:data)")
        .isEqualTo(302);
    assertThat(Browser.location(anonymous)).startsWith(provider.issuer() + "/authorize");

    Browser browser = new Browser();
    HttpResponse<String> served = browser.navigate(app.resolve("annotated/q1"), "alice");

    assertThat(served.statusCode()).isEqualTo(200);
    assertThat(served.uri()).isEqualTo(app.resolve("annotated/q1"));
    assertThat(served.body())
        .contains("\"path\":\"" + CONTEXT + "/annotated/q1\"", "\"remoteUser\":\"alice\"");
  }

  @Test
  void servletSecurityAnnotationWhenRoleLackingThen403FromJetty() throws Exception {
    // @WebServlet("/annotated-admin/*") with @ServletSecurity(rolesAllowed = admin): not in
    // web.xml.
    HttpResponse<String> anonymous = new Browser().get(app.resolve("annotated-admin/x"));
    assertThat(anonymous.statusCode()).isEqualTo(302);

    Browser browser = new Browser();
    browser.navigate(app.resolve("secure/x"), "alice");
    HttpResponse<String> admin = browser.get(app.resolve("annotated-admin/x"));

    assertThat(admin.statusCode()).isEqualTo(403);
    assertThat(admin.body()).doesNotContain("\"remoteUser\"");
  }

  @Test
  void logoutPathWhenLoggedInThenSignOutFormEndsTheLoginAtTheProviderToo() throws Exception {
    Browser browser = new Browser();
    browser.navigate(app.resolve("secure/x"), "alice");

    HttpResponse<String> form = browser.get(app.resolve("logout"));
    assertThat(form.statusCode()).isEqualTo(200);
    String csrf = form.body().replaceAll("(?s).*name=\"csrf\" value=\"([^\"]+)\".*", "$1");
    HttpResponse<String> out = browser.post(app.resolve("logout"), "csrf=" + csrf);

    assertThat(out.statusCode()).isEqualTo(302);
    assertThat(Browser.location(out)).startsWith(provider.issuer()).contains("/endsession?");
    assertThat(browser.get(app.resolve("public")).body()).contains("\"remoteUser\":null");
    HttpResponse<String> again = browser.get(app.resolve("secure/x"));
    assertThat(again.statusCode()).as("a new login is needed").isEqualTo(302);
    assertThat(Browser.location(again)).startsWith(provider.issuer() + "/authorize");
  }

  @Test
  void requestLogoutWhenCalledByTheApplicationThenThePortcullisLoginEndsToo() throws Exception {
    Browser browser = new Browser();
    browser.navigate(app.resolve("secure/x"), "alice");

    HttpResponse<String> out = browser.get(app.resolve("public?logout=1"));

    assertThat(out.statusCode()).isEqualTo(200);
    assertThat(out.body()).contains("\"remoteUser\":null", "\"identity\":null");
    assertThat(browser.get(app.resolve("public")).body()).contains("\"remoteUser\":null");
    assertThat(browser.get(app.resolve("secure/x")).statusCode())
        .as("a new login is needed")
        .isEqualTo(302);
  }

  @Test
  void authenticationApiWhenLeftHiddenThenTheApplicationDoesNotStartAsTheReadmeSays()
      throws Exception {
    // The README's start command without its addHiddenClasses setting (and Jetty's
    // AnnotationConfiguration logging at DEBUG, which alone names the initializer's failure).
    try (Distribution hidden = Distribution.start(home, war, provider.issuer(), false)) {
      HttpResponse<String> page = new Browser().get(hidden.app.resolve("secure/x"));

      assertThat(page.statusCode()).as("no application at " + CONTEXT).isEqualTo(503);
      String log = hidden.log();
      assertThat(log)
          .as("the initializer cannot load")
          .contains("ServiceConfigurationError: jakarta.servlet.ServletContainerInitializer:")
          .contains("io.portcullis.servlet.PortcullisContainerAuth")
          .contains("NoClassDefFoundError: jakarta/security/auth/message/config/AuthConfigProvider")
          .doesNotContain("portcullis: container-managed security");
      assertThat(log)
          .as("the BASIC login-config, with no realm, stops the application")
          .contains("Failed startup of context")
          .contains("IllegalStateException: No LoginService for")
          .contains("BasicAuthenticator");
    }
  }

  /**
   * One Jetty of the distribution: a {@code JETTY_BASE} of its own under {@code target/} with the
   * README's modules, the WAR exploded in {@code webapps/app/}, started with {@code start.jar}; its
   * output in {@code jetty.log}.
   */
  private static final class Distribution implements AutoCloseable {
    final Process process;
    final Path base;
    final Path webapp;
    final URI app;

    private Distribution(Process process, Path base, URI app) {
      this.process = process;
      this.base = base;
      this.webapp = base.resolve("webapps/app");
      this.app = app;
    }

    /**
     * Makes a base, starts Jetty and waits until the server has started. {@code unhide}: with the
     * README's {@code addHiddenClasses} setting; then it also waits until a constrained page
     * redirects to the provider (the application is up and its module has the provider's metadata).
     * Without it, Jetty's {@code AnnotationConfiguration} logs at {@code DEBUG}: at {@code INFO} it
     * reports an initializer that cannot load without the cause.
     */
    static Distribution start(Path home, Path war, String issuer, boolean unhide) throws Exception {
      Path base = Files.createTempDirectory(home.getParent(), "jetty-base-");
      run(home, base, List.of("--add-modules=" + MODULES), base.resolve("add-modules.log"));
      installWar(war, base.resolve("webapps/app"), issuer);

      int port = JettyErrorPagesTest.freePort();
      List<String> jvmOptions = new ArrayList<>();
      List<String> arguments = new ArrayList<>();
      if (unhide) {
        arguments.add(UNHIDE_AUTHENTICATION_API);
      } else {
        jvmOptions.add("-Dorg.eclipse.jetty.ee11.annotations.AnnotationConfiguration.LEVEL=DEBUG");
      }
      arguments.add("jetty.http.host=127.0.0.1");
      arguments.add("jetty.http.port=" + port);
      Distribution started =
          new Distribution(
              command(home, base, jvmOptions, arguments, base.resolve("jetty.log")).start(),
              base,
              URI.create("http://localhost:" + port + CONTEXT + "/"));
      try {
        started.awaitLog("Started oejs.Server@", Duration.ofSeconds(60));
        if (unhide) {
          started.awaitLogin(Duration.ofSeconds(30));
        }
      } catch (Exception | AssertionError e) {
        started.close();
        throw e;
      }
      return started;
    }

    /** The exploded WAR: the sample WAR's libraries, the test's web.xml and servlets. */
    private static void installWar(Path war, Path webapp, String issuer) throws Exception {
      Path lib = Files.createDirectories(webapp.resolve("WEB-INF/lib"));
      try (ZipFile zip = new ZipFile(war.toFile())) {
        for (ZipEntry entry : zip.stream().toList()) {
          String name = entry.getName();
          if (name.startsWith("WEB-INF/lib/") && name.endsWith(".jar")) {
            try (InputStream in = zip.getInputStream(entry)) {
              Files.copy(in, lib.resolve(name.substring("WEB-INF/lib/".length())));
            }
          }
        }
      }
      String webXml;
      try (InputStream in =
          JettyDistributionTest.class.getResourceAsStream("/container-auth-war/web.xml")) {
        assertThat(in).as("test resource container-auth-war/web.xml").isNotNull();
        webXml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      Files.writeString(webapp.resolve("WEB-INF/web.xml"), webXml.replace("@ISSUER@", issuer));
      // The servlets, compiled with the tests: the package of PageServlet, as it is.
      String packagePath = PageServlet.class.getPackageName().replace('.', '/');
      Path compiled =
          Path.of(PageServlet.class.getProtectionDomain().getCodeSource().getLocation().toURI())
              .resolve(packagePath);
      Path classes = Files.createDirectories(webapp.resolve("WEB-INF/classes/" + packagePath));
      try (Stream<Path> files = Files.list(compiled)) {
        for (Path file : files.toList()) {
          Files.copy(file, classes.resolve(file.getFileName().toString()));
        }
      }
    }

    /** Runs {@code start.jar} with {@code arguments} in {@code base} to its end. */
    private static void run(Path home, Path base, List<String> arguments, Path log)
        throws Exception {
      Process process = command(home, base, List.of(), arguments, log).start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError(
            "start.jar " + arguments + " timed out:\n" + Files.readString(log));
      }
      assertThat(process.exitValue())
          .as("start.jar " + arguments + ":\n" + Files.readString(log))
          .isZero();
    }

    /**
     * {@code java JVM_OPTIONS -jar $JETTY_HOME/start.jar ARGUMENTS} in {@code $JETTY_BASE}, with
     * this build's Java, its output to {@code log}, no {@code JETTY_*}, {@code JAVA_OPTIONS} or
     * {@code PORTCULLIS_*} from the build's environment.
     */
    private static ProcessBuilder command(
        Path home, Path base, List<String> jvmOptions, List<String> arguments, Path log) {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(jvmOptions);
      command.add("-jar");
      command.add(home.resolve("start.jar").toString());
      command.add("jetty.home=" + home);
      command.add("jetty.base=" + base);
      command.addAll(arguments);
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(base.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      Map<String, String> env = builder.environment();
      env.keySet()
          .removeIf(
              k ->
                  k.startsWith("JETTY_")
                      || k.startsWith("PORTCULLIS_")
                      || k.equals("JAVA_OPTIONS")
                      || k.equals("JAVA_TOOL_OPTIONS")
                      || k.equals("JDK_JAVA_OPTIONS"));
      return builder;
    }

    private void awaitLog(String line, Duration timeout) throws Exception {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        if (log().contains(line)) {
          return;
        }
        if (!process.isAlive()) {
          throw new AssertionError("Jetty exited (" + process.exitValue() + "):\n" + log());
        }
        Thread.sleep(100);
      }
      throw new AssertionError("Jetty did not log \"" + line + "\" in " + timeout + ":\n" + log());
    }

    private void awaitLogin(Duration timeout) throws Exception {
      long deadline = System.nanoTime() + timeout.toNanos();
      int status = -1;
      while (System.nanoTime() < deadline) {
        try {
          status = new Browser().get(app.resolve("secure/ready")).statusCode();
          if (status == 302) {
            return;
          }
        } catch (IOException notYet) {
          // not listening yet
        }
        Thread.sleep(100);
      }
      throw new AssertionError(
          CONTEXT + "/secure/ready did not start a login (last status " + status + "):\n" + log());
    }

    Path logFile() {
      return base.resolve("jetty.log");
    }

    String log() {
      try {
        return Files.readString(logFile());
      } catch (IOException e) {
        return "(" + logFile() + " unreadable: " + e + ")";
      }
    }

    @Override
    public void close() throws InterruptedException {
      List<ProcessHandle> children = process.descendants().toList();
      process.destroy(); // SIGTERM: Jetty's shutdown hook stops it
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      children.forEach(ProcessHandle::destroyForcibly);
    }
  }
}
