package io.portcullis.core.internal.nimbus;

import java.util.Objects;

/**
 * A token failed validation (OIDC Core §3.1.3.7 for ID tokens, RFC 9068 for bearer access tokens).
 * {@link #check()} says which check failed; the caller turns it into its reason ({@code
 * id_token.aud}, {@code bearer.iss}). The message, for logs, never holds the token.
 */
public final class IdTokenException extends Exception {
  private static final long serialVersionUID = 1L;

  /** The check that failed. */
  public enum Check {
    /** The token cannot be read, or is not a JWT. */
    MALFORMED,
    /** The token is unsigned ({@code alg=none}). */
    ALG_NONE,
    /** The token is encrypted. */
    UNSUPPORTED,
    /** The algorithm is not accepted (not advertised, HMAC without secret, not RSA or EC). */
    ALG,
    /** The signature is invalid or cannot be verified. */
    SIGNATURE,
    /** No key of the provider's JWK Set matches. */
    UNKNOWN_KEY,
    /** The provider's JWK Set cannot be fetched: an outage, not a bad token. */
    KEYS_UNAVAILABLE,
    /** {@code iss} is not the issuer. */
    ISS,
    /** {@code aud} is not this client alone. */
    AUD,
    /** {@code azp} is not this client. */
    AZP,
    /** Expired, or no {@code exp}. */
    EXPIRED,
    /** {@code iat} (or {@code nbf}) is in the future, or an ID token's {@code iat} is missing. */
    NOT_YET_VALID,
    /** {@code sub} is missing, too long, or differs from the original. */
    SUB,
    /** {@code nonce} does not match. */
    NONCE,
    /** A refreshed ID token's {@code auth_time} differs from the original. */
    AUTH_TIME,
    /** A logout token's header {@code typ} is not {@code logout+jwt}. */
    TYPE,
    /** A logout token's {@code events} lacks the back-channel logout event object. */
    EVENTS,
    /** A logout token has no {@code jti}. */
    JTI,
    /** A multi-tenant issuer's token has no {@code tid}, or one not among the allowed tenants. */
    TENANT
  }

  private final Check check;

  /** Creates an exception for a failed check, with a sentence for logs. */
  public IdTokenException(Check check, String message) {
    super(message);
    this.check = Objects.requireNonNull(check, "check");
  }

  /** The check that failed. */
  public Check check() {
    return check;
  }
}
