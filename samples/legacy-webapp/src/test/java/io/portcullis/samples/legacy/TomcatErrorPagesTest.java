package io.portcullis.samples.legacy;

import io.portcullis.samples.provider.DemoProvider;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link ErrorPagesContract} on embedded Tomcat 11 ({@link SampleTomcat}): the web application at
 * {@code /legacy} with the demo provider as issuer, and at {@code /down} with an issuer on a port
 * nobody listens on.
 */
class TomcatErrorPagesTest extends ErrorPagesContract {
  private static DemoProvider provider;
  private static SampleTomcat tomcat;

  @BeforeAll
  static void start() throws Exception {
    provider = new DemoProvider(0);
    tomcat = SampleTomcat.start();
    tomcat.deploy("/legacy", provider.issuer());
    tomcat.deploy("/down", "http://127.0.0.1:" + JettyErrorPagesTest.freePort() + "/nobody");
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (tomcat != null) {
        tomcat.close();
      }
    } finally {
      if (provider != null) {
        provider.close();
      }
    }
  }

  @Override
  URI app() {
    return tomcat.url("/legacy");
  }

  @Override
  URI appWithProviderDown() {
    return tomcat.url("/down");
  }
}
