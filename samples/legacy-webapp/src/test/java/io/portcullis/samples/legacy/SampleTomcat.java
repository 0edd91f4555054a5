package io.portcullis.samples.legacy;

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

/**
 * The sample WAR on embedded Tomcat 11, as a production Tomcat runs it: deployed from {@code
 * src/main/webapp} with its own {@code web.xml} (filter, servlets, error pages; its classes and the
 * Portcullis jars from the test class path), Tomcat's own error pages without report or version.
 */
final class SampleTomcat implements AutoCloseable {
  private final Tomcat tomcat;
  private final Path baseDir;

  private SampleTomcat(Tomcat tomcat, Path baseDir) {
    this.tomcat = tomcat;
    this.baseDir = baseDir;
  }

  /** Starts Tomcat with no application, on a free port of localhost. */
  static SampleTomcat start() throws Exception {
    Path baseDir = Files.createTempDirectory("portcullis-sample-tomcat");
    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(baseDir.toString());
    Connector connector = new Connector();
    connector.setPort(0);
    connector.setProperty("address", "localhost");
    tomcat.setConnector(connector);
    // As a production Tomcat is set up: Tomcat's own pages show no report and no version.
    ((StandardHost) tomcat.getHost())
        .setErrorReportValveClass(QuietErrorReportValve.class.getName());
    tomcat.start();
    return new SampleTomcat(tomcat, baseDir);
  }

  /**
   * Deploys {@code src/main/webapp} at {@code contextPath} with {@code issuer}, as Tomcat deploys a
   * WAR ({@code ContextConfig} reads its {@code web.xml}), with the stock default servlet, which a
   * standalone Tomcat's {@code conf/web.xml} declares, but not its JSP servlet (Jasper is not on
   * the class path). The filter reads its issuer (a system property overrides web.xml) when its
   * context starts; a context added to a started host starts at once.
   */
  void deploy(String contextPath, String issuer) {
    System.setProperty("portcullis.issuer", issuer);
    try {
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
    } finally {
      System.clearProperty("portcullis.issuer");
    }
  }

  /** The URL of the application at {@code contextPath}, ending in {@code /}. */
  URI url(String contextPath) {
    return URI.create(
        "http://localhost:" + tomcat.getConnector().getLocalPort() + contextPath + "/");
  }

  @Override
  public void close() throws Exception {
    try {
      tomcat.stop();
      tomcat.destroy();
    } finally {
      TestFiles.deleteTree(baseDir);
    }
  }

  /** The stock error report valve without the exception report and server information. */
  public static final class QuietErrorReportValve extends ErrorReportValve {
    public QuietErrorReportValve() {
      setShowReport(false);
      setShowServerInfo(false);
    }
  }
}
