package io.portcullis.core;

import io.portcullis.core.internal.nimbus.IdTokenException;
import java.lang.System.Logger.Level;
import java.util.Objects;

/**
 * Why a request, a login, a refresh or a bearer token was refused: the one list of rejections. Each
 * carries its stable {@link #code() code} — the JSON {@code reason} and the {@code reason=} of the
 * log lines, which are API and never change —, the HTTP status it is answered with, the level its
 * log line is written at, the JSON {@code error} family and a sentence for people. The README lists
 * every code ("Reason codes"); a test keeps the two in step.
 *
 * <p>A few reasons are families whose code ends with a value the provider sent ({@code
 * provider.{error}}, {@code token.{error}}, {@code refresh.{error}}): {@link #code(String)} makes
 * the code of one member, keeping only {@code [A-Za-z0-9_]} of the value (at most 40 characters).
 */
public enum Reason {
  // ---- request paths (SPEC.md "Security baseline") ----
  /** The raw path does not normalise; answered for every path refusal. */
  PATH_INVALID(
      "path.invalid", 400, Level.INFO, Family.BAD_REQUEST, "The request path cannot be accepted."),
  /** The context part of the raw path is not the canonical context path (logged only). */
  PATH_CONTEXT(
      "path.context", 400, Level.INFO, Family.BAD_REQUEST, "The request path cannot be accepted."),
  /** The raw path and the path the container dispatches to differ (logged only). */
  PATH_AMBIGUOUS(
      "path.ambiguous",
      400,
      Level.INFO,
      Family.BAD_REQUEST,
      "The request path cannot be accepted."),

  // ---- login start ----
  /** The request names an invalid host. */
  HOST_INVALID("host.invalid", 400, Level.INFO, Family.LOGIN, "The request names an invalid host."),
  /** An API request asked the callback path to start a login. */
  LOGIN_API(
      "login.api", 400, Level.INFO, Family.LOGIN, "A login starts with a browser navigation."),
  /** The health path ({@code health-path}) answers {@code GET} and {@code HEAD} only. */
  HEALTH_METHOD(
      "health.method",
      405,
      Level.INFO,
      Family.BAD_REQUEST,
      "The health path answers GET and HEAD only."),

  /**
   * {@code preserve-post}: a browser's form {@code POST} that needs a login is not {@code
   * application/x-www-form-urlencoded} (or names an unknown charset), so it cannot be kept: {@code
   * 415}, no login started.
   */
  POST_TYPE(
      "post.type",
      415,
      Level.INFO,
      Family.BAD_REQUEST,
      "You need to sign in first, and this form cannot be kept across the sign-in: sign in, then"
          + " fill it in again."),
  /** {@code preserve-post}: the form body is larger than {@code preserve-post-max-bytes}. */
  POST_TOO_LARGE(
      "post.too_large",
      413,
      Level.INFO,
      Family.BAD_REQUEST,
      "You need to sign in first, and this form is too large to be kept across the sign-in: sign"
          + " in, then fill it in again."),
  /** {@code preserve-post}: the form body cannot be read or decoded. */
  POST_UNREADABLE(
      "post.unreadable",
      400,
      Level.INFO,
      Family.BAD_REQUEST,
      "You need to sign in first, and this form could not be read to be kept across the sign-in:"
          + " sign in, then fill it in again."),

