package io.portcullis.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.portcullis.core.internal.nimbus.JwksCache;
import io.portcullis.testsupport.Browser;
import io.portcullis.testsupport.TestKeys;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 5 "Provider outages", THREATS A-08: the provider rotates its signing key. A token signed
 * with the new key is accepted after one JWKS re-fetch. Issue 10: ID tokens from the token endpoint
 * re-fetch on their own budget (at most one per {@link JwksCache#MIN_TRUSTED_REFETCH_INTERVAL});
 * bearer tokens with made-up {@code kid}s make at most one re-fetch per {@link
 * JwksCache#MIN_REFETCH_INTERVAL} and cannot delay a rotation. JWKS requests are counted at the
 * provider; time moves through the shared {@code provider.clock}. Each test runs its own
 * application (its own engine, so its own key cache and rate limit).
 */
class JwksRotationTest extends IntegrationTest {

  /**
   * Logs in on {@code target} with the next ID token signed by {@code key} as {@code kid}; returns
   * the callback response.
   */
  private static HttpResponse<String> loginSignedWith(
      TestApp target, Browser browser, RSAKey key, String kid) {
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
    HttpResponse<String> r =
        browser.get(target.url("/whoami"), Map.of("Accept", "application/json"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"remoteUser\":\"alice\"");
  }

  private static void assertUnknownKeyRejected(
      TestApp target, Browser browser, HttpResponse<String> callback) {
    assertThat(callback.statusCode()).as("callback with unknown kid").isEqualTo(400);
    assertThat(callback.body()).contains("Reason: id_token.unknown_key");
    HttpResponse<String> r =
        browser.get(target.url("/api/data"), Map.of("Accept", "application/json"));
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
      assertThat(callback.statusCode())
          .as("token signed with the new key is accepted")
          .isEqualTo(302);
      assertLoggedIn(own, second);
      assertThat(provider.jwksRequests.get() - afterFirstLogin)
          .as("exactly one JWKS re-fetch")
          .isEqualTo(1);

      // Both keys are now cached: more logins with either key fetch nothing.
      assertThat(loginSignedWith(own, browser(), rotated, "rotated-1").statusCode()).isEqualTo(302);
      assertThat(
              loginSignedWith(own, browser(), provider.signingKey, TestProvider.ISSUER_ID)
                  .statusCode())
          .isEqualTo(302);
      assertThat(provider.jwksRequests.get() - afterFirstLogin).isEqualTo(1);
    }
  }

  /**
   * ID tokens come from the token endpoint, so an unknown key there is a rotation signal: it may
   * re-fetch once per {@link JwksCache#MIN_TRUSTED_REFETCH_INTERVAL}, not more, even when a broken
   * provider keeps signing with a key it does not publish.
   */
  @Test
  void unknownKidFromTokenEndpointWhenRepeatedThenAtMostOneRefetchPerTrustedInterval()
      throws Exception {
    RSAKey rogue = TestKeys.generate("rogue");
    try (TestApp own = new TestApp(provider)) {
      assertThat(loginSignedWith(own, browser(), null, null).statusCode()).isEqualTo(302);
      int base = provider.jwksRequests.get();
      long started = System.nanoTime();
      Browser flood = browser();
      for (int i = 0; i < 40; i++) {
        assertUnknownKeyRejected(own, flood, loginSignedWith(own, flood, rogue, "unknown-" + i));
      }
      long floodMillis = (System.nanoTime() - started) / 1_000_000;
      long allowed = 1 + floodMillis / JwksCache.MIN_TRUSTED_REFETCH_INTERVAL.toMillis();
      int refetches = provider.jwksRequests.get() - base;
      assertThat(refetches)
          .as("40 unknown kids in " + floodMillis + " ms")
          .isBetween(1, (int) allowed);

      provider.clock.advance(JwksCache.MIN_TRUSTED_REFETCH_INTERVAL);
      assertUnknownKeyRejected(own, flood, loginSignedWith(own, flood, rogue, "later"));
      assertThat(provider.jwksRequests.get() - base)
          .as("after the interval, one more")
          .isEqualTo(refetches + 1);

      // The unknown kids did not disturb real logins with the provider's key.
      Browser real = browser();
      assertThat(loginSignedWith(own, real, null, null).statusCode()).isEqualTo(302);
      assertLoggedIn(own, real);
      assertThat(provider.jwksRequests.get() - base).isEqualTo(refetches + 1);
    }
  }

  @Test
  void unknownKidFloodWhenFirstTokenEverThenLoadPlusOneRefetch() throws Exception {
    RSAKey rogue = TestKeys.generate("rogue");
    try (TestApp own = new TestApp(provider)) {
      int base = provider.jwksRequests.get();
      long started = System.nanoTime();
      Browser flood = browser();
      for (int i = 0; i < 30; i++) {
        assertUnknownKeyRejected(own, flood, loginSignedWith(own, flood, rogue, "cold-" + i));
      }
      long millis = (System.nanoTime() - started) / 1_000_000;
      assertThat(provider.jwksRequests.get() - base)
          .as("first load plus one re-fetch per trusted interval")
          .isBetween(2, 2 + (int) (millis / JwksCache.MIN_TRUSTED_REFETCH_INTERVAL.toMillis()));
    }
  }

  // --- Issue 10, finding 5: made-up kids on the bearer path must not delay a rotation.

  private static final Map<String, String> BEARER = Map.of("bearer-tokens", "own-clients");

  /** Sends {@code count} bearer tokens naming made-up key IDs; each must be refused with 401. */
  private static void bearerFlood(TestApp target, int count, String prefix) throws Exception {
    RSAKey rogue = TestKeys.generate("rogue");
    Browser api = browser();
    for (int i = 0; i < count; i++) {
      JWTClaimsSet claims =
          new JWTClaimsSet.Builder()
              .issuer(provider.issuer())
              .subject("test-client")
              .claim("client_id", "test-client")
              .claim("scope", "read:data")
              .issueTime(new Date(provider.clock.millis()))
              .expirationTime(new Date(provider.clock.millis() + 600_000))
              .build();
      SignedJWT jwt =
          new SignedJWT(
              new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(prefix + i).build(), claims);
      jwt.sign(new RSASSASigner(rogue));
      HttpResponse<String> r =
          api.get(
              target.url("/api/data"),
              Map.of("Accept", "application/json", "Authorization", "Bearer " + jwt.serialize()));
      assertThat(r.statusCode()).as("bearer token with made-up kid " + prefix + i).isEqualTo(401);
    }
  }

  /** Logs in with whatever key the provider signs with now. */
  private static HttpResponse<String> login(TestApp target, Browser browser) {
    return loginSignedWith(target, browser, null, null);
  }

  @Test
  void rotationAfterBearerFloodWhenFirstLoginThenAccepted() throws Exception {
    try (TestApp own = new TestApp(provider, BEARER)) {
      assertThat(login(own, browser()).statusCode()).isEqualTo(302);
      int base = provider.jwksRequests.get();
      bearerFlood(own, 30, "made-up-");
      assertThat(provider.jwksRequests.get() - base).as("bearer flood: one re-fetch").isEqualTo(1);

      provider.signIdTokensWith(provider.rotateSigningKey("rotated-after-flood"));
      Browser next = browser();
      assertThat(login(own, next).statusCode()).as("first login after the rotation").isEqualTo(302);
      assertLoggedIn(own, next);
      assertThat(provider.jwksRequests.get() - base).as("the rotation's own re-fetch").isEqualTo(2);
    } finally {
      provider.signIdTokensWith(null);
    }
  }

  @Test
  void rotationAfterBearerFloodWhenSessionFromBeforeRefreshesThenStaysLoggedIn() throws Exception {
    // refresh-before 3300 s: the one-hour access token is due five minutes after login.
    try (TestApp own =
        new TestApp(provider, Map.of("bearer-tokens", "own-clients", "refresh-before", "3300"))) {
      Browser before = browser();
      assertThat(login(own, before).statusCode()).isEqualTo(302);
      assertLoggedIn(own, before);
      provider.clock.advance(Duration.ofMinutes(6));
      int base = provider.jwksRequests.get();
      int refreshes = provider.refreshRequests.get();
      bearerFlood(own, 30, "made-up-");
      assertThat(provider.jwksRequests.get() - base).as("bearer flood: one re-fetch").isEqualTo(1);

      provider.signIdTokensWith(provider.rotateSigningKey("rotated-before-refresh"));
      assertLoggedIn(own, before);
      assertThat(provider.refreshRequests.get() - refreshes)
          .as("the session was refreshed")
          .isEqualTo(1);
      assertThat(provider.jwksRequests.get() - base).as("the rotation's own re-fetch").isEqualTo(2);
      assertLoggedIn(own, before);
    } finally {
      provider.signIdTokensWith(null);
    }
  }

  @Test
  void rotationWhenConcurrentLoginsThenAllAcceptedWithOneSharedFetch() throws Exception {
    try (TestApp own = new TestApp(provider)) {
      assertThat(login(own, browser()).statusCode()).isEqualTo(302);
      int logins = 8;
      List<Browser> browsers = new ArrayList<>();
      List<String> callbacks = new ArrayList<>();
      for (int i = 0; i < logins; i++) {
        Browser b = browser();
        HttpResponse<String> start = b.get(own.url("/profile"));
        HttpResponse<String> authorize = b.get(Browser.location(start));
        browsers.add(b);
        callbacks.add(Browser.location(authorize));
      }
      provider.signIdTokensWith(provider.rotateSigningKey("rotated-concurrent"));
      int base = provider.jwksRequests.get();
      ExecutorService pool = Executors.newFixedThreadPool(logins);
      try {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> statuses = new ArrayList<>();
        for (int i = 0; i < logins; i++) {
          Browser b = browsers.get(i);
          String callback = callbacks.get(i);
          statuses.add(
              pool.submit(
                  () -> {
                    go.await();
                    return b.get(callback).statusCode();
                  }));
        }
        go.countDown();
        for (Future<Integer> status : statuses) {
          assertThat(status.get(30, TimeUnit.SECONDS))
              .as("concurrent login after the rotation")
              .isEqualTo(302);
        }
      } finally {
        pool.shutdownNow();
      }
      for (Browser b : browsers) {
        assertLoggedIn(own, b);
      }
      assertThat(provider.jwksRequests.get() - base).as("one shared re-fetch").isEqualTo(1);
    } finally {
      provider.signIdTokensWith(null);
    }
  }

  @Test
  void bearerFloodWhenMadeUpKidsThenAtMostOneFetchPerMinuteWhateverTheTokenEndpointDid()
      throws Exception {
    try (TestApp own = new TestApp(provider, BEARER)) {
      assertThat(login(own, browser()).statusCode()).isEqualTo(302);
      int base = provider.jwksRequests.get();
      long started = System.nanoTime();
      bearerFlood(own, 200, "flood-");
      assertThat(provider.jwksRequests.get() - base)
          .as("200 made-up kids: one re-fetch")
          .isEqualTo(1);

      // A rotation re-fetches on the token endpoint's budget; the bearer path gets no more.
      provider.signIdTokensWith(provider.rotateSigningKey("rotated-during-flood"));
      assertThat(login(own, browser()).statusCode()).isEqualTo(302);
      assertThat(provider.jwksRequests.get() - base).isEqualTo(2);
      bearerFlood(own, 50, "more-");
      assertThat(provider.jwksRequests.get() - base)
          .as("still within the minute: no more")
          .isEqualTo(2);
      assertThat((System.nanoTime() - started) / 1_000_000)
          .as("the flood fits in one minute")
          .isLessThan(50_000);

      provider.clock.advance(JwksCache.MIN_REFETCH_INTERVAL);
      bearerFlood(own, 50, "next-minute-");
      assertThat(provider.jwksRequests.get() - base).as("next minute: one more").isEqualTo(3);
    } finally {
      provider.signIdTokensWith(null);
    }
  }
}
