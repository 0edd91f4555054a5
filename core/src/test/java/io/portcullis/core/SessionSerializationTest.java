package io.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * THREATS E-07: what Portcullis stores in the session is JDK types and our own records, survives
 * serialization under a strict deserialization filter, and keeps hostile claim values inert.
 */
class SessionSerializationTest {
  private static final ObjectInputFilter STRICT = ObjectInputFilter.Config.createFilter(
      "java.lang.*;java.util.*;java.time.*;io.portcullis.core.*;!*");

  static LoginSession sample() {
    Map<String, Object> claims = Map.of(
        "sub", "alice", "iss", "https://idp.example", "aud", List.of("app"), "exp", 1_900_000_000L,
        "payload", "{#sb64}rO0ABXNyABFqYXZhLnV0aWwuSGFzaE1hcA==",
        "realm_access", Map.of("roles", List.of("admin", "auditor")), "email_verified", true);
    TokenSet tokens = new TokenSet("access-token-value", "refresh-token-value", "id-token-value",
        Instant.parse("2030-01-01T00:00:00Z"), Set.of("openid", "read:data"));
    Identity identity = new Identity("alice", "alice", "https://idp.example", claims, Set.of("admin"), tokens);
    return new LoginSession(identity, "logout-token", Set.of("openid read:data admin"));
  }

  static byte[] serialize(Object o) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(o);
    }
    return bytes.toByteArray();
  }

  @Test
  void loginSessionWhenSerializedThenRestoredUnderStrictFilter() throws Exception {
    LoginSession session = sample();
    byte[] data = serialize(session);
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(data))) {
      in.setObjectInputFilter(STRICT);
      Object restored = in.readObject();
      assertThat(restored).isEqualTo(session);
      LoginSession s = (LoginSession) restored;
      assertThat(s.identity().claims().get("payload")).isInstanceOf(String.class)
          .isEqualTo("{#sb64}rO0ABXNyABFqYXZhLnV0aWwuSGFzaE1hcA==");
    }
    assertThat(data.length).as("serialized size of the session attribute").isLessThan(4096);
  }

  @Test
  void toStringWhenTokensPresentThenRedacted() {
    String text = sample().toString();
    assertThat(text).doesNotContain("access-token-value", "refresh-token-value", "id-token-value", "logout-token");
  }
}