  // ---- the callback (redirection endpoint) ----
  /** A response parameter is longer than its limit. */
  PARAM_TOO_LONG(
      "param.too_long",
      400,
      Level.WARNING,
      Family.LOGIN,
      "The sign-in response has a parameter that is too long."),
  /**
   * A method other than the provider's redirect ({@code GET}, or {@code POST} for form_post) or the
   * logout form's.
   */
  METHOD(
      "method",
      405,
      Level.WARNING,
      Family.LOGIN,
      "This address does not accept this request method."),
  /** A response parameter is repeated (RFC 6749 §3.1). */
  DUPLICATE_PARAM(
      "duplicate_param",
      400,
      Level.WARNING,
      Family.LOGIN,
      "The sign-in response repeats a parameter (RFC 6749 §3.1)."),
  /** No {@code state}. */
  STATE_MISSING(
      "state.missing", 400, Level.WARNING, Family.LOGIN, "The sign-in response has no state."),
  /** The {@code state} was already used on this node. */
  STATE_USED(
      "state.used", 400, Level.WARNING, Family.LOGIN, "This sign-in response was already used."),
  /** No readable pending login of this browser for the {@code state}. */
  STATE_UNKNOWN(
      "state.unknown",
      400,
      Level.WARNING,
      Family.LOGIN,
      "No sign-in was started in this browser for this response, or it was lost."),
  /** The pending login's state differs from the response's. */
  STATE_MISMATCH(
      "state.mismatch", 400, Level.WARNING, Family.LOGIN, "The sign-in state does not match."),
  /** The login took longer than its lifetime. */
  STATE_EXPIRED(
      "state.expired",
      400,
      Level.WARNING,
      Family.LOGIN,
      "The sign-in took too long; please start again."),
  /** The provider's metadata is not loaded, or names another issuer than the pending login. */
  PROVIDER_UNAVAILABLE(
      "provider.unavailable",
      502,
      Level.WARNING,
      Family.LOGIN,
      "The identity provider cannot be reached."),
  /** The response's {@code iss} is another issuer (RFC 9207). */
  ISS_MISMATCH(
      "iss.mismatch",
      400,
      Level.WARNING,
      Family.LOGIN,
      "The sign-in response comes from another issuer."),
  /** The response lacks the {@code iss} the provider advertises (RFC 9207). */
  ISS_MISSING(
      "iss.missing", 400, Level.WARNING, Family.LOGIN, "The sign-in response lacks its issuer."),
  /** The response has both {@code error} and {@code code}. */
  AMBIGUOUS_RESPONSE(
      "ambiguous_response", 400, Level.WARNING, Family.LOGIN, "The sign-in response is ambiguous."),
  /** The user cancelled or the provider refused access ({@code error=access_denied}). */
  PROVIDER_ACCESS_DENIED(
      "provider.access_denied",
      403,
      Level.WARNING,
      Family.LOGIN,
      "Sign-in was cancelled or refused."),
  /** The provider failed ({@code error=server_error}). */
  PROVIDER_SERVER_ERROR(
      "provider.server_error",
      502,
      Level.WARNING,
      Family.LOGIN,
      "The identity provider refused the sign-in."),
  /** The provider is unavailable ({@code error=temporarily_unavailable}). */
  PROVIDER_TEMPORARILY_UNAVAILABLE(
      "provider.temporarily_unavailable",
      502,
      Level.WARNING,
      Family.LOGIN,
      "The identity provider refused the sign-in."),
  /** Any other {@code error} of the authorization response. */
  PROVIDER_ERROR(
      "provider.", 401, Level.WARNING, Family.LOGIN, "The identity provider refused the sign-in."),
  /** No {@code code}. */
  CODE_MISSING(
      "code.missing", 400, Level.WARNING, Family.LOGIN, "The sign-in response has no code."),
  /** The token endpoint cannot be reached. */
  TOKEN_UNAVAILABLE(
      "token.unavailable",
      502,
      Level.WARNING,
      Family.LOGIN,
      "The identity provider cannot be reached."),
  /** The token endpoint refused the code, with its {@code error}. */
  TOKEN_ERROR(
      "token.", 400, Level.WARNING, Family.LOGIN, "The identity provider refused the code."),
  /** The token response holds no ID token. */
  ID_TOKEN_MISSING(
      "id_token.missing",
      400,
      Level.WARNING,
      Family.LOGIN,
      "The identity provider returned no ID token."),

