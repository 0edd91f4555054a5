package io.portcullis.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.portcullis.core.internal.nimbus.JwksCache;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 5 "Provider outages", THREATS A-08: the provider rotates its signing key. A token signed
 * with the new key is accepted after one JWKS re-fetch; a flood of ID tokens with unknown {@code
 * kid}s makes at most one re-fetch per {@link JwksCache#MIN_REFETCH_INTERVAL}. JWKS requests are
 * counted at the provider; time moves through the shared {@code provider.clock}. Each test runs
 * its own application (its own engine, so its own key cache and rate limit).
 */
class JwksRotationTest extends IntegrationTest {

  /** Logs in on {@code target} with the next ID token signed by {@code key} as {@code kid}; returns the callback response. */
  private static HttpResponse<String> loginSignedWith(TestApp target, Browser browser, RSAKey key, String kid) {
    HttpResponse<String> start = browser.get(target.url("/profile"));
    assertThat(start.statusCode()).as("login start").isEqualTo(302);
    HttpResponse<String> authorize = browser.get(Browser.location(start));
    assertThat(authorize.statusCode()).as("provider authorize").isEqualTo(302);
    if (key != null) {
      provider.signNextIdTokenWith(key, kid);
    }
    return browser.get(Browser.location(authorize));
  }

  private static void assertLoggedIn(TestApp target, Browser browser) {
    HttpResponse<String> r = browser.get(target.url("/whoami"), Map.of("Accept", "application/json"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"remoteUser\":\"alice\"");
  }

  private static void assertUnknownKeyRejected(TestApp target, Browser browser, HttpResponse<String> callback) {
    assertThat(callback.statusCode()).as("callback with unknown kid").isEqualTo(400);
    assertThat(callback.body()).contains("Reason: id_token.unknown_key");
    HttpResponse<String> r = browser.get(target.url("/api/data"), Map.of("Accept", "application/json"));
    assertThat(r.statusCode()).as("not logged in").isEqualTo(401);
  }

  @Test
  void keyRotationWhenNewKidThenOneRefetchAndLoginSucceeds() throws Exception {
    try (TestApp own = new TestApp(provider)) {
      Browser first = browser();
      HttpResponse<String> ok = loginSignedWith(own, first, null, null);
      assertThat(ok.statusCode()).isEqualTo(302);
      assertLoggedIn(own, first);
      int afterFirstLogin = provider.jwksRequests.get();

      RSAKey rotated = provider.rotateSigningKey("rotated-1");
      Browser second = browser();
      HttpResponse<String> callback = loginSignedWith(own, second, rotated, "rotated-1");
      assertThat(callback.statusCode()).as("token signed with the new key is accepted").isEqualTo(302);
      assertLoggedIn(own, second);
      assertThat(provider.jwksRequests.get() - afterFirstLogin).as("exactly one JWKS re-fetch").isEqualTo(1);

      // Both keys are now cached: more logins with either key fetch nothing.
      assertThat(loginSignedWith(own, browser(), rotated, "rotated-1").statusCode()).isEqualTo(302);
      assertThat(loginSignedWith(own, browser(), provider.signingKey, TestProvider.ISSUER_ID).statusCode()).isEqualTo(302);
      assertThat(provider.jwksRequests.get() - afterFirstLogin).isEqualTo(1);
    }
  }

  @Test
  void unknownKidFloodWhen200CallbacksThenAtMostOneRefetchPerMinute() throws Exception {
    RSAKey rogue = new RSAKeyGenerator(2048).keyID("rogue").generate();
    try (TestApp own = new TestApp(provider)) {
      assertThat(loginSignedWith(own, browser(), null, null).statusCode()).isEqualTo(302);
      int base = provider.jwksRequests.get();
      long started = System.nanoTime();
      Browser flood = browser();
      for (int i = 0; i < 200; i++) {
        assertUnknownKeyRejected(own, flood, loginSignedWith(own, flood, rogue, "unknown-" + i));
      }
      long floodMillis = (System.nanoTime() - started) / 1_000_000;
      assertThat(provider.jwksRequests.get() - base).as("200 unknown kids within a minute: one re-fetch").isEqualTo(1);

      assertThat(floodMillis).as("the flood fits in one rate-limit window").isLessThan(40_000);

      // Still within the minute (the clock reads real time plus the offset), nothing more; once
      // the interval has passed, exactly one more.
      provider.clock.advance(Duration.ofMillis(Math.max(0, 45_000 - floodMillis)));
      for (int i = 0; i < 20; i++) {
        assertUnknownKeyRejected(own, flood, loginSignedWith(own, flood, rogue, "later-" + i));
      }
      assertThat(provider.jwksRequests.get() - base).isEqualTo(1);
      provider.clock.advance(JwksCache.MIN_REFETCH_INTERVAL);
      for (int i = 0; i < 50; i++) {
        assertUnknownKeyRejected(own, flood, loginSignedWith(own, flood, rogue, "next-minute-" + i));
      }
      assertThat(provider.jwksRequests.get() - base).as("next minute: one more re-fetch").isEqualTo(2);

      // The flood did not disturb real logins with the provider's key.
      Browser real = browser();
      assertThat(loginSignedWith(own, real, null, null).statusCode()).isEqualTo(302);
      assertLoggedIn(own, real);
      assertThat(provider.jwksRequests.get() - base).isEqualTo(2);
      System.out.println("JwksRotationTest: 270 unknown-kid callbacks, 2 JWKS re-fetches, first 200 in " + floodMillis + " ms");
    }
  }

  @Test
  void unknownKidFloodWhenFirstTokenEverThenLoadPlusOneRefetch() throws Exception {
    RSAKey rogue = new RSAKeyGenerator(2048).keyID("rogue").generate();
    try (TestApp own = new TestApp(provider)) {
      int base = provider.jwksRequests.get();
      Browser flood = browser();
      for (int i = 0; i < 30; i++) {
        assertUnknownKeyRejected(own, flood, loginSignedWith(own, flood, rogue, "cold-" + i));
      }
      assertThat(provider.jwksRequests.get() - base).as("first load plus one re-fetch").isEqualTo(2);
    }
  }
}
