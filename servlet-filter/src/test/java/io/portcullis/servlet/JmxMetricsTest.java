package io.portcullis.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.net.http.HttpResponse;
import java.util.Map;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import org.junit.jupiter.api.Test;

/**
 * README "Metrics", JMX: the filter's {@link PortcullisMXBean} in the platform MBean server, read
 * as an operator's console reads it (attributes by name), after a real login on Jetty or Tomcat; a
 * second engine under the same context path gets the next instance, and destroy unregisters.
 */
class JmxMetricsTest extends IntegrationTest {
  private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();

  private static ObjectName name() {
    ObjectName name = app.filter.jmxName();
    assertThat(name).as("registered").isNotNull();
    return name;
  }

  private static long attribute(String attribute) throws Exception {
    return (Long) SERVER.getAttribute(name(), attribute);
  }

  private static long rejections(String code) throws Exception {
    TabularData table = (TabularData) SERVER.getAttribute(name(), "Rejections");
    CompositeData row = table.get(new Object[] {code});
    assertThat(row).as(code).isNotNull();
    return (Long) row.get("value");
  }

  @Test
  void mbeanWhenRegisteredThenNamedAfterTheContextPath() {
    assertThat(name().getDomain()).isEqualTo("io.portcullis");
    assertThat(name().getKeyProperty("type")).isEqualTo("Portcullis");
    assertThat(name().getKeyProperty("context")).isEqualTo("\"/app\"");
    assertThat(SERVER.isRegistered(name())).isTrue();
  }

  @Test
  void loginWhenCompletedThenAttributesCountItAndTimeTheProviderCalls() throws Exception {
    long started = attribute("LoginsStarted");
    long completed = attribute("LoginsCompleted");
    long tokenCalls = attribute("TokenCalls");

    HttpResponse<String> page = login(browser(), "/profile");

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(attribute("LoginsStarted")).isEqualTo(started + 1);
    assertThat(attribute("LoginsCompleted")).isEqualTo(completed + 1);
    assertThat(attribute("TokenCalls")).isEqualTo(tokenCalls + 1);
    assertThat(attribute("TokenTotalNanos")).isPositive();
    assertThat(attribute("TokenMaxNanos"))
        .isPositive()
        .isLessThanOrEqualTo(attribute("TokenTotalNanos"));
    assertThat(attribute("DiscoveryCalls")).isPositive();
    assertThat(attribute("JwksFetchesLoad")).isPositive();
  }

  @Test
  void callbackWhenStateUnknownThenRejectionsCountItsReason() throws Exception {
    long rejected = attribute("LoginsRejected");
    long unknown = rejections("state.unknown");

    HttpResponse<String> r = browser().get(app.url("/oauth2/callback?state=made-up&code=x"));

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(attribute("LoginsRejected")).isEqualTo(rejected + 1);
    assertThat(rejections("state.unknown")).isEqualTo(unknown + 1);
  }

  @Test
  void apiWhenNotLoggedInThenApi401Counted() throws Exception {
    long before = attribute("Api401");
    assertThat(
            browser().get(app.url("/api/data"), Map.of("Accept", "application/json")).statusCode())
        .isEqualTo(401);
    assertThat(attribute("Api401")).isEqualTo(before + 1);
  }

  @Test
  void secondEngineWhenSameContextPathThenNextInstanceAndUnregisteredOnDestroy() throws Exception {
    ObjectName second;
    try (TestApp other = new TestApp(provider)) {
      second = other.filter.jmxName();
      assertThat(second).isNotNull();
      assertThat(second.getKeyProperty("context")).isEqualTo("\"/app\"");
      assertThat(second.getKeyProperty("instance")).isNotNull();
      assertThat(SERVER.isRegistered(second)).isTrue();
      assertThat(SERVER.isRegistered(name())).as("the first one stays").isTrue();
    }
    assertThat(SERVER.isRegistered(second)).as("unregistered at destroy").isFalse();
  }
}
