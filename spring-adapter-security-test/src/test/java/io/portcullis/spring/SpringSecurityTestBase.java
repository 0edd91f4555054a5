package io.portcullis.spring;

import io.portcullis.testsupport.FakeProvider;
import io.portcullis.testsupport.MutableClock;
import java.net.URI;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The starter's test application ({@link TestWebApp}) with Spring Security on the class path,
 * against the starter's in-process provider; the subclasses choose the Spring Security
 * configuration.
 */
abstract class SpringSecurityTestBase {
  /** One provider for the module's test classes; it stops with the test JVM. */
  static final FakeProvider PROVIDER = TestWebApp.provider(MutableClock.ticking());

  @Value("${local.server.port}")
  int port;

  @DynamicPropertySource
  static void portcullis(DynamicPropertyRegistry registry) {
    TestWebApp.portcullisProperties(registry, PROVIDER);
  }

  URI at(String path) {
    return URI.create("http://localhost:" + port + path);
  }
}
