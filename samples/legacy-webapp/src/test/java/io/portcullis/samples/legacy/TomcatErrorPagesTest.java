package io.portcullis.samples.legacy;

import io.portcullis.samples.provider.DemoProvider;
import io.portcullis.testsupport.TestFiles;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.startup.ContextConfig;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.valves.ErrorReportValve;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link ErrorPagesContract} on embedded Tomcat 11: the web application deployed from {@code
 * src/main/webapp} with its own {@code web.xml} (filter, servlets, error pages; its classes and the
 * Portcullis jars from the test class path), at {@code /legacy} with the demo provider as issuer,
 * and at {@code /down} with an issuer on a port nobody listens on.
 */
class TomcatErrorPagesTest extends ErrorPagesContract {
  private static DemoProvider provider;
  private static Tomcat tomcat;
  private static Path baseDir;

  @BeforeAll
  static void start() throws Exception {
    provider = new DemoProvider(0);
    baseDir = Files.createTempDirectory("portcullis-sample-tomcat");
    tomcat = new Tomcat();
    tomcat.setBaseDir(baseDir.toString());
    Connector connector = new Connector();
    connector.setPort(0);
    connector.setProperty("address", "localhost");
    tomcat.setConnector(connector);
    // As a production Tomcat is set up: Tomcat's own pages show no report and no version.
    ((StandardHost) tomcat.getHost())
        .setErrorReportValveClass(QuietErrorReportValve.class.getName());
    tomcat.start();
    // The filter reads its issuer (a system property overrides web.xml) when its context starts;
    // a context added to a started host starts at once.
    deploy("/legacy", provider.issuer());
    deploy("/down", "http://127.0.0.1:" + JettyErrorPagesTest.freePort() + "/nobody");
  }

  /**
   * Deploys {@code src/main/webapp} at {@code contextPath} as Tomcat deploys a WAR ({@code
   * ContextConfig} reads its {@code web.xml}), with the stock default servlet, which a standalone
   * Tomcat's {@code conf/web.xml} declares, but not its JSP servlet (Jasper is not on the class
   * path).
   */
  private static void deploy(String contextPath, String issuer) {
    System.setProperty("portcullis.issuer", issuer);
    StandardContext context = new StandardContext();
    context.setName(contextPath);
    context.setPath(contextPath);
    context.setDocBase(Path.of("src", "main", "webapp").toAbsolutePath().toString());
    // Leak detection at stop: slow, and needs --add-opens; these contexts stop with the JVM.
    context.setClearReferencesThreadLocals(false);
    context.setClearReferencesRmiTargets(false);
    context.addLifecycleListener(
        event -> {
          if (Lifecycle.BEFORE_START_EVENT.equals(event.getType())) {
            Wrapper servlet =
                Tomcat.addServlet(
                    context, "default", "org.apache.catalina.servlets.DefaultServlet");
            servlet.setLoadOnStartup(1);
            servlet.setOverridable(true);
            context.addServletMappingDecoded("/", "default");
          }
        });
    ContextConfig config = new ContextConfig();
    config.setDefaultWebXml(tomcat.noDefaultWebXmlPath());
    context.addLifecycleListener(config);
    tomcat.getHost().addChild(context); // the host is started: so is the context, now
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (tomcat != null) {
        tomcat.stop();
        tomcat.destroy();
      }
    } finally {
      System.clearProperty("portcullis.issuer");
      if (provider != null) {
        provider.close();
      }
      if (baseDir != null) {
        TestFiles.deleteTree(baseDir);
      }
    }
  }

  @Override
  URI app() {
    return URI.create("http://localhost:" + tomcat.getConnector().getLocalPort() + "/legacy/");
  }

  @Override
  URI appWithProviderDown() {
    return URI.create("http://localhost:" + tomcat.getConnector().getLocalPort() + "/down/");
  }

  /** The stock error report valve without the exception report and server information. */
  public static final class QuietErrorReportValve extends ErrorReportValve {
    public QuietErrorReportValve() {
      setShowReport(false);
      setShowServerInfo(false);
    }
  }
}
