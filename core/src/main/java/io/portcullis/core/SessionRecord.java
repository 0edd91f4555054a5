package io.portcullis.core;

import io.portcullis.core.internal.nimbus.IdTokenException;
import io.portcullis.core.internal.nimbus.NimbusIdTokenVerifier;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serial;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What the session holds under {@link SessionStore#ATTRIBUTE}: one login, its tokens encrypted and
 * authenticated at rest. In memory it holds the opened {@link LoginSession}; serialized (by the
 * container's session store, Spring Session, a restart) it is one opaque byte string:
 *
 * <pre>
 * format (1 byte, {@value #FORMAT}) | record id (16 random bytes) | iv (12) | AES-256-GCM ciphertext | tag (16)
 * </pre>
 *
 * <p>The associated data of the cipher is the format byte, the record id and the creation time of
 * the session the record was written into ({@link HttpExchange#sessionCreationTime()}): a record
 * copied into another session, or a ciphertext spliced under another header, does not open and
 * reads as "logged out". The plaintext is a compact encoding of the tokens, the expiry, the granted
 * scopes, name, roles, logout token and step-up history, and (from format 2) whether the access
 * token is DPoP-bound, the login time and the last-activity mark of the session lifetimes and the
 * UserInfo answer; the ID token claims are not stored but read again from the ID token (verified at
 * login or refresh) when a record is opened.
 *
 * <p>Compatibility rule (README "Session record"): a version reads every format byte an earlier
 * version wrote (golden files in {@code core/src/test/resources/session-records/}); a new format
 * gets a new format byte. The Java serialization frame (class name, {@code serialVersionUID} 1, one
 * length-prefixed byte string) never changes.
 */
final class SessionRecord implements Serializable {
  @Serial private static final long serialVersionUID = 1L;
  static final int FORMAT = 2;

  /** Format 1 (issue 11): no login time nor last-activity mark; read, never written. */
  static final int FORMAT_1 = 1;

  private static final int ID_BYTES = 16;
  private static final int MAX_BYTES = 1 << 22;

  /** Opened: the login and what seals it again; or the stored bytes not yet opened. */
  private record Opened(LoginSession login, SessionKeys keys, byte[] recordId, long binding) {}

  /** An {@link Opened}, or the stored {@code byte[]} (null only while being deserialized). */
  private transient volatile @Nullable Object state;

  private SessionRecord(Object state) {
    this.state = state;
  }

  /** A new record of {@code login} in the session created at {@code sessionCreationTime}. */
  static SessionRecord of(LoginSession login, SessionKeys keys, long sessionCreationTime) {
    return new SessionRecord(new Opened(login, keys, Randoms.bytes(ID_BYTES), sessionCreationTime));
  }

  /** A record as a session store hands it back: the stored bytes, opened on first use. */
  static SessionRecord ofStored(byte[] stored) {
    return new SessionRecord(stored.clone());
  }

  /** The login when this record is already open in memory, else null. */
  @Nullable LoginSession opened() {
    return state instanceof Opened o ? o.login() : null;
  }

  /**
   * The login, opening the stored bytes with {@code keys} for the session created at {@code
   * binding}; null when they do not open (another key, another session, tampered, unknown format).
   */
  @Nullable LoginSession open(SessionKeys keys, long binding) {
    Object s = state;
    if (s instanceof Opened o) {
      return o.login();
    }
    if (!(s instanceof byte[] stored)
        || stored.length < 1 + ID_BYTES
        || (stored[0] != FORMAT && stored[0] != FORMAT_1)) {
      return null;
    }
    int format = stored[0];
    byte[] recordId = java.util.Arrays.copyOfRange(stored, 1, 1 + ID_BYTES);
    byte[] plain = keys.open(aad(format, recordId, binding), stored, 1 + ID_BYTES);
    if (plain == null) {
      return null;
    }
    LoginSession login;
    try {
      login = decode(ByteBuffer.wrap(plain), format);
    } catch (RuntimeException | IdTokenException e) {
      return null;
    }
    state = new Opened(login, keys, recordId, binding); // the plaintext bytes are dropped
    return login;
  }

  /** The stored form: format, record id and the sealed login. */
  byte[] stored() {
    Object s = state;
    if (s instanceof byte[] stored) {
      return stored.clone();
    }
    Opened o = (Opened) Objects.requireNonNull(s, "state");
    byte[] sealed = o.keys().seal(aad(FORMAT, o.recordId(), o.binding()), encode(o.login()));
    byte[] out = new byte[1 + ID_BYTES + sealed.length];
    out[0] = FORMAT;
    System.arraycopy(o.recordId(), 0, out, 1, ID_BYTES);
    System.arraycopy(sealed, 0, out, 1 + ID_BYTES, sealed.length);
    return out;
  }

  private static byte[] aad(int format, byte[] recordId, long binding) {
    return ByteBuffer.allocate(1 + ID_BYTES + 8)
        .put((byte) format)
        .put(recordId)
        .putLong(binding)
        .array();
  }

  @Serial
  private void writeObject(ObjectOutputStream out) throws IOException {
    out.defaultWriteObject();
    byte[] bytes = stored();
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  @Serial
  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    int length = in.readInt();
    // A length no record can have reads as an empty record (logged out), never as a failed load.
    state = length < 0 || length > MAX_BYTES ? new byte[0] : in.readNBytes(length);
  }

  @Override
  public String toString() {
    LoginSession login = opened();
    return "SessionRecord[" + (login == null ? "sealed" : login.toString()) + "]";
  }

  // Plaintext encoding, format 1: flags (bit 0: refresh token, bit 1: ID token), access token,
  // [refresh token], [ID token] or else subject and issuer, expiry (epoch ms), scopes, name,
  // roles, logout token, step-up scope sets. Strings: varint length, UTF-8.
  // Format 2: flag bit 2: UserInfo claims, bit 3: the access token is DPoP-bound; format 1's
  // fields, then the login time and the last-activity mark (epoch ms, varints; 0 when not known),
  // then [the UserInfo claims as a JSON object]. Other flag bits are refused. A version that reads
  // only format 1 reads a format-2 record as logged out: never a DPoP-bound token sent as a bearer
  // one.

  static byte[] encode(LoginSession login) {
    Identity id = login.identity();
    Out out = new Out();
    out.bytes.write(
        (login.refreshToken() != null ? 1 : 0)
            | (login.idToken() != null ? 2 : 0)
            | (login.idToken() != null && login.userInfo() != null ? 4 : 0)
            | (id.tokens().dpopBound() ? 8 : 0));
    out.string(id.accessToken());
    if (login.refreshToken() != null) {
      out.string(login.refreshToken());
    }
    if (login.idToken() != null) {
      out.string(login.idToken());
    } else {
      out.string(id.subject());
      out.string(id.issuer());
    }
    out.varLong(id.tokens().expiresAt().toEpochMilli());
    out.strings(id.scopes());
    out.string(id.name());
    out.strings(id.roles());
    out.string(login.logoutToken());
    out.strings(login.stepUpAsked());
    out.varLong(login.loginAtMillis());
    out.varLong(login.seenAtMillis());
    if (login.idToken() != null && login.userInfo() != null) {
      out.string(login.userInfo());
    }
    return out.bytes.toByteArray();
  }

  static LoginSession decode(ByteBuffer in, int format) throws IdTokenException {
    int flags = in.get();
    if ((flags & ~(format >= 2 ? 15 : 3)) != 0 || (flags & 6) == 4) {
      throw new IllegalArgumentException("flags");
    }
    String accessToken = string(in);
    String refreshToken = (flags & 1) != 0 ? string(in) : null;
    String idToken = null;
    String subject;
    String issuer;
    String sid = null;
    long issuedAt = 0;
    Map<String, Object> claims;
    if ((flags & 2) != 0) {
      idToken = string(in);
      Map<String, Object> read = NimbusIdTokenVerifier.claimsOf(idToken);
      // a stored ID token was verified at login: it names its subject and issuer
      subject = (String) Objects.requireNonNull(read.get("sub"), "sub");
      issuer = (String) Objects.requireNonNull(read.get("iss"), "iss");
      claims = new IdTokenClaims(idToken);
      sid = LoginSession.sid(read);
      issuedAt = LoginSession.issuedAt(read);
    } else {
      subject = string(in);
      issuer = string(in);
      claims = Map.of();
    }
    Instant expiresAt = Instant.ofEpochMilli(varLong(in));
    Set<String> scopes = strings(in);
    String name = string(in);
    Set<String> roles = strings(in);
    String logoutToken = string(in);
    Set<String> stepUpAsked = strings(in);
    long loginAt = format >= 2 ? varLong(in) : 0;
    long seenAt = format >= 2 ? varLong(in) : 0;
    String userInfo = (flags & 4) != 0 ? string(in) : null;
    if (in.hasRemaining()) {
      throw new IllegalArgumentException("trailing bytes");
    }
    Identity identity =
        new Identity(
            name,
            subject,
            issuer,
            claims,
            roles,
            new TokenSet(accessToken, expiresAt, scopes, (flags & 8) != 0));
    return new LoginSession(
        identity,
        refreshToken,
        idToken,
        logoutToken,
        stepUpAsked,
        sid,
        issuedAt,
        loginAt,
        seenAt,
        userInfo);
  }

  private static final class Out {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream(2048);

    void varLong(long v) {
      while ((v & ~0x7FL) != 0) {
        bytes.write((int) ((v & 0x7F) | 0x80));
        v >>>= 7;
      }
      bytes.write((int) v);
    }

    void string(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      varLong(b.length);
      bytes.writeBytes(b);
    }

    void strings(Collection<String> values) {
      varLong(values.size());
      for (String v : values) {
        string(v);
      }
    }
  }

  private static long varLong(ByteBuffer in) {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      byte b = in.get();
      v |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return v;
      }
    }
    throw new IllegalArgumentException("varint too long");
  }

  private static String string(ByteBuffer in) {
    long length = varLong(in);
    if (length < 0 || length > in.remaining()) {
      throw new IllegalArgumentException("string length");
    }
    byte[] b = new byte[(int) length];
    in.get(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  private static Set<String> strings(ByteBuffer in) {
    long count = varLong(in);
    if (count < 0 || count > in.remaining()) {
      throw new IllegalArgumentException("count");
    }
    List<String> out = new ArrayList<>((int) count);
    for (long i = 0; i < count; i++) {
      out.add(string(in));
    }
    return Set.copyOf(out);
  }
}
