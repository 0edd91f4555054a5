package io.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.portcullis.core.internal.nimbus.NimbusIdTokenVerifier;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The session's own record (issue 11 AC6, AC7, AC10, AC11): JDK types and our own classes only
 * under a strict deserialization filter (THREATS E-07); the tokens encrypted and authenticated at
 * rest; bound to its session; a versioned format read back from the committed golden files; and
 * lean (serialized size and heap measured here, reported in benchmarks/README.md).
 */
class SessionRecordTest {
  /** The rule a container should deserialize sessions with (README "Session contents"). */
  static final ObjectInputFilter STRICT =
      ObjectInputFilter.Config.createFilter(
          "java.lang.*;java.util.*;java.time.*;io.portcullis.core.*;!*");

  static final byte[] KEY = bytes(32, 1);
  static final byte[] OTHER_KEY = bytes(32, 2);
  static final long CREATED = 1_765_000_000_123L;

  static byte[] bytes(int n, int fill) {
    byte[] b = new byte[n];
    java.util.Arrays.fill(b, (byte) fill);
    return b;
  }

  static SessionKeys keys(byte[] key, byte @Nullable [] previous) {
    return new SessionKeys(key, previous, "app");
  }

  /**
   * A JWT-shaped token of exactly {@code length} characters, signed with HS256 (ID token) or not.
   */
  static String idToken(int length) throws Exception {
    for (int pad = 0; ; pad++) {
      JWTClaimsSet claims =
          new JWTClaimsSet.Builder()
              .issuer("https://idp.example/realms/demo")
              .subject("9f0c1b7e-5d1a-4c36-a0d4-3f1e2b6c7d8e")
              .audience("app")
              .expirationTime(new java.util.Date(1_900_000_000_000L))
              .issueTime(new java.util.Date(1_765_000_000_000L))
              .claim("nonce", "n-0S6_WzA2Mj")
              .claim("preferred_username", "alice")
              .claim("email", "alice@example.com")
              .claim("email_verified", true)
              .claim("payload", "{#sb64}rO0ABXNyABFqYXZhLnV0aWwuSGFzaE1hcA==")
              .claim("realm_access", Map.of("roles", List.of("admin", "auditor")))
              .claim("pad", "x".repeat(pad))
              .build();
      SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
      jwt.sign(new MACSigner(bytes(32, 7)));
      String s = jwt.serialize();
      if (s.length() >= length) {
        return s;
      }
    }
  }

  static String opaque(int length, long seed) {
    Random random = new Random(seed);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      out.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return out.toString();
  }

  /** A login with tokens the size of the issue's measurement: 812 + ~816 + 100 characters. */
  static LoginSession sample(String idToken, String accessToken, String refreshToken)
      throws Exception {
    Map<String, Object> claims = NimbusIdTokenVerifier.claimsOf(idToken);
    TokenSet tokens =
        new TokenSet(
            accessToken,
            Instant.parse("2030-01-01T00:00:00.123Z"),
            Set.of("openid", "profile", "offline_access", "read:data"));
    Identity identity =
        new Identity(
            "alice",
            (String) claims.get("sub"),
            (String) claims.get("iss"),
            claims,
            Set.of("admin"),
            tokens);
    return new LoginSession(
        identity, refreshToken, idToken, Randoms.token(24), Set.of("openid read:data admin"));
  }

  static LoginSession sample() throws Exception {
    return sample(idToken(816), opaque(812, 1), opaque(100, 2));
  }