  // ---- ID token validation (OIDC Core §3.1.3.7, §12.2) at login and refresh ----
  /** The ID token cannot be read. */
  ID_TOKEN_MALFORMED("id_token.malformed", Family.LOGIN),
  /** The ID token is unsigned. */
  ID_TOKEN_ALG_NONE("id_token.alg_none", Family.LOGIN),
  /** The ID token is encrypted. */
  ID_TOKEN_UNSUPPORTED("id_token.unsupported", Family.LOGIN),
  /**
   * The ID token's algorithm is not one the provider advertises, or needs a secret there is not.
   */
  ID_TOKEN_ALG("id_token.alg", Family.LOGIN),
  /** The ID token's signature is invalid. */
  ID_TOKEN_SIGNATURE("id_token.signature", Family.LOGIN),
  /** The ID token is signed with a key not in the provider's JWK Set. */
  ID_TOKEN_UNKNOWN_KEY("id_token.unknown_key", Family.LOGIN),
  /** The provider's JWK Set cannot be fetched: an outage, answered {@code 502}. */
  ID_TOKEN_KEYS_UNAVAILABLE(
      "id_token.keys_unavailable",
      502,
      Level.WARNING,
      Family.LOGIN,
      "The identity provider cannot be reached."),
  /** {@code iss} is not the issuer (or, refreshed, differs from the original). */
  ID_TOKEN_ISS("id_token.iss", Family.LOGIN),
  /** A multi-tenant issuer's ID token is of a tenant not in {@code tenants}. */
  ID_TOKEN_TENANT("id_token.tenant", Family.LOGIN),
  /** {@code aud} lacks this client or holds others (or, refreshed, differs from the original). */
  ID_TOKEN_AUD("id_token.aud", Family.LOGIN),
  /** {@code azp} is not this client. */
  ID_TOKEN_AZP("id_token.azp", Family.LOGIN),
  /** The ID token has expired or has no {@code exp}. */
  ID_TOKEN_EXPIRED("id_token.expired", Family.LOGIN),
  /** {@code iat} is missing or in the future. */
  ID_TOKEN_IAT("id_token.iat", Family.LOGIN),
  /** {@code sub} is missing or too long (or, refreshed, differs from the original). */
  ID_TOKEN_SUB("id_token.sub", Family.LOGIN),
  /** {@code nonce} differs from the authorization request's (or, refreshed, from the original). */
  ID_TOKEN_NONCE("id_token.nonce", Family.LOGIN),
  /** A refreshed ID token's {@code auth_time} differs from the original. */
  ID_TOKEN_AUTH_TIME("id_token.auth_time", Family.LOGIN),

  // ---- refresh (the login ends; logged only) ----
  /** The token endpoint refused the refresh token, with its {@code error}. */
  REFRESH_ERROR("refresh.", 401, Level.INFO, Family.LOGIN, "The login has ended."),
  /** Another node's refresh ended the login. */
  SESSION_ENDED("session.ended", 401, Level.INFO, Family.LOGIN, "The login has ended."),

  // ---- UserInfo (userinfo; OIDC Core §5.3) ----
  /** The UserInfo endpoint cannot be reached, or is needed and the provider has none. */
  USERINFO_UNAVAILABLE(
      "userinfo.unavailable",
      502,
      Level.WARNING,
      Family.LOGIN,
      "The identity provider cannot be reached."),
  /** The UserInfo answer is not a JSON object with a {@code sub} (a JWT answer included). */
  USERINFO_INVALID(
      "userinfo.invalid",
      502,
      Level.WARNING,
      Family.LOGIN,
      "The identity provider's user information cannot be used."),
  /** The UserInfo {@code sub} is not the ID token's (OIDC Core §5.3.2). */
  USERINFO_SUB_MISMATCH(
      "userinfo.sub_mismatch",
      502,
      Level.WARNING,
      Family.LOGIN,
      "The identity provider's user information names another user."),

  // ---- session lifetimes (session-idle-timeout, session-max-lifetime; the login ends) ----
  /** The login went unused longer than {@code session-idle-timeout}. */
  SESSION_IDLE(
      "session.idle",
      401,
      Level.INFO,
      Family.LOGIN,
      "The login has ended after a time without use; please sign in again."),
  /** The login is older than {@code session-max-lifetime}. */
  SESSION_EXPIRED(
      "session.expired",
      401,
      Level.INFO,
      Family.LOGIN,
      "The login has reached its maximum lifetime; please sign in again."),

  // ---- logout ----
  /** The sign-out form's token is missing or wrong (THREATS G-12). */
  LOGOUT_CSRF(
      "logout.csrf",
      403,
      Level.INFO,
      Family.LOGIN,
      "The sign-out form is not valid; open the sign-out page again."),

