package io.portcullis.core;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * The keys that encrypt and authenticate the tokens inside the session record (AES-256-GCM, a fresh
 * random 96-bit IV per seal, the record's binding as associated data). Each key is derived with
 * HKDF-SHA256 (RFC 5869) from {@code state-key} when set (every node shares it), else from the
 * client secret (every node of one client has it), else from random bytes drawn at start (one node
 * only: a restart or another node cannot read the records). Records are sealed with the current
 * key; {@code previous-state-key}, when set, is also accepted for reading, so a key can be rotated
 * without logging anyone out. A record no key opens reads as "no login".
 */
final class SessionKeys {
  private static final int IV_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final byte[] SALT =
      "io.portcullis session record".getBytes(StandardCharsets.US_ASCII);
  private final SecretKeySpec current;
  private final List<SecretKeySpec> accepted;

  /**
   * @param secret the input keying material of the current key
   * @param previous the input keying material of a key still accepted for reading, or null
   * @param context what the key is for beyond the secret (the client id): another client's records,
   *     under the same secret, do not open
   */
  SessionKeys(byte[] secret, byte @Nullable [] previous, String context) {
    this.current = derive(secret, context);
    List<SecretKeySpec> keys = new ArrayList<>();
    keys.add(current);
    if (previous != null) {
      keys.add(derive(previous, context));
    }
    this.accepted = List.copyOf(keys);
  }

  /** The keys of {@code config}: see the class comment. */
  static SessionKeys of(PortcullisConfig config) {
    byte[] secret =
        config
            .stateKey()
            .or(() -> config.clientSecret().map(s -> s.getBytes(StandardCharsets.UTF_8)))
            .orElseGet(() -> Randoms.bytes(32));
    return new SessionKeys(secret, config.previousStateKey().orElse(null), config.clientId());
  }

  /** {@code iv || ciphertext || tag} of {@code plaintext}, with {@code aad} authenticated too. */
  byte[] seal(byte[] aad, byte[] plaintext) {
    try {
      byte[] out = new byte[IV_BYTES + plaintext.length + TAG_BITS / 8];
      byte[] iv = Randoms.bytes(IV_BYTES);
      System.arraycopy(iv, 0, out, 0, IV_BYTES);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, current, new GCMParameterSpec(TAG_BITS, iv));
      cipher.updateAAD(aad);
      cipher.doFinal(plaintext, 0, plaintext.length, out, IV_BYTES);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is required by every Java platform", e);
    }
  }

  /**
   * The plaintext of {@code sealed[offset..]}, or null when no accepted key opens it with {@code
   * aad} (another key, another binding, or tampered).
   */
  byte @Nullable [] open(byte[] aad, byte[] sealed, int offset) {
    int length = sealed.length - offset;
    if (length < IV_BYTES + TAG_BITS / 8) {
      return null;
    }
    for (SecretKeySpec key : accepted) {
      try {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(
            Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, offset, IV_BYTES));
        cipher.updateAAD(aad);
        return cipher.doFinal(sealed, offset + IV_BYTES, length - IV_BYTES);
      } catch (GeneralSecurityException e) {
        // not this key: try the next
      }
    }
    return null;
  }

  /** HKDF-SHA256 (RFC 5869) extract-and-expand to one 32-byte AES key. */
  static SecretKeySpec derive(byte[] secret, String context) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(SALT, "HmacSHA256"));
      byte[] prk = mac.doFinal(secret);
      mac.init(new SecretKeySpec(prk, "HmacSHA256"));
      mac.update(("session record v1 " + context).getBytes(StandardCharsets.UTF_8));
      mac.update((byte) 1);
      return new SecretKeySpec(mac.doFinal(), "AES");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
    }
  }
}
