package io.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Front-channel logout (OpenID Connect Front-Channel Logout 1.0; THREATS G-14), through {@link
 * Portcullis#handle} only.
 */
class EngineFrontChannelLogoutTest {
  private static final String PATH = "/portcullis/frontchannel-logout";
  private final EngineFixture f = new EngineFixture();

  @AfterEach
  void stop() {
    f.close();
  }

  private void loggedIn() {
    f.provider.claims(Map.of("sid", "s-1"));
    f.start("frontchannel-logout-path", PATH);
    f.login("/page");
    assertThat(f.login()).isNotNull();
  }

  private String iss() {
    return Urls.encode(f.provider.issuer());
  }

  @Test
  void getWhenIssAndSidAreThisLoginsThenSessionInvalidatedAndAFramablePageNeverCached() {
    loggedIn();
    int before = f.session.invalidations();
    Outcome outcome = f.get(PATH + "?iss=" + iss() + "&sid=s-1");
    assertThat(outcome).isEqualTo(new Outcome.FrontChannelLogout(true));
    assertThat(f.engine.metrics().count(PortcullisMetrics.Counter.FRONTCHANNEL_LOGOUTS))
        .isEqualTo(1);
    assertThat(f.session.invalidations()).isGreaterThan(before);
    Responses.Response r = Responses.render(outcome);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.headers())
        .containsEntry("Cache-Control", "no-cache, no-store")
        .doesNotContainKey("X-Frame-Options");
    Outcome next = f.get("/page");
    assertThat(next).isInstanceOf(Outcome.Redirect.class);
    assertThat(((Outcome.Redirect) next).location())
        .startsWith(f.provider.authorizationEndpoint() + "?");
  }

  @Test
  void getWhenAnotherIssOrSidOrNoneThen200AndTheLoginStays() {
    loggedIn();
    String[] queries = {
      "?iss=" + iss() + "&sid=s-2",
      "?iss=" + Urls.encode("https://evil.example") + "&sid=s-1",
      "?sid=s-1",
      "?iss=" + iss(),
      "",
      "?iss=" + iss() + "&sid=s-1&sid=s-1"
    };
    for (String query : queries) {
      assertThat(f.get(PATH + query)).as(query).isEqualTo(new Outcome.FrontChannelLogout(false));
      assertThat(f.get("/page")).as(query).isInstanceOf(Outcome.Proceed.class);
    }
  }

  @Test
  void postThen405() {
    loggedIn();
    Outcome outcome = f.send(f.browser("POST", PATH + "?iss=" + iss() + "&sid=s-1"));
    assertThat(outcome).isInstanceOf(Outcome.Rejected.class);
    assertThat(((Outcome.Rejected) outcome).status()).isEqualTo(405);
    assertThat(f.login()).isNotNull();
  }
}