  // ---- back-channel logout (OpenID Connect Back-Channel Logout 1.0 §2.6, §2.8; logged) ----
  /**
   * Not a {@code POST} of a form-encoded body with exactly one {@code logout_token} (none in the
   * query).
   */
  BACKCHANNEL_REQUEST("backchannel.request", Family.INVALID_REQUEST),
  /** The provider's metadata is not loaded: the token cannot be checked now. */
  BACKCHANNEL_UNAVAILABLE(
      "backchannel.unavailable",
      503,
      Level.WARNING,
      Family.UNAVAILABLE,
      "The identity provider cannot be reached."),
  /** The shared logout store cannot record the logout (the provider may deliver it again). */
  BACKCHANNEL_STORE(
      "backchannel.store",
      503,
      Level.WARNING,
      Family.UNAVAILABLE,
      "The logout cannot be recorded right now."),
  /** The logout token cannot be read, or is not a JWT. */
  BACKCHANNEL_MALFORMED("backchannel.malformed", Family.INVALID_REQUEST),
  /** The logout token is unsigned or encrypted, or its algorithm is not the provider's. */
  BACKCHANNEL_ALG("backchannel.alg", Family.INVALID_REQUEST),
  /** The logout token's header {@code typ} is not {@code logout+jwt}. */
  BACKCHANNEL_TYPE("backchannel.type", Family.INVALID_REQUEST),
  /** The logout token's signature is invalid. */
  BACKCHANNEL_SIGNATURE("backchannel.signature", Family.INVALID_REQUEST),
  /** The logout token is signed with a key not in the provider's JWK Set. */
  BACKCHANNEL_UNKNOWN_KEY("backchannel.unknown_key", Family.INVALID_REQUEST),
  /** The provider's JWK Set cannot be fetched: an outage, answered {@code 503}. */
  BACKCHANNEL_KEYS_UNAVAILABLE(
      "backchannel.keys_unavailable",
      503,
      Level.WARNING,
      Family.UNAVAILABLE,
      "The identity provider cannot be reached."),
  /** The logout token's {@code iss} is not the issuer. */
  BACKCHANNEL_ISS("backchannel.iss", Family.INVALID_REQUEST),
  /** The logout token's {@code aud} is not this client alone. */
  BACKCHANNEL_AUD("backchannel.aud", Family.INVALID_REQUEST),
  /** The logout token's {@code iat} is missing, in the future or too old. */
  BACKCHANNEL_IAT("backchannel.iat", Family.INVALID_REQUEST),
  /** The logout token has expired or has no {@code exp}. */
  BACKCHANNEL_EXPIRED("backchannel.expired", Family.INVALID_REQUEST),
  /** The logout token's {@code events} lacks the back-channel logout event. */
  BACKCHANNEL_EVENTS("backchannel.events", Family.INVALID_REQUEST),
  /** The logout token carries a {@code nonce}. */
  BACKCHANNEL_NONCE("backchannel.nonce", Family.INVALID_REQUEST),
  /** The logout token has neither {@code sub} nor {@code sid}. */
  BACKCHANNEL_SUBJECT("backchannel.subject", Family.INVALID_REQUEST),
  /** The logout token has no {@code jti}. */
  BACKCHANNEL_JTI("backchannel.jti", Family.INVALID_REQUEST),
  /** The logout token's {@code jti} was seen before on this node (§2.6 step 8). */
  BACKCHANNEL_REPLAY("backchannel.replay", Family.INVALID_REQUEST),

  // ---- access (the rules; answered by the browser pages and, as codes, to error pages) ----
  /**
   * A {@code deny} rule, or a dispatch (forward, include, error page, async) to a path the user may
   * not see: {@code 403}.
   */
  ACCESS_DENIED("access.denied", 403, Level.INFO, Family.FORBIDDEN, "You may not open this page."),
  /** The login lacks a scope the rule needs (after any step-up): {@code 403}. */
  SCOPE_MISSING(
      "scope.missing",
      403,
      Level.INFO,
      Family.INSUFFICIENT_SCOPE,
      "This page needs a scope your sign-in was not granted."),
  /**
   * The provider cannot be reached to start a login, or to refresh a login whose access token has
   * expired: {@code 503} with {@code Retry-After}.
   */
  LOGIN_UNAVAILABLE(
      "login.unavailable",
      503,
      Level.INFO,
      Family.UNAVAILABLE,
      "The identity provider cannot be reached right now. Please try again shortly."),
  // ---- bearer tokens (RFC 6750 §3.1: answered 401 invalid_token; logged) ----
  /** The bearer token cannot be read, or is not a JWT. */
  BEARER_MALFORMED("bearer.malformed", Family.BEARER),
  /** The bearer token is unsigned or its algorithm is not RSA or EC. */
  BEARER_ALG("bearer.alg", Family.BEARER),
  /** The bearer token's signature is invalid. */
  BEARER_SIGNATURE("bearer.signature", Family.BEARER),
  /** The bearer token is signed with a key not in the provider's JWK Set. */
  BEARER_UNKNOWN_KEY("bearer.unknown_key", Family.BEARER),
  /** The provider's JWK Set cannot be fetched: an outage, answered {@code 503}. */
  BEARER_KEYS_UNAVAILABLE(
      "bearer.keys_unavailable",
      503,
      Level.INFO,
      Family.UNAVAILABLE,
      "The identity provider cannot be reached."),
  /** {@code iss} is not the issuer. */
  BEARER_ISS("bearer.iss", Family.BEARER),
  /** The bearer token has expired or has no {@code exp}. */
  BEARER_EXPIRED("bearer.expired", Family.BEARER),
  /** {@code nbf} or {@code iat} is in the future. */
  BEARER_NBF("bearer.nbf", Family.BEARER),
  /** The token is not known positively as an access token (or carries a {@code nonce}). */
  BEARER_NOT_ACCESS_TOKEN("bearer.not_access_token", Family.BEARER),
  /** The token was not issued to {@code client-id} or {@code m2m-client-id}. */
  BEARER_CLIENT("bearer.client", Family.BEARER),
  /**
   * The token is DPoP-bound ({@code cnf.jkt}, RFC 9449 §6) but was sent as a bearer token: without
   * the proof of its key it is refused (RFC 9449 §7.2).
   */
  BEARER_DPOP_BOUND("bearer.dpop_bound", Family.BEARER);

