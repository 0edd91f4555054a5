package io.portcullis.core;

import java.net.URI;
import java.util.Optional;

/**
 * One login in flight, as carried in its encrypted cookie: what the callback must check and use
 * (RFC 9700 §4.7.1, §4.4.2: state, nonce and PKCE verifier bound to this browser; the issuer and
 * redirect URI of the request).
 *
 * @param target the path of this application to return to, starting with a single {@code /}
 * @param scopes the scopes asked for, space separated
 * @param createdAtMillis when the login started
 * @param stepUpKey for a step-up login, the scope set asked for (sorted, space separated), so that
 *     the session after the callback remembers it even when the callback arrived without the
 *     session cookie (a cross-site {@code form_post}); else empty
 */
record PendingLogin(
    String state,
    String nonce,
    String codeVerifier,
    URI redirectUri,
    String issuer,
    String target,
    String scopes,
    long createdAtMillis,
    String stepUpKey) {

  private static final String VERSION = "p2";

  String serialize() {
    return String.join(
        "\n",
        VERSION,
        state,
        nonce,
        codeVerifier,
        redirectUri.toString(),
        issuer,
        target,
        scopes,
        Long.toString(createdAtMillis),
        stepUpKey);
  }

  static Optional<PendingLogin> parse(String text) {
    String[] f = text.split("\n", -1);
    if (f.length != 10 || !VERSION.equals(f[0])) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new PendingLogin(
              f[1], f[2], f[3], URI.create(f[4]), f[5], f[6], f[7], Long.parseLong(f[8]), f[9]));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  @Override
  public String toString() {
    return "PendingLogin[tx=" + Randoms.fingerprint(state) + ", target=" + target + "]";
  }
}
