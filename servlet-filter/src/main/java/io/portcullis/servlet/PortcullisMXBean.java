package io.portcullis.servlet;

import java.util.Map;

/**
 * The JMX view of one Portcullis engine (README "Metrics"), registered in the platform MBean server
 * as {@code io.portcullis:type=Portcullis,context="/app"} by the filter and by container-managed
 * security while the application runs. Every attribute counts since the application started; times
 * are in nanoseconds.
 */
public interface PortcullisMXBean {
  /** Browsers sent to the authorization endpoint (logins and step-ups). */
  long getLoginsStarted();

  /** Callbacks that stored a login. */
  long getLoginsCompleted();

  /** Callbacks refused; their reasons are in {@link #getRejections()}. */
  long getLoginsRejected();

  /** Requests whose due access token was refreshed. */
  long getRefreshesOk();

  /** Requests whose due access token could not be refreshed because the login has ended. */
  long getRefreshesRejected();

  /** Requests whose due access token could not be refreshed because the provider is unavailable. */
  long getRefreshesUnavailable();

  /** Refreshing requests that shared a token request another request had started. */
  long getRefreshWaiters();

  /** JWK Set fetches with nothing cached (first use, or after the hourly expiry). */
  long getJwksFetchesLoad();

  /** JWK Set fetches for a key a token from the token endpoint named (a key rotation). */
  long getJwksFetchesRotation();

  /** JWK Set fetches for a key a presented bearer token named. */
  long getJwksFetchesUnknownKey();

  /** Client-credentials tokens received from the token endpoint. */
  long getClientCredentialsFetched();

  /** Client-credentials token requests answered from the cache. */
  long getClientCredentialsCached();

  /** API requests answered {@code 401}. */
  long getApi401();

  /** API requests answered {@code 403}. */
  long getApi403();

  /** Back-channel logout tokens accepted. */
  long getBackChannelLogouts();

  /** Back-channel logout requests refused (their reasons are in {@link #getRejections}). */
  long getBackChannelLogoutsRefused();

  /** Front-channel logouts that ended a browser's login. */
  long getFrontChannelLogouts();

  /** Refusals by reason code (README "Reason codes"), every code listed. */
  Map<String, Long> getRejections();

  /** Discovery requests. */
  long getDiscoveryCalls();

  /** Discovery requests without a complete {@code 200} answer. */
  long getDiscoveryFailures();

  /** The time of all discovery requests together. */
  long getDiscoveryTotalNanos();

  /** The longest discovery request. */
  long getDiscoveryMaxNanos();

  /** JWK Set requests. */
  long getJwksCalls();

  /** JWK Set requests without a complete {@code 200} answer. */
  long getJwksFailures();

  /** The time of all JWK Set requests together. */
  long getJwksTotalNanos();

  /** The longest JWK Set request. */
  long getJwksMaxNanos();

  /** Token endpoint requests (code, refresh and client credentials grants). */
  long getTokenCalls();

  /** Token endpoint requests without a complete answer, or answered HTTP 5xx or 429. */
  long getTokenFailures();

  /** The time of all token endpoint requests together. */
  long getTokenTotalNanos();

  /** The longest token endpoint request. */
  long getTokenMaxNanos();

  /** UserInfo requests ({@code userinfo}). */
  long getUserInfoCalls();

  /** UserInfo requests without a complete answer, or answered other than HTTP 200. */
  long getUserInfoFailures();

  /** The time of all UserInfo requests together. */
  long getUserInfoTotalNanos();

  /** The longest UserInfo request. */
  long getUserInfoMaxNanos();
}
