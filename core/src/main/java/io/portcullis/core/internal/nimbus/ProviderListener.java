package io.portcullis.core.internal.nimbus;

import java.time.Instant;

/**
 * Told of every call to the provider and of why the JWK Set was fetched: how the engine's metrics
 * see this package's I/O without this package naming them. Called on the calling thread, after the
 * call; an implementation must be quick and must not throw.
 */
public interface ProviderListener {
  /** Hears nothing. */
  ProviderListener NONE =
      new ProviderListener() {
        @Override
        public void called(Endpoint endpoint, long nanos, boolean failed) {}

        @Override
        public void jwksFetched(JwksFetch cause) {}
      };

  /** The provider endpoint a call went to. */
  enum Endpoint {
    /** OpenID Connect Discovery 1.0 §4 or RFC 8414 §3 metadata. */
    DISCOVERY,
    /** The JWK Set (RFC 7517 §5). */
    JWKS,
    /** The token endpoint (RFC 6749 §3.2): code, refresh token and client credentials grants. */
    TOKEN,
    /** The UserInfo endpoint (OIDC Core §5.3). */
    USERINFO
  }

  /** Why the JWK Set was fetched. */
  enum JwksFetch {
    /** Nothing cached: the first use, or the cached set expired. */
    LOAD,
    /** A token from the token endpoint names a key the cached set lacks: a rotation. */
    ROTATION,
    /** A presented bearer token names a key the cached set lacks. */
    UNKNOWN_KEY
  }

  /**
   * One call to {@code endpoint} took {@code nanos}; {@code failed} when no complete answer came (a
   * connection failure, the deadline, a body over the cap) or the answer was HTTP 5xx or 429, or,
   * for discovery and JWKS, any status but 200.
   */
  void called(Endpoint endpoint, long nanos, boolean failed);

  /** The JWK Set is about to be fetched, for {@code cause}. */
  void jwksFetched(JwksFetch cause);

  /**
   * A response from {@code endpoint} carried a valid {@code Date} header (RFC 9110 §6.6.1): the
   * provider's clock when it answered, to the second. Told before {@link #called}.
   */
  default void served(Endpoint endpoint, Instant date) {}
}
