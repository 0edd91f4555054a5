package io.portcullis.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.core.LogoutRegistry;
import io.portcullis.servlet.SessionReloader;
import io.portcullis.testsupport.Browser;
import io.portcullis.testsupport.FakeProvider;
import io.portcullis.testsupport.MutableClock;
import io.portcullis.testsupport.TokenForms;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.session.Session;
import org.springframework.session.SessionRepository;

/**
 * Issue 5, clustered sessions for the starter: two Spring Boot applications (nodes A and B) keep
 * their sessions in Spring Session on a real Redis on 127.0.0.1:6379 ({@code
 * scripts/test-redis.sh}; {@code .ci/run} runs it), under a key namespace of this run's own, with
 * one provider that rotates refresh tokens. The starter configures the {@link SessionReloader}
 * itself. Skipped without Redis unless {@code CI=true}, where a missing Redis fails.
 */
class RedisClusterTest {
  /** The provider's clock, which node A and B share: tests move it instead of sleeping. */
  static final MutableClock CLOCK = MutableClock.ticking();

  static final FakeProvider PROVIDER = TestWebApp.provider(CLOCK);
  static final String NAMESPACE = "portcullis-test:" + UUID.randomUUID();
  static ConfigurableApplicationContext a;
  static ConfigurableApplicationContext b;

  static boolean reachable;
  static final String BACKCHANNEL_PATH = "/backchannel-logout";

  @BeforeAll
  static void start() {
    reachable = redisAnswers();
    // Developers without Redis skip these tests (reported as skipped, see below); CI must have
    // it (.ci/run starts it): with CI=true a missing Redis fails.
    if (!reachable && !"true".equals(System.getenv("CI"))) {
      return;
    }
    assertThat(reachable).as("Redis on 127.0.0.1:6379 (scripts/test-redis.sh)").isTrue();
    String stateKey = Base64.getEncoder().encodeToString(new byte[32]);
    a = node(stateKey);
    b = node(stateKey);
  }

  @BeforeEach
  void redisOrSkip() {
    Assumptions.assumeTrue(
        reachable, "Redis not reachable on 127.0.0.1:6379: run scripts/test-redis.sh");
  }

