package io.portcullis.core;

import io.portcullis.core.internal.nimbus.DpopProver;
import java.net.URI;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The headers that carry an access token on one downstream request: {@code Authorization} ({@code
 * DPoP <token>} for a DPoP-bound token, RFC 9449 §7.1, else {@code Bearer <token>}, RFC 6750 §2.1)
 * and, for a DPoP-bound token, the {@code DPoP} proof made for exactly that request's method and
 * URL. A proof is single-use: make new headers for every request, including a retry. {@link
 * #toString()} shows neither token nor proof; the private key never leaves Portcullis.
 */
public final class DownstreamHeaders {
  private final String authorization;
  private final @Nullable String dpop;

  private DownstreamHeaders(String authorization, @Nullable String dpop) {
    this.authorization = authorization;
    this.dpop = dpop;
  }

  /**
   * The headers for {@code accessToken}: {@code Bearer} unless {@code dpopBound}, then {@code DPoP}
   * with {@code prover}'s proof for {@code method} and {@code uri}.
   */
  static DownstreamHeaders of(
      String accessToken,
      boolean dpopBound,
      @Nullable DpopProver prover,
      String method,
      URI uri,
      @Nullable String nonce,
      Instant now) {
    Objects.requireNonNull(accessToken, "accessToken");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(uri, "uri");
    if (!dpopBound) {
      // Checked all the same: a call that works with a Bearer token works with a DPoP one.
      DpopProver.check(method, uri);
      return new DownstreamHeaders("Bearer " + accessToken, null);
    }
    if (prover == null) {
      throw new IllegalStateException(
          "the access token is DPoP-bound but dpop is off: the key it is bound to is gone");
    }
    return new DownstreamHeaders(
        "DPoP " + accessToken, prover.proof(method, uri, now, accessToken, nonce));
  }

  /** The {@code Authorization} header value: {@code DPoP <token>} or {@code Bearer <token>}. */
  public String authorization() {
    return authorization;
  }

  /** The {@code DPoP} header value (a proof JWT), present exactly for a DPoP-bound token. */
  public Optional<String> dpop() {
    return Optional.ofNullable(dpop);
  }

  /**
   * The headers by name, to add to a request as they are: {@code Authorization}, and {@code DPoP}
   * when there is a proof.
   */
  public Map<String, String> asMap() {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("Authorization", authorization);
    if (dpop != null) {
      out.put("DPoP", dpop);
    }
    return Collections.unmodifiableMap(out);
  }

  /** Names the scheme only. */
  @Override
  public String toString() {
    return "DownstreamHeaders[Authorization="
        + authorization.substring(0, authorization.indexOf(' '))
        + " ****"
        + (dpop == null ? "" : ", DPoP=****")
        + "]";
  }
}
