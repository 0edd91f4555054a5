package io.portcullis.spring;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.SignedJWT;
import io.portcullis.samples.provider.DemoProvider;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import no.nav.security.mock.oauth2.http.OAuth2HttpRequest;
import no.nav.security.mock.oauth2.http.OAuth2HttpResponse;

/**
 * The samples' demo provider ({@link DemoProvider}: any user logs in, {@code admin} only for the
 * user {@code admin}, client-credentials tokens carrying their scopes) with what the starter's
 * tests add: a clock they move instead of sleeping, one-use refresh tokens (rotation), a count of
 * refresh requests and an optional delay that makes concurrent refreshes overlap.
 */
final class TestProvider implements AutoCloseable {
  /**
   * The provider's clock, for tokens' times; applications may share it: tests move it instead of
   * sleeping.
   */
  final MutableClock clock = new MutableClock();

  /** Refresh-token grant requests received. */
  final AtomicInteger refreshRequests = new AtomicInteger();

  /**
   * Refresh tokens this provider accepts, as handed out (ours) → the mock's own; one use each
   * (rotation).
   */
  private final Map<String, String> liveRefreshTokens = new ConcurrentHashMap<>();

  private volatile long refreshDelayMillis;

  /**
   * Every access, refresh and ID token this provider handed out, for tests that look for them at
   * rest.
   */
  final java.util.List<String> tokensIssued = new java.util.concurrent.CopyOnWriteArrayList<>();

  private final DemoProvider provider;

  /** Starts the provider on the loopback interface; {@code port} 0 picks a free port. */
  TestProvider(int port) {
    provider = new DemoProvider(port, clock, this::rotate);
  }

  /** The issuer URL, e.g. {@code http://localhost:40123/default}. */
  String issuer() {
    return provider.issuer();
  }

  /**
   * Delays refresh-token answers by {@code millis} (0: no delay), so that concurrent refreshes
   * overlap.
   */
  void delayRefresh(long millis) {
    this.refreshDelayMillis = millis;
  }

  private OAuth2HttpResponse rotate(
      OAuth2HttpRequest request, Function<OAuth2HttpRequest, OAuth2HttpResponse> next) {
    boolean token = request.getUrl().encodedPath().endsWith("/token");
    if (token && "refresh_token".equals(DemoProvider.formParam(request.getBody(), "grant_type"))) {
      // Rotation: every refresh token works once; the refresh answers with a new one.
      refreshRequests.incrementAndGet();
      String presented = DemoProvider.formParam(request.getBody(), "refresh_token");
      if (refreshDelayMillis > 0) {
        try {
          Thread.sleep(refreshDelayMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      String mockToken = presented == null ? null : liveRefreshTokens.remove(presented);
      if (mockToken == null) {
        return new OAuth2HttpResponse(
            okhttp3.Headers.of("Content-Type", "application/json"),
            400,
            "{\"error\":\"invalid_grant\",\"error_description\":\"refresh token unknown, used or revoked\"}",
            null);
      }
      request =
          new OAuth2HttpRequest(
              request.getHeaders(),
              request.getMethod(),
              request.getOriginalUrl(),
              request
                  .getBody()
                  .replace(
                      "refresh_token=" + URLEncoder.encode(presented, StandardCharsets.UTF_8),
                      "refresh_token=" + URLEncoder.encode(mockToken, StandardCharsets.UTF_8)));
    }
    OAuth2HttpResponse response = next.apply(request);
    return token && response.getStatus() == 200 ? withClockAndRotation(response) : response;
  }

  /**
   * Sets {@code expires_in} from this provider's clock (the mock computes it against the real time)
   * and replaces the mock's refresh token with a one-use token of this provider's own.
   */
  private OAuth2HttpResponse withClockAndRotation(OAuth2HttpResponse response) {
    try {
      Map<String, Object> json = JSONObjectUtils.parse(response.getBody());
      if (json.get("access_token") instanceof String at) {
        java.util.Date exp = SignedJWT.parse(at).getJWTClaimsSet().getExpirationTime();
        if (exp != null) {
          json.put("expires_in", (exp.getTime() - clock.millis()) / 1000);
        }
      }
      if (json.get("refresh_token") instanceof String mockRefresh) {
        String ours = "rt-" + java.util.UUID.randomUUID();
        liveRefreshTokens.put(ours, mockRefresh);
        json.put("refresh_token", ours);
      }
      for (String member : java.util.List.of("access_token", "refresh_token", "id_token")) {
        if (json.get(member) instanceof String issued) {
          tokensIssued.add(issued);
        }
      }
      return new OAuth2HttpResponse(
          response.getHeaders(), 200, JSONObjectUtils.toJSONString(json), null);
    } catch (ParseException e) {
      return response;
    }
  }

  @Override
  public void close() {
    provider.close();
  }

  /** A clock tests move forward instead of sleeping. */
  static final class MutableClock extends java.time.Clock {
    private final java.util.concurrent.atomic.AtomicLong offsetMillis =
        new java.util.concurrent.atomic.AtomicLong();

    void advance(java.time.Duration by) {
      offsetMillis.addAndGet(by.toMillis());
    }

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public java.time.Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public java.time.Instant instant() {
      return java.time.Instant.now().plusMillis(offsetMillis.get());
    }
  }
}