  private static boolean redisAnswers() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", 6379), 1000);
      socket.setSoTimeout(2000);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      byte[] buf = new byte[7];
      InputStream in = socket.getInputStream();
      int n = in.readNBytes(buf, 0, 5);
      return n == 5 && new String(buf, 0, 5, StandardCharsets.US_ASCII).equals("+PONG");
    } catch (Exception e) {
      return false;
    }
  }

  private static ConfigurableApplicationContext node(String stateKey) {
    Map<String, Object> p = new HashMap<>();
    p.put("server.port", "0");
    p.put("spring.data.redis.host", "127.0.0.1");
    p.put("spring.data.redis.port", "6379");
    p.put("spring.session.redis.namespace", NAMESPACE); // Spring Boot 3.5
    p.put("spring.session.data.redis.namespace", NAMESPACE); // Spring Boot 4.0
    p.put("portcullis.issuer", PROVIDER.issuer());
    p.put("portcullis.client-id", "spring-app");
    p.put("portcullis.client-secret", "spring-app-secret-that-is-long-enough-for-hs256");
    p.put("portcullis.scopes", "openid profile offline_access read:data");
    p.put("portcullis.state-key", stateKey);
    p.put("portcullis.backchannel-logout-path", BACKCHANNEL_PATH);
    p.put("portcullis.http-timeout", "20");
    p.put("portcullis.rules[0]", "/   permit");
    p.put("portcullis.rules[1]", "/** authenticated");
    return new SpringApplicationBuilder(RedisWebApp.class).properties(p).run();
  }

  @AfterAll
  static void stop() {
    try {
      if (a != null) {
        StringRedisTemplate redis = a.getBean(StringRedisTemplate.class);
        redis.delete(RedisLogoutStore.KEY);
        Set<String> keys = redis.keys(NAMESPACE + ":*");
        if (keys != null && !keys.isEmpty()) {
          redis.delete(keys);
        }
      }
    } finally {
      if (b != null) {
        b.close();
      }
      if (a != null) {
        a.close();
      }
      PROVIDER.close();
    }
  }

  private static URI at(ConfigurableApplicationContext node, String path) {
    String port = node.getEnvironment().getProperty("local.server.port");
    return URI.create("http://localhost:" + port + path);
  }

  /** "alice &lt;sha-256 of the access token&gt;" as {@code node} sees the session. */
  private static String tokenHash(Browser browser, ConfigurableApplicationContext node) {
    try {
      HttpResponse<String> r = browser.get(at(node, "/token-hash"), "Accept", "text/plain");
      assertThat(r.statusCode()).as("logged in on " + at(node, "")).isEqualTo(200);
      assertThat(r.body()).startsWith("alice ").doesNotEndWith(" none");
      return r.body();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Logs in starting on A, with the provider's redirect back landing on B. */
  private static Browser loginAcrossNodes() throws Exception {
    Browser browser = new Browser();
    HttpResponse<String> toProvider = browser.get(at(a, "/profile"));
    assertThat(toProvider.statusCode()).isEqualTo(302);
    HttpResponse<String> loginPage =
        browser.get(URI.create(toProvider.headers().firstValue("Location").orElseThrow()));
    assertThat(Browser.isLoginPage(loginPage)).as(loginPage.body()).isTrue();
    HttpResponse<String> back = browser.submitLogin(loginPage, "alice");
    assertThat(back.statusCode()).isEqualTo(302);
    String callback = back.headers().firstValue("Location").orElseThrow();
    assertThat(callback).startsWith(at(a, "/").toString());
    HttpResponse<String> landed =
        browser.get(URI.create(callback.replace(at(a, "").toString(), at(b, "").toString())));
    assertThat(landed.statusCode()).as(landed.body()).isEqualTo(302);
    assertThat(landed.headers().firstValue("Location"))
        .hasValueSatisfying(l -> assertThat(l).endsWith("/profile"));
    return browser;
  }

  @Test
  void starterWhenSpringSessionThenConfiguresTheSessionReloaderOnBothNodes() {
    for (ConfigurableApplicationContext node : new ConfigurableApplicationContext[] {a, b}) {
      assertThat(node.getBeansOfType(SessionReloader.class))
          .containsOnlyKeys("portcullisSessionReloader");
      assertThat(node.getBean(SessionRepository.class).getClass().getName()).contains("Redis");
    }
  }

  @Test
  void loginWhenStartedOnAAndCallbackOnBThenLoggedInOnBoth() throws Exception {
    Browser browser = loginAcrossNodes();

    assertThat(browser.get(at(b, "/profile")).body())
        .startsWith("user=alice readData=true token=true");
    assertThat(browser.get(at(a, "/profile")).body())
        .startsWith("user=alice readData=true token=true");
    assertThat(tokenHash(browser, a)).isEqualTo(tokenHash(browser, b));
  }

  @Test
  void refreshWhenDoneOnBThenSeenOnA() throws Exception {
    Browser browser = loginAcrossNodes();
    String before = tokenHash(browser, a);
    CLOCK.advance(Duration.ofSeconds(3600 - 30));
    try {
      int refreshesBefore = PROVIDER.refreshRequests.get();
      String refreshedOnB = tokenHash(browser, b);
      assertThat(refreshedOnB).isNotEqualTo(before);
      assertThat(PROVIDER.refreshRequests.get()).as("B refreshed").isEqualTo(refreshesBefore + 1);
      assertThat(tokenHash(browser, a)).isEqualTo(refreshedOnB);
      assertThat(PROVIDER.refreshRequests.get())
          .as("A did not refresh again")
          .isEqualTo(refreshesBefore + 1);
    } finally {
      CLOCK.advance(Duration.ofSeconds(-(3600 - 30)));
    }
  }

  @Test
  void refreshWhenBothNodesAtOnceWithRotationThenUserStaysLoggedIn() throws Exception {
    Browser browser = loginAcrossNodes();
    Duration moved = Duration.ZERO;
    try {
      for (int round = 0; round < 3; round++) {
        CLOCK.advance(Duration.ofSeconds(3600 - 30));
        moved = moved.plusSeconds(3600 - 30);
        PROVIDER.delayRefresh(300);
        int before = PROVIDER.refreshRequests.get();
        CompletableFuture<String> onA = CompletableFuture.supplyAsync(() -> tokenHash(browser, a));
        CompletableFuture<String> onB = CompletableFuture.supplyAsync(() -> tokenHash(browser, b));
        assertThat(onA.get()).as("round %d", round).isEqualTo(onB.get());
        assertThat(PROVIDER.refreshRequests.get() - before)
            .as("both nodes raced, round %d", round)
            .isEqualTo(2);
        PROVIDER.delayRefresh(0);
        assertThat(tokenHash(browser, a)).isEqualTo(onA.get());
        assertThat(tokenHash(browser, b)).isEqualTo(onA.get());
      }
    } finally {
      PROVIDER.delayRefresh(0);
      CLOCK.advance(moved.negated());
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void sessionAttributesWhenStoredInRedisThenReadBackThroughTheRepository() throws Exception {
    Browser browser = loginAcrossNodes();
    String id =
        new String(
            Base64.getDecoder().decode(browser.cookies("localhost").get("SESSION")),
            StandardCharsets.UTF_8);
    SessionRepository<Session> repository = a.getBean(SessionRepository.class);

    Session session = repository.findById(id);

    assertThat(session).isNotNull();
    Object login = session.getAttribute("io.portcullis.login");
    assertThat(login).isNotNull();
    assertThat(login.getClass().getName()).isEqualTo("io.portcullis.core.SessionRecord");
    for (String name : session.getAttributeNames()) {
      assertThat(session.<Object>getAttribute(name)).as(name).isNotNull();
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(login);
    }
    System.out.println(
        "portcullis: Spring Session attributes "
            + session.getAttributeNames()
            + "; io.portcullis.login serialized: "
            + bytes.size()
            + " bytes");
    assertThat(bytes.size()).isLessThan(8192);
    // The session as read back serves the next request on B.
    assertThat(tokenHash(browser, b)).isEqualTo(tokenHash(browser, a));
  }

  private static String sessionId(Browser browser) {
    return new String(
        Base64.getDecoder().decode(browser.cookies("localhost").get("SESSION")),
        StandardCharsets.UTF_8);
  }

  /**
   * Every field and value of the Redis hash Spring Session keeps for {@code id}, as Redis returns
   * them.
   */
  private static Map<byte[], byte[]> rawHash(String id) {
    try (var connection = a.getBean(RedisConnectionFactory.class).getConnection()) {
      Map<byte[], byte[]> hash =
          connection
              .hashCommands()
              .hGetAll((NAMESPACE + ":sessions:" + id).getBytes(StandardCharsets.UTF_8));
      assertThat(hash).as("Redis hash of session " + id).isNotNull().isNotEmpty();
      return hash;
    }
  }

  private static byte[] loginField() {
    return "sessionAttr:io.portcullis.login".getBytes(StandardCharsets.UTF_8);
  }

  private static byte @org.jspecify.annotations.Nullable [] field(
      Map<byte[], byte[]> hash, byte[] name) {
    return hash.entrySet().stream()
        .filter(e -> java.util.Arrays.equals(e.getKey(), name))
        .map(Map.Entry::getValue)
        .findFirst()
        .orElse(null);
  }

  /** Issue 11 AC11: what Redis holds after a login and a refresh has no token in any form. */
  @Test
  void sessionHashWhenReadFromRedisAfterLoginAndRefreshThenHoldsNoToken() throws Exception {
    Browser browser = loginAcrossNodes();
    CLOCK.advance(Duration.ofSeconds(3600 - 30));
    try {
      tokenHash(browser, b); // a refresh on B, written back to Redis
    } finally {
      CLOCK.advance(Duration.ofSeconds(-(3600 - 30)));
    }
    Map<byte[], byte[]> hash = rawHash(sessionId(browser));
    assertThat(field(hash, loginField()))
        .as("the login is stored")
        .isNotNull()
        .hasSizeGreaterThan(1000);
    assertThat(PROVIDER.issuedSecrets).hasSizeGreaterThan(4);
    for (Map.Entry<byte[], byte[]> e : hash.entrySet()) {
      String text = new String(e.getValue(), StandardCharsets.ISO_8859_1);
      for (String token : PROVIDER.issuedSecrets) {
        for (String form : TokenForms.of(token)) {
          assertThat(text)
              .as(
                  "a token (or its base64, or a piece of it) in Redis field "
                      + new String(e.getKey(), StandardCharsets.UTF_8))
              .doesNotContain(form);
        }
      }
    }
  }

  /** Issue 11 AC11: a login record copied into another session does not log that session in. */
  @Test
  void sessionHashWhenLoginCopiedIntoAnotherSessionThenThatSessionIsLoggedOutAndNo5xx()
      throws Exception {
    Browser victim = loginAcrossNodes();
    Thread.sleep(5); // another creation time, as any two sessions have
    Browser attacker = loginAcrossNodes();
    byte[] record = field(rawHash(sessionId(victim)), loginField());
    try (var connection = a.getBean(RedisConnectionFactory.class).getConnection()) {
      connection
          .hashCommands()
          .hSet(
              (NAMESPACE + ":sessions:" + sessionId(attacker)).getBytes(StandardCharsets.UTF_8),
              loginField(),
              record);
    }
    for (ConfigurableApplicationContext node : new ConfigurableApplicationContext[] {a, b}) {
      HttpResponse<String> r = attacker.get(at(node, "/token-hash"), "Accept", "application/json");
      assertThat(r.statusCode()).as("copied record on " + at(node, "")).isEqualTo(401);
    }
    assertThat(tokenHash(victim, a)).startsWith("alice ");
  }

  /** A logout token for the provider session {@code sid}, signed by {@code key}. */
  private static String logoutToken(String sid, com.nimbusds.jose.jwk.RSAKey key) {
    java.time.Instant now = CLOCK.instant();
    com.nimbusds.jwt.JWTClaimsSet claims =
        new com.nimbusds.jwt.JWTClaimsSet.Builder()
            .issuer(PROVIDER.issuer())
            .audience("spring-app")
            .issueTime(java.util.Date.from(now))
            .expirationTime(java.util.Date.from(now.plusSeconds(120)))
            .jwtID(UUID.randomUUID().toString())
            .claim("sid", sid)
            .claim("events", Map.of("http://schemas.openid.net/event/backchannel-logout", Map.of()))
            .build();
    return io.portcullis.testsupport.TestKeys.sign(key, key.getKeyID(), claims, "logout+jwt");
  }

  private static HttpResponse<String> deliver(ConfigurableApplicationContext node, String token)
      throws Exception {
    return new Browser().post(at(node, BACKCHANNEL_PATH), "logout_token=" + token);
  }

  private static int apiStatus(Browser browser, ConfigurableApplicationContext node)
      throws Exception {
    return browser.get(at(node, "/token-hash"), "Accept", "text/plain").statusCode();
  }

  /**
   * Issue 13 AC4 with the starter: logged in on A, the provider's back-channel logout for the
   * login's {@code sid} delivered to B (written to Redis) ends that login on A; another login of
   * the same user (another sid) stays; replayed and forged logout tokens are refused.
   */
  @Test
  void backchannelLogoutWhenDeliveredToBThenTheLoginEndsOnA() throws Exception {
    assertThat(a.getBeansOfType(LogoutRegistry.class)).containsOnlyKeys("portcullisLogoutRegistry");
    String sid = "redis-sid-" + UUID.randomUUID();
    Browser browser;
    Browser other;
    try {
      PROVIDER.claims(Map.of("sid", sid));
      browser = loginAcrossNodes();
      PROVIDER.claims(Map.of("sid", sid + "-other"));
      other = loginAcrossNodes();
    } finally {
      PROVIDER.claims(Map.of());
    }
    tokenHash(browser, a);

    com.nimbusds.jose.jwk.RSAKey forger =
        io.portcullis.testsupport.TestKeys.generate(PROVIDER.signingKey().getKeyID());
    HttpResponse<String> forged = deliver(b, logoutToken(sid, forger));
    assertThat(forged.statusCode()).isEqualTo(400);
    assertThat(forged.body()).isEqualTo("{\"error\":\"invalid_request\"}");

    String token = logoutToken(sid, PROVIDER.signingKey());
    HttpResponse<String> delivered = deliver(b, token);
    assertThat(delivered.statusCode()).isEqualTo(200);
    assertThat(delivered.headers().firstValue("Cache-Control")).hasValue("no-cache, no-store");
    assertThat(deliver(b, token).statusCode()).as("replayed").isEqualTo(400);

    // A reads the logout from Redis at its next poll (at most a second)
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    int status = apiStatus(browser, a);
    while (status == 200 && System.nanoTime() < deadline) {
      Thread.sleep(100);
      status = apiStatus(browser, a);
    }
    assertThat(status).as("API request on A after the logout").isEqualTo(401);
    assertThat(browser.get(at(a, "/profile")).statusCode()).isEqualTo(302);
    assertThat(apiStatus(browser, b)).isEqualTo(401);
    tokenHash(other, a); // the same user's other provider session stays
  }
}
