package io.portcullis.core;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Encrypts and authenticates pre-login state cookies with AES-256-GCM (THREATS E-09): a fresh
 * random 96-bit IV per cookie, the cookie name as associated data (a value cannot be moved to
 * another cookie), and any tampering read as "no cookie".
 */
final class StateCookieCodec {
  private static final int IV_BYTES = 12;
  private static final int TAG_BITS = 128;
  private final SecretKeySpec key;
  private final @Nullable SecretKeySpec previous;

  StateCookieCodec(byte[] key) {
    this(key, null);
  }

  /** {@code previous}: a former key, still accepted for opening ({@code previous-state-key}). */
  StateCookieCodec(byte[] key, byte @Nullable [] previous) {
    if (key.length != 32 || (previous != null && previous.length != 32)) {
      throw new IllegalArgumentException("state key must be 32 bytes");
    }
    this.key = new SecretKeySpec(key.clone(), "AES");
    this.previous = previous == null ? null : new SecretKeySpec(previous.clone(), "AES");
  }

  String seal(String cookieName, String plaintext) {
    try {
      byte[] iv = Randoms.bytes(IV_BYTES);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
      cipher.updateAAD(cookieName.getBytes(StandardCharsets.US_ASCII));
      byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      byte[] out = new byte[IV_BYTES + sealed.length];
      System.arraycopy(iv, 0, out, 0, IV_BYTES);
      System.arraycopy(sealed, 0, out, IV_BYTES, sealed.length);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is required by every Java platform", e);
    }
  }

  Optional<String> open(String cookieName, String value) {
    Optional<String> opened = open(key, cookieName, value);
    return opened.isPresent() || previous == null ? opened : open(previous, cookieName, value);
  }

  private static Optional<String> open(SecretKeySpec key, String cookieName, String value) {
    try {
      byte[] in = Base64.getUrlDecoder().decode(value);
      if (in.length <= IV_BYTES + TAG_BITS / 8) {
        return Optional.empty();
      }
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, IV_BYTES));
      cipher.updateAAD(cookieName.getBytes(StandardCharsets.US_ASCII));
      byte[] plain = cipher.doFinal(in, IV_BYTES, in.length - IV_BYTES);
      return Optional.of(new String(plain, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      return Optional.empty();
    }
  }
}