  /** The JSON {@code error} a reason is answered with. */
  enum Family {
    /** {@code bad_request}: the request itself cannot be accepted. */
    BAD_REQUEST("bad_request"),
    /** {@code login_failed}: a login, refresh or logout step was refused. */
    LOGIN("login_failed"),
    /** {@code invalid_token}: a bearer token (RFC 6750 §3.1). */
    BEARER("invalid_token"),
    /** {@code forbidden}: the rules refuse the path ({@code 403}). */
    FORBIDDEN("forbidden"),
    /** {@code insufficient_scope}: the login lacks a scope (RFC 6750 §3.1, {@code 403}). */
    INSUFFICIENT_SCOPE("insufficient_scope"),
    /** {@code temporarily_unavailable}: the provider cannot be reached now ({@code 503}). */
    UNAVAILABLE("temporarily_unavailable"),
    /** {@code invalid_request}: a back-channel logout refused (Back-Channel Logout §2.8). */
    INVALID_REQUEST("invalid_request");

    private final String error;

    Family(String error) {
      this.error = error;
    }
  }

  private static final int MAX_DETAIL = 40;

  private final String code;
  private final int status;
  private final Level level;
  private final Family family;
  private final String sentence;

  Reason(String code, int status, Level level, Family family, String sentence) {
    this.code = code;
    this.status = status;
    this.level = level;
    this.family = family;
    this.sentence = sentence;
  }

  /**
   * A token check: an ID token's ({@link Family#LOGIN}, {@code 400}, logged at {@code WARNING}), a
   * bearer token's ({@link Family#BEARER}, {@code 401}, logged at {@code INFO}) or a logout token's
   * ({@link Family#INVALID_REQUEST}, {@code 400}, logged at {@code WARNING}).
   */
  Reason(String code, Family family) {
    this(
        code,
        family == Family.BEARER ? 401 : 400,
        family == Family.BEARER ? Level.INFO : Level.WARNING,
        family,
        switch (family) {
          case BEARER -> "The bearer token is not valid.";
          case INVALID_REQUEST -> "The logout request is not valid.";
          default -> "The identity provider's ID token is not valid.";
        });
  }

  /**
   * The stable code, e.g. {@code state.mismatch}; for a family, the code with {@code {error}} in
   * place of the provider's value, e.g. {@code token.{error}}.
   */
  public String code() {
    return isFamily() ? code + "{error}" : code;
  }

