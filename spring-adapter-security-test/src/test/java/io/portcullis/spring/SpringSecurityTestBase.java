package io.portcullis.spring;

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
  static final TestProvider PROVIDER = new TestProvider(0);

  @Value("${local.server.port}")
  int port;

  @DynamicPropertySource
  static void portcullis(DynamicPropertyRegistry registry) {
    registry.add("portcullis.issuer", PROVIDER::issuer);
    registry.add("portcullis.client-id", () -> "spring-app");
    registry.add("portcullis.client-secret", () -> "spring-app-secret-that-is-long-enough-for-hs256");
    registry.add("portcullis.scopes", () -> "openid profile read:data");
    registry.add("portcullis.http-timeout", () -> "20");
    registry.add("portcullis.rules[0]", () -> "/           permit");
    registry.add("portcullis.rules[1]", () -> "/api/**     read:data");
    registry.add("portcullis.rules[2]", () -> "/**         authenticated");
  }

  URI at(String path) {
    return URI.create("http://localhost:" + port + path);
  }
}
