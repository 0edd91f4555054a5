package io.portcullis.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.SessionCookieConfig;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.tomcat.util.http.Rfc6265CookieProcessor;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 AC2, the session cookie: a container whose session cookie is {@code SameSite=Strict}
 * makes every login loop (the login's redirect chain starts at the provider), and the filter says
 * so at start-up, in the log and in the health output. Runs on Jetty 12 and Tomcat 11 and, as the
 * {@code javax} build, on Jetty {@code ee8} and Tomcat 9, whose Servlet 4 {@code
 * SessionCookieConfig} has no attributes: there only Tomcat's own setting is read.
 */
class SessionCookieSameSiteTest extends IntegrationTest {
  private static final Map<String, String> HEALTH = Map.of("health-path", "/portcullis/health");

  /** Whether the container's Servlet API has session cookie attributes (Servlet 6). */
  private static boolean servlet6() {
    return Arrays.stream(SessionCookieConfig.class.getMethods())
        .anyMatch(m -> m.getName().equals("setAttribute"));
  }

  /** Sets the session cookie's SameSite through SessionCookieConfig before the filter starts. */
  private static final class StrictSessionCookie implements ServletContextListener {
    @Override
    public void contextInitialized(ServletContextEvent event) {
      try {
        // Reflective: the javax build of this class is loaded on Servlet 4 too.
        Method setAttribute =
            SessionCookieConfig.class.getMethod("setAttribute", String.class, String.class);
        setAttribute.invoke(
            event.getServletContext().getSessionCookieConfig(), "SameSite", "Strict");
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static List<String> checks(int from) {
    return LeakCheck.LINES.subList(from, LeakCheck.LINES.size()).stream()
        .filter(l -> l.contains("portcullis.check session-cookie: "))
        .toList();
  }

  private static String health(TestApp app) {
    String raw = RawHttp.send(app.url(""), "GET", "/app/portcullis/health");
    return raw.substring(raw.indexOf("\r\n\r\n") + 4);
  }

  /** The SameSite of the session cookie the container sets when the application makes one. */
  private static String sessionSetCookie(TestApp app) {
    String raw = RawHttp.send(app.url(""), "GET", "/app/?session=1");
    assertThat(RawHttp.status(raw)).isEqualTo(200);
    return raw.lines()
        .filter(l -> l.regionMatches(true, 0, "Set-Cookie:", 0, 11) && l.contains("JSESSIONID="))
        .findFirst()
        .orElse("(no session cookie)");
  }

  /**
   * The container sends {@code app}'s session cookie as {@code SameSite=Strict}, and the filter
   * said so, read from {@code source}: one warning line since {@code from}, and in the health
   * output.
   */
  private static void assertWarnsStrict(TestApp app, int from, String source) {
    assertThat(app.filter.engine().awaitProvider(Duration.ofSeconds(10))).isTrue();
    assertThat(sessionSetCookie(app)).containsIgnoringCase("SameSite=Strict");
    assertThat(health(app)).contains("{\"code\":\"session-cookie\",\"level\":\"WARNING\"}");
    assertThat(checks(from))
        .singleElement()
        .asString()
        .startsWith("WARNING ")
        .contains("SameSite=Strict (" + source + ")", "every login loops", "SameSite to Lax");
  }

  @Test
  void startWhenSessionCookieConfigSaysStrictThenWarningInLogAndHealth() throws Exception {
    assumeTrue(servlet6(), "Servlet 4 has no SessionCookieConfig attributes");
    int from = LeakCheck.LINES.size();
    try (TestApp strict =
        new TestApp(
            provider,
            HEALTH,
            (jetty, filter) -> jetty.addListener(new StrictSessionCookie()),
            (tomcat, filter) ->
                tomcat.addServletContainerInitializer(
                    (classes, context) ->
                        new StrictSessionCookie()
                            .contextInitialized(new ServletContextEvent(context)),
                    Set.of()))) {
      assertWarnsStrict(strict, from, "SessionCookieConfig");
    }
  }

  @Test
  void startWhenContainerSetsLaxThenInfoOrNotKnownOnServlet4Jetty() throws Exception {
    int from = LeakCheck.LINES.size();
    try (TestApp lax = new TestApp(provider, HEALTH, (jetty, filter) -> {}, (tomcat, f) -> {})) {
      assertThat(lax.filter.engine().awaitProvider(Duration.ofSeconds(10))).isTrue();

      assertThat(sessionSetCookie(lax)).containsIgnoringCase("SameSite=Lax");
      assertThat(health(lax)).contains("{\"code\":\"session-cookie\",\"level\":\"INFO\"}");
      String line = checks(from).get(0);
      assertThat(checks(from)).hasSize(1);
      assertThat(line).startsWith("INFO ");
      if (TestApp.onTomcat()) {
        // The test set-up marks cookies Lax with Tomcat's CookieProcessor (Tomcat 9 and 11).
        assertThat(line).contains("SameSite=Lax (Tomcat's CookieProcessor sameSiteCookies)");
      } else if (servlet6()) {
        // Jetty 12's SessionHandler.setSameSite shows in SessionCookieConfig.
        assertThat(line).contains("SameSite=Lax (SessionCookieConfig)");
      } else {
        assertThat(line).contains("not known", "Servlet 4");
      }
    }
  }

  @Test
  void startWhenTomcatCookieProcessorSaysStrictThenWarning() throws Exception {
    assumeTrue(TestApp.onTomcat(), "Tomcat's CookieProcessor");
    int from = LeakCheck.LINES.size();
    try (TestApp strict =
        new TestApp(
            provider,
            HEALTH,
            (jetty, filter) -> {},
            (tomcat, filter) -> {
              Rfc6265CookieProcessor cookies = new Rfc6265CookieProcessor();
              cookies.setSameSiteCookies("strict");
              tomcat.setCookieProcessor(cookies);
            })) {
      assertWarnsStrict(strict, from, "Tomcat's CookieProcessor sameSiteCookies");
    }
  }
}
