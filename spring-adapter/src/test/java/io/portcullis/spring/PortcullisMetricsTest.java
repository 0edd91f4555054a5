package io.portcullis.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.portcullis.testsupport.Browser;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * README "Metrics" with Spring Boot: the starter's {@code portcullisMeterBinder} is bound to the
 * application's own {@link MeterRegistry} (Actuator's {@code SimpleMeterRegistry} here), and its
 * meters move with the requests. The application context may be shared with other test classes, so
 * each assertion compares with the reading before the request.
 */
@SpringBootTest(
    classes = TestWebApp.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PortcullisMetricsTest extends EndToEndTestBase {

  @Autowired MeterRegistry registry;

  private double counter(String name, String tag, String value) {
    return registry.get(name).tag(tag, value).functionCounter().count();
  }

  @Test
  void loginWhenCompletedThenTheApplicationsRegistryCountsItAndTimesTheTokenCall()
      throws Exception {
    double started = counter("portcullis.logins", "outcome", "started");
    double completed = counter("portcullis.logins", "outcome", "completed");
    long tokenCalls =
        (long)
            registry
                .get("portcullis.provider.calls")
                .tag("endpoint", "token")
                .functionTimer()
                .count();

    HttpResponse<String> profile = new Browser().navigate(at("/profile"), "alice");

    assertThat(profile.statusCode()).as(profile.body()).isEqualTo(200);
    assertThat(counter("portcullis.logins", "outcome", "started")).isEqualTo(started + 1);
    assertThat(counter("portcullis.logins", "outcome", "completed")).isEqualTo(completed + 1);
    var token = registry.get("portcullis.provider.calls").tag("endpoint", "token").functionTimer();
    assertThat((long) token.count()).isEqualTo(tokenCalls + 1);
    assertThat(token.totalTime(TimeUnit.NANOSECONDS)).isPositive();
    assertThat(
            registry
                .get("portcullis.provider.calls.max")
                .tag("endpoint", "token")
                .timeGauge()
                .value(TimeUnit.NANOSECONDS))
        .isPositive();
  }

  @Test
  void apiWhenNotLoggedInThenA401Counted() throws Exception {
    double before = counter("portcullis.api.refusals", "status", "401");

    HttpResponse<String> data = new Browser().get(at("/api/data"), "Accept", "application/json");

    assertThat(data.statusCode()).isEqualTo(401);
    assertThat(counter("portcullis.api.refusals", "status", "401")).isEqualTo(before + 1);
  }

  @Test
  void rejectionsWhenCallbackStateUnknownThenCountedByReason() throws Exception {
    double before = counter("portcullis.rejections", "reason", "state.unknown");

    HttpResponse<String> callback = new Browser().get(at("/oauth2/callback?state=made-up&code=x"));

    assertThat(callback.statusCode()).isEqualTo(400);
    assertThat(counter("portcullis.rejections", "reason", "state.unknown")).isEqualTo(before + 1);
    assertThat(registry.find("portcullis.rejections").functionCounters())
        .as("one meter per reason code")
        .hasSizeGreaterThan(50);
  }
}