  static byte[] serialize(Object o) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(o);
    }
    return bytes.toByteArray();
  }

  static Object deserialize(byte[] data) throws Exception {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(data))) {
      in.setObjectInputFilter(STRICT);
      return in.readObject();
    }
  }

  /**
   * What a store reader could search for: each token, its base64 forms, and any 24-character piece
   * of it.
   */
  static void assertNoToken(byte[] stored, String... tokens) {
    String asText = new String(stored, StandardCharsets.ISO_8859_1);
    for (String token : tokens) {
      byte[] raw = token.getBytes(StandardCharsets.UTF_8);
      List<String> forms =
          new ArrayList<>(
              List.of(
                  token,
                  Base64.getEncoder().encodeToString(raw),
                  Base64.getUrlEncoder().withoutPadding().encodeToString(raw)));
      for (int i = 0; i + 24 <= token.length(); i += 12) {
        forms.add(token.substring(i, i + 24));
      }
      for (String form : forms) {
        assertThat(asText).as("stored bytes hold (part of) a token").doesNotContain(form);
      }
    }
  }

  @Test
  void recordWhenSerializedThenRestoredUnderStrictFilterAndOpensInItsSession() throws Exception {
    LoginSession login = sample();
    byte[] data = serialize(SessionRecord.of(login, keys(KEY, null), CREATED));

    Object restored = deserialize(data);

    assertThat(restored).isInstanceOf(SessionRecord.class);
    LoginSession opened = ((SessionRecord) restored).open(keys(KEY, null), CREATED);
    assertThat(opened).isEqualTo(login);
    assertThat(opened.identity().claims().get("payload"))
        .isInstanceOf(String.class)
        .isEqualTo("{#sb64}rO0ABXNyABFqYXZhLnV0aWwuSGFzaE1hcA==");
    assertThat(opened.identity().claims()).isEqualTo(login.identity().claims());
  }

  @Test
  void recordWhenTokenDpopBoundThenStillSoAfterSerializationAndBearerOnesStayBearer()
      throws Exception {
    LoginSession bearer = sample();
    TokenSet t = bearer.identity().tokens();
    Identity i = bearer.identity();
    LoginSession bound =
        new LoginSession(
            new Identity(
                i.name(),
                i.subject(),
                i.issuer(),
                i.claims(),
                i.roles(),
                new TokenSet(t.accessToken(), t.expiresAt(), t.scopes(), true)),
            bearer.refreshToken(),
            bearer.idToken(),
            bearer.logoutToken(),
            bearer.stepUpAsked());
    for (LoginSession login : List.of(bearer, bound)) {
      SessionRecord record = SessionRecord.of(login, keys(KEY, null), CREATED);
      assertThat(record.stored()[0])
          .as("format 2, which versions before DPoP cannot read: never sent as a bearer token")
          .isEqualTo((byte) 2);
      byte[] data = serialize(record);
      LoginSession opened = ((SessionRecord) deserialize(data)).open(keys(KEY, null), CREATED);
      assertThat(opened).isEqualTo(login);
      assertThat(opened.identity().tokens().dpopBound())
          .isEqualTo(login.identity().tokens().dpopBound());
    }
  }

  @Test
  void recordWhenStoredThenNoTokenNorLogoutTokenInTheBytes() throws Exception {
    for (int i = 0; i < 50; i++) {
      LoginSession login = sample(idToken(300 + i), opaque(812, 10 + i), opaque(100, 100 + i));
      byte[] data = serialize(SessionRecord.of(login, keys(KEY, null), CREATED + i));
      assertNoToken(
          data,
          login.identity().accessToken(),
          login.refreshToken(),
          login.idToken(),
          login.logoutToken());
      assertThat(new String(data, StandardCharsets.ISO_8859_1))
          .doesNotContain("alice", "read:data", "admin");
    }
  }

  @Test
  void recordWhenCopiedIntoAnotherSessionThenDoesNotOpen() throws Exception {
    byte[] data = serialize(SessionRecord.of(sample(), keys(KEY, null), CREATED));
    for (long other :
        new long[] {CREATED + 1, CREATED - 1, 0, Long.MAX_VALUE, CREATED ^ (1L << 40)}) {
      assertThat(((SessionRecord) deserialize(data)).open(keys(KEY, null), other))
          .as("session created at " + other)
          .isNull();
    }
  }

  @Test
  void recordWhenOtherKeyThenDoesNotOpenAndWhenPreviousKeyThenOpensAndIsResealedWithTheCurrent()
      throws Exception {
    LoginSession login = sample();
    byte[] underOld = serialize(SessionRecord.of(login, keys(OTHER_KEY, null), CREATED));

    assertThat(((SessionRecord) deserialize(underOld)).open(keys(KEY, null), CREATED)).isNull();

    SessionRecord rotated = (SessionRecord) deserialize(underOld);
    assertThat(rotated.open(keys(KEY, OTHER_KEY), CREATED)).isEqualTo(login);
    byte[] underNew = serialize(rotated);
    assertThat(((SessionRecord) deserialize(underNew)).open(keys(KEY, null), CREATED))
        .isEqualTo(login);
  }

  @Test
  void keysWhenSameSecretButOtherClientThenRecordDoesNotOpen() throws Exception {
    byte[] data = serialize(SessionRecord.of(sample(), keys(KEY, null), CREATED));
    assertThat(
            ((SessionRecord) deserialize(data))
                .open(new SessionKeys(KEY, null, "other-app"), CREATED))
        .isNull();
  }

  @Test
  void recordWhenAnyByteChangedOrTruncatedOrRandomThenReadsAsNoLoginAndNeverThrows()
      throws Exception {
    byte[] stored = SessionRecord.of(sample(), keys(KEY, null), CREATED).stored();
    Random random = new Random(11);
    for (int i = 0; i < 3000; i++) {
      byte[] changed = stored.clone();
      switch (i % 3) {
        case 0 -> changed[random.nextInt(changed.length)] ^= (byte) (1 + random.nextInt(255));
        case 1 -> changed = java.util.Arrays.copyOf(changed, random.nextInt(changed.length));
        default -> random.nextBytes(changed);
      }
      assertThat(SessionRecord.ofStored(changed).open(keys(KEY, null), CREATED))
          .as("case %d", i)
          .isNull();
    }
    assertThat(SessionRecord.ofStored(stored).open(keys(KEY, null), CREATED)).isNotNull();
  }

  /**
   * AC6: nothing the application can call on its {@code Identity} yields the refresh or ID token.
   */
  @Test
  void identityWhenEveryPublicAccessorCalledThenNeitherRefreshNorIdTokenReachable()
      throws Exception {
    LoginSession login = sample();
    List<Object> seen = new ArrayList<>();
    collect(login.identity(), seen, 0);
    assertThat(seen).isNotEmpty().contains(login.identity().accessToken());
    for (Object value : seen) {
      assertThat(String.valueOf(value)).doesNotContain(login.refreshToken(), login.idToken());
    }
  }

  private static void collect(@Nullable Object value, List<Object> seen, int depth)
      throws Exception {
    if (value == null || depth > 3) {
      return;
    }
    seen.add(value);
    if (value instanceof Iterable<?> i) {
      for (Object o : i) {
        collect(o, seen, depth + 1);
      }
    }
    if (value instanceof Map<?, ?> m) {
      for (Object o : m.values()) {
        collect(o, seen, depth + 1);
      }
    }
    if (!value.getClass().getName().startsWith("io.portcullis")) {
      return;
    }
    for (java.lang.reflect.Method method : value.getClass().getMethods()) {
      if (method.getParameterCount() == 0
          && method.getDeclaringClass().getName().startsWith("io.portcullis")
          && java.lang.reflect.Modifier.isPublic(method.getDeclaringClass().getModifiers())) {
        collect(method.invoke(value), seen, depth + 1);
      }
    }
  }

  @Test
  void loginSessionWhenWrittenAsItIsThenRefused() throws Exception {
    LoginSession login = sample();
    assertThatThrownBy(() -> serialize(login)).isInstanceOf(NotSerializableException.class);
  }

  @Test
  void toStringWhenTokensPresentThenRedacted() throws Exception {
    LoginSession login = sample();
    for (Object o : new Object[] {login, SessionRecord.of(login, keys(KEY, null), CREATED)}) {
      assertThat(o.toString())
          .doesNotContain(
              login.identity().accessToken(),
              login.refreshToken(),
              login.idToken(),
              login.logoutToken());
    }
  }

  @Test
  void sessionStoreWhenRecordCopiedIntoAnotherSessionOrUnreadableThenLoggedOutAndAttributeRemoved()
      throws Exception {
    SessionStore store = new SessionStore(keys(KEY, null));
    Map<String, Object> first = new HashMap<>();
    store.put(exchange(first, CREATED), sample());
    byte[] data = serialize(first.get(SessionStore.ATTRIBUTE));
    assertThat(store.get(exchange(Map.of(SessionStore.ATTRIBUTE, deserialize(data)), CREATED)))
        .isNotNull();

    Map<String, Object> other = new HashMap<>(Map.of(SessionStore.ATTRIBUTE, deserialize(data)));
    assertThat(store.get(exchange(other, CREATED + 5))).isNull();
    assertThat(other).doesNotContainKey(SessionStore.ATTRIBUTE);

    Map<String, Object> legacy =
        new HashMap<>(Map.of(SessionStore.ATTRIBUTE, deserialize(golden("pre-format-1.ser"))));
    assertThat(store.get(exchange(legacy, CREATED))).isNull();
    assertThat(legacy).doesNotContainKey(SessionStore.ATTRIBUTE);
  }

  // ---- AC7: the stored form is a versioned contract ----

  /**
   * The login the golden file {@code format-1.ser} holds (written by {@link #writeGoldenFiles}).
   */
  static LoginSession golden() throws Exception {
    return golden(false);
  }

  /** The golden login, its access token DPoP-bound or not. */
  static LoginSession golden(boolean dpopBound) throws Exception {
    Map<String, Object> claims = NimbusIdTokenVerifier.claimsOf(GOLDEN_ID_TOKEN);
    TokenSet tokens =
        new TokenSet(
            "golden-access-token",
            Instant.parse("2030-01-01T00:00:00.123Z"),
            Set.of("openid", "read:data"),
            dpopBound);
    Identity identity =
        new Identity("alice", "alice", "https://idp.example", claims, Set.of("admin"), tokens);
    return new LoginSession(
        identity,
        "golden-refresh-token",
        GOLDEN_ID_TOKEN,
        "golden-logout-token",
        Set.of("openid read:data admin"));
  }

  /**
   * HS256, {"iss":"https://idp.example","sub":"alice","aud":"app","exp":1900000000,"name":"Alice"}.
   */
  static final String GOLDEN_ID_TOKEN =
      "eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJodHRwczovL2lkcC5leGFtcGxlIiwic3ViIjoiYWxpY2UiLCJh"
          + "dWQiOiJhcHAiLCJleHAiOjE5MDAwMDAwMDAsIm5hbWUiOiJBbGljZSJ9.Ol7rfNWn7Vo4EuXbCKqWq1iDuSTJi7nn8HnSe7kTDfs";

  static byte[] golden(String name) throws Exception {
    try (InputStream in = SessionRecordTest.class.getResourceAsStream("/session-records/" + name)) {
      assertThat(in).as("golden file " + name).isNotNull();
      return in.readAllBytes();
    }
  }

  /**
   * The login the golden file {@code format-2.ser} holds: {@link #golden()} logged in at {@link
   * #LOGIN_AT} and last seen 100 s later.
   */
  static LoginSession golden2() throws Exception {
    return golden(true).withTimes(LOGIN_AT, LOGIN_AT + 100_000);
  }

  static final long LOGIN_AT = 1_765_000_000_000L;

  @Test
  void goldenFilesOfEveryFormatWhenReadThenOpenToTheirLogin() throws Exception {
    // format 1 (issue 11): the key KEY, the session created at CREATED, client id "app"
    Object restored = deserialize(golden("format-1.ser"));
    assertThat(restored).isInstanceOf(SessionRecord.class);
    LoginSession format1 = ((SessionRecord) restored).open(keys(KEY, null), CREATED);
    assertThat(format1).isEqualTo(golden());
    assertThat(format1.loginAtMillis()).as("format 1 has no login time").isZero();
    assertThat(format1.seenAtMillis()).isZero();
    // format 2 (issues 13 and 14): format 1's login plus the login time and the last-activity
    // mark, its access token DPoP-bound
    Object restored2 = deserialize(golden("format-2.ser"));
    assertThat(restored2).isInstanceOf(SessionRecord.class);
    LoginSession format2 = ((SessionRecord) restored2).open(keys(KEY, null), CREATED);
    assertThat(format2).isEqualTo(golden2());
    assertThat(format2.identity().tokens().dpopBound()).isTrue();
    assertThat(((SessionRecord) deserialize(golden("format-2.ser"))).stored()[0])
        .isEqualTo((byte) 2);
    assertThat(((SessionRecord) deserialize(golden("format-1.ser"))).stored()[0])
        .isEqualTo((byte) 1);
    // before format 1 the login was stored in plain text: it deserializes under the strict
    // filter (no failed session load) and reads as logged out (see sessionStoreWhen...)
    assertThat(deserialize(golden("pre-format-1.ser"))).isInstanceOf(LoginSession.class);
  }

  /**
   * Writes the golden file of the current format: run once per new format with {@code
   * -Dportcullis.write-golden=core/src/test/resources/session-records}, commit the file, and add
   * its check above; never rewrite an existing one.
   */
  @Test
  void writeGoldenFiles() throws Exception {
    String dir = System.getProperty("portcullis.write-golden");
    if (dir != null) {
      Files.write(
          Path.of(dir, "format-" + SessionRecord.FORMAT + ".ser"),
          serialize(SessionRecord.of(golden2(), keys(KEY, null), CREATED)));
    }
  }

  /**
   * Issue 14 AC2: a login stored before the session lifetimes (format 1) opens, and its lifetimes
   * count from the first read: stamped then, it ends a lifetime later, never at once.
   */
  @Test
  void goldenFormat1WhenReadWithLifetimesThenCountedFromTheFirstReadAndWrittenAsFormat2()
      throws Exception {
    SessionLifetimes lifetimes =
        new SessionLifetimes(
            PortcullisConfig.of(
                Map.of(
                    "issuer", "https://idp.example",
                    "client-id", "app",
                    "session-idle-timeout", "600",
                    "session-max-lifetime", "3600")));
    LoginSession old =
        ((SessionRecord) deserialize(golden("format-1.ser"))).open(keys(KEY, null), CREATED);
    long firstRead = 2_000_000_000_000L; // years after the record was written
    assertThat(lifetimes.ended(old, firstRead)).isNull();

    LoginSession stamped = lifetimes.touched(old, firstRead);

    assertThat(stamped.loginAtMillis()).isEqualTo(firstRead);
    assertThat(stamped.seenAtMillis()).isEqualTo(firstRead);
    assertThat(lifetimes.ended(stamped, firstRead + 599_999)).isNull();
    assertThat(lifetimes.ended(stamped, firstRead + 600_000)).isEqualTo(Reason.SESSION_IDLE);
    byte[] rewritten = SessionRecord.of(stamped, keys(KEY, null), CREATED).stored();
    assertThat(rewritten[0]).isEqualTo((byte) SessionRecord.FORMAT);
    assertThat(SessionRecord.ofStored(rewritten).open(keys(KEY, null), CREATED)).isEqualTo(stamped);
  }

  // ---- AC10: a lean record ----

  @Test
  void recordWhenTokensOfTheIssueSizesThenSerializedWithin115PercentOfTheTokensAndHeapIsReported()
      throws Exception {
    String idToken = idToken(816);
    LoginSession login = sample(idToken, opaque(812, 1), opaque(100, 2));
    int tokenChars = 812 + idToken.length() + 100;
    byte[] data = serialize(SessionRecord.of(login, keys(KEY, null), CREATED));
    System.out.printf(
        "portcullis: session record serialized: %d bytes for %d token characters (%.3f x)%n",
        data.length, tokenChars, data.length / (double) tokenChars);
    assertThat(data.length).isLessThanOrEqualTo((int) (1.15 * tokenChars));

    // Heap: N records as a session store hands them back, opened, held; used heap after GCs.
    int n = 4000;
    SessionKeys keys = keys(KEY, null);
    List<SessionRecord> held = new ArrayList<>(n);
    long before = usedAfterGc();
    for (int i = 0; i < n; i++) {
      SessionRecord r = (SessionRecord) deserialize(data);
      assertThat(r.open(keys, CREATED)).isNotNull();
      held.add(r);
    }
    long after = usedAfterGc();
    long perRecord = (after - before) / n;
    System.out.printf(
        "portcullis: session record heap, opened: %d bytes each (%d records)%n",
        perRecord, held.size());
    assertThat(perRecord).as("heap per opened record").isLessThan(3584);
  }

  static long usedAfterGc() throws InterruptedException {
    var memory = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(50);
    }
    return memory.getHeapMemoryUsage().getUsed();
  }

  /** An exchange that has a session (created at {@code created}) with {@code attributes}. */
  static HttpExchange exchange(Map<String, Object> attributes, long created) {
    Map<String, Object> session =
        attributes instanceof HashMap ? attributes : new HashMap<>(attributes);
    return (HttpExchange)
        Proxy.newProxyInstance(
            HttpExchange.class.getClassLoader(),
            new Class<?>[] {HttpExchange.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "sessionAttribute" -> {
                    if (args.length == 1) {
                      yield session.get((String) args[0]);
                    }
                    if (args[1] == null) {
                      session.remove((String) args[0]);
                    } else {
                      session.put((String) args[0], (Serializable) args[1]);
                    }
                    yield null;
                  }
                  case "sessionId" -> "session-1";
                  case "sessionCreationTime" -> created;
                  case "reloadSessionAttribute" -> session.get((String) args[0]);
                  case "canReloadSession" -> false;
                  default -> throw new UnsupportedOperationException(method.getName());
                });
  }
}
