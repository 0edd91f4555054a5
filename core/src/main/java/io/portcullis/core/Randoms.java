package io.portcullis.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Random values and hashes: {@code state}, {@code nonce}, keys, log-safe fingerprints. */
final class Randoms {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

  private Randoms() {}

  /** {@code bytes} random bytes from a CSPRNG, base64url without padding. */
  static String token(int bytes) {
    return B64URL.encodeToString(bytes(bytes));
  }

  static byte[] bytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  static byte[] sha256(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  /** A fingerprint fit for logs: the first 8 hex characters of SHA-256 (THREATS "CB-REJECT"). */
  static String fingerprint(String value) {
    return HexFormat.of().formatHex(sha256(value), 0, 4);
  }

  /**
   * Base64url of SHA-256, the first {@code chars} characters: a lookup key derived from a secret.
   */
  static String hashKey(String value, int chars) {
    return B64URL.encodeToString(sha256(value)).substring(0, chars);
  }

  /** Constant-time comparison of two strings. */
  static boolean constantTimeEquals(String a, String b) {
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