  /**
   * The code of one member of a family: the family's prefix and {@code value} reduced to {@code
   * [A-Za-z0-9_]}, at most 40 characters ({@code error} when nothing is left); for any other
   * reason, {@link #code()}.
   */
  public String code(String value) {
    Objects.requireNonNull(value, "value");
    if (!isFamily()) {
      return code;
    }
    StringBuilder out = new StringBuilder(code);
    int kept = 0;
    for (int i = 0; i < value.length() && kept < MAX_DETAIL; i++) {
      char c = value.charAt(i);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_') {
        out.append(c);
        kept++;
      }
    }
    return kept == 0 ? out.append("error").toString() : out.toString();
  }

  /** Whether the code ends with a value the provider sent ({@link #code(String)}). */
  public boolean isFamily() {
    return code.endsWith(".");
  }

  /** The HTTP status the rejection is answered with. */
  public int status() {
    return status;
  }

  /** The level of the rejection's log line. */
  public Level level() {
    return level;
  }

  /**
   * The JSON {@code error}: {@code bad_request}, {@code login_failed}, {@code invalid_token},
   * {@code forbidden}, {@code insufficient_scope}, {@code temporarily_unavailable} or {@code
   * invalid_request}.
   */
  public String error() {
    return family.error;
  }

  /** A sentence for people: never request data, a token or a secret. */
  public String sentence() {
    return sentence;
  }

  /** The reason of an ID token check that failed at login or refresh. */
  static Reason ofIdToken(IdTokenException.Check check) {
    return switch (check) {
      case MALFORMED -> ID_TOKEN_MALFORMED;
      case ALG_NONE -> ID_TOKEN_ALG_NONE;
      case UNSUPPORTED -> ID_TOKEN_UNSUPPORTED;
      case ALG -> ID_TOKEN_ALG;
      case SIGNATURE -> ID_TOKEN_SIGNATURE;
      case UNKNOWN_KEY -> ID_TOKEN_UNKNOWN_KEY;
      case KEYS_UNAVAILABLE -> ID_TOKEN_KEYS_UNAVAILABLE;
      case ISS -> ID_TOKEN_ISS;
      case AUD -> ID_TOKEN_AUD;
      case AZP -> ID_TOKEN_AZP;
      case EXPIRED -> ID_TOKEN_EXPIRED;
      case NOT_YET_VALID -> ID_TOKEN_IAT;
      case SUB -> ID_TOKEN_SUB;
      case NONCE -> ID_TOKEN_NONCE;
      case AUTH_TIME -> ID_TOKEN_AUTH_TIME;
      case TENANT -> ID_TOKEN_TENANT;
      case TYPE, EVENTS, JTI -> ID_TOKEN_MALFORMED; // logout token checks only
    };
  }

  /**
   * The reason of a bearer token check that failed. The checks an access token never undergoes
   * (audience, party, subject, nonce, auth_time: the authenticator's own) have none of their own
   * and count as unreadable.
   */
  static Reason ofBearer(IdTokenException.Check check) {
    return switch (check) {
      case ALG_NONE, UNSUPPORTED, ALG -> BEARER_ALG;
      case SIGNATURE -> BEARER_SIGNATURE;
      case UNKNOWN_KEY -> BEARER_UNKNOWN_KEY;
      case KEYS_UNAVAILABLE -> BEARER_KEYS_UNAVAILABLE;
      case ISS, TENANT -> BEARER_ISS;
      case EXPIRED -> BEARER_EXPIRED;
      case NOT_YET_VALID -> BEARER_NBF;
      case MALFORMED, AUD, AZP, SUB, NONCE, AUTH_TIME, TYPE, EVENTS, JTI -> BEARER_MALFORMED;
    };
  }

  /** The reason of a logout token check that failed (Back-Channel Logout §2.6). */
  static Reason ofLogoutToken(IdTokenException.Check check) {
    return switch (check) {
      case MALFORMED -> BACKCHANNEL_MALFORMED;
      case ALG_NONE, UNSUPPORTED, ALG -> BACKCHANNEL_ALG;
      case TYPE -> BACKCHANNEL_TYPE;
      case SIGNATURE -> BACKCHANNEL_SIGNATURE;
      case UNKNOWN_KEY -> BACKCHANNEL_UNKNOWN_KEY;
      case KEYS_UNAVAILABLE -> BACKCHANNEL_KEYS_UNAVAILABLE;
      case ISS, TENANT -> BACKCHANNEL_ISS;
      case AUD, AZP -> BACKCHANNEL_AUD;
      case NOT_YET_VALID -> BACKCHANNEL_IAT;
      case EXPIRED -> BACKCHANNEL_EXPIRED;
      case EVENTS -> BACKCHANNEL_EVENTS;
      case NONCE -> BACKCHANNEL_NONCE;
      case SUB, AUTH_TIME -> BACKCHANNEL_SUBJECT;
      case JTI -> BACKCHANNEL_JTI;
    };
  }
}
