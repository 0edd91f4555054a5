package io.portcullis.spring;

import io.portcullis.testsupport.FakeProvider;
import io.portcullis.testsupport.MutableClock;
import java.net.URI;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * What the end-to-end tests of the starter's test application ({@link TestWebApp}) share, here and
 * in spring-adapter-security-test: one {@link FakeProvider} for the test JVM (it stops with it),
 * the application's {@code portcullis.*} properties against it, and its URLs. A subclass declares
 * its {@code @SpringBootTest} on a random port.
 */
abstract class EndToEndTestBase {
  /** One provider for the module's test classes; it stops with the test JVM. */
  static final FakeProvider PROVIDER = TestWebApp.provider(MutableClock.ticking());

  @Value("${local.server.port}")
  int port;

  @DynamicPropertySource
  static void portcullis(DynamicPropertyRegistry registry) {
    TestWebApp.portcullisProperties(registry, PROVIDER);
  }

  /** The application's URL for {@code path}. */
  URI at(String path) {
    return URI.create("http://localhost:" + port + path);
  }
}
