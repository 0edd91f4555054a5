package io.portcullis.testsupport;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/** The spellings in which a token could sit in stored bytes, for tests that look for leaks. */
public final class TokenForms {
  private TokenForms() {}

  /**
   * The token itself, its standard and URL-safe base64, and its first and last 24 characters (a
   * token split or truncated by a store still shows one of them).
   */
  public static List<String> of(String token) {
    byte[] bytes = token.getBytes(StandardCharsets.UTF_8);
    return List.of(
        token,
        Base64.getEncoder().encodeToString(bytes),
        Base64.getUrlEncoder().withoutPadding().encodeToString(bytes),
        token.substring(0, Math.min(24, token.length())),
        token.substring(Math.max(0, token.length() - 24)));
  }
}
