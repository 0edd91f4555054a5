package io.portcullis.core;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What the engine decided for one request: pass it on, or answer it. A redirect or an error is a
 * value, never a thrown exception; {@link Responses} turns every answer into status, headers and
 * body.
 */
public sealed interface Outcome {

  /**
   * Let the request reach the application.
   *
   * @param identity the logged-in user, or null on a {@code permit} path with nobody logged in
   */
  record Proceed(@Nullable Identity identity) implements Outcome {
    /** Nobody logged in, on a {@code permit} path: one shared instance. */
    public static final Proceed ANONYMOUS = new Proceed(null);
  }

  /**
   * Answer {@code 302} to {@code location}.
   *
   * @param location an absolute URL of the provider or a path of this application
   * @param callbackHygiene whether to add the headers of a redirection-endpoint response ({@code
   *     Cache-Control: no-store}, {@code Referrer-Policy: no-referrer}; RFC 9700 §4.2.4)
   */
  record Redirect(String location, boolean callbackHygiene) implements Outcome {
    /** Validates. */
    public Redirect {
      Objects.requireNonNull(location, "location");
    }
  }

  /**
   * Not logged in on a path that needs it, for an API request: {@code 401} with {@code
   * WWW-Authenticate: Bearer} and a JSON body carrying {@code login_url}, or none when {@code
   * loginUrl} is null ({@code bearer-only}: there is no login).
   *
   * @param loginUrl where a browser may log in, or null
   * @param reason why this request's login just ended ({@link Reason#SESSION_IDLE}, {@link
   *     Reason#SESSION_EXPIRED}), sent as the JSON {@code reason}; null when there was none
   */
  record Challenge(@Nullable String loginUrl, @Nullable Reason reason) implements Outcome {
    /** Not logged in, with no login that just ended. */
    public Challenge(@Nullable String loginUrl) {
      this(loginUrl, null);
    }
  }

  /**
   * A bearer token that is not valid (RFC 6750 §3.1): {@code 401} with {@code WWW-Authenticate:
   * Bearer error="invalid_token"} and a JSON body.
   */
  record InvalidToken() implements Outcome {}

  /**
   * Refused: {@code 403}. {@code missingScopes} is empty for a {@code deny} rule.
   *
   * @param api whether the request is an API request (JSON body and {@code WWW-Authenticate})
   */
  record Forbidden(Set<String> missingScopes, boolean api) implements Outcome {
    /** Copies. */
    public Forbidden {
      missingScopes = Set.copyOf(missingScopes);
    }

    /** {@link Reason#SCOPE_MISSING} when scopes are missing, else {@link Reason#ACCESS_DENIED}. */
    public Reason reason() {
      return missingScopes.isEmpty() ? Reason.ACCESS_DENIED : Reason.SCOPE_MISSING;
    }
  }

  /** The provider cannot be reached: {@code 503} with {@code Retry-After}. */
  record Unavailable(Duration retryAfter, boolean api) implements Outcome {
    /** {@link Reason#LOGIN_UNAVAILABLE}. */
    public Reason reason() {
      return Reason.LOGIN_UNAVAILABLE;
    }
  }

  /**
   * A request refused with an error: a bad path ({@code 400}), a bad callback ({@code 400} / {@code
   * 401} / {@code 403} / {@code 502}), a bad logout form.
   *
   * @param reason why, which gives the status, the JSON {@code error} and the sentence
   * @param error the reason's code as clients see it, such as {@code state.mismatch}: {@link
   *     Reason#code(String)} of the provider's value for a family ({@code token.invalid_grant})
   * @param retryUrl where a person may start over (a path of this application), or null
   * @param api whether to answer JSON instead of HTML
   */
  record Rejected(Reason reason, String error, @Nullable String retryUrl, boolean api)
      implements Outcome {
    /** Validates. */
    public Rejected {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(error, "error");
    }

    /** A rejection for {@code reason}, which is not a family. */
    public Rejected(Reason reason, @Nullable String retryUrl, boolean api) {
      this(reason, reason.code(), retryUrl, api);
    }

    /** The HTTP status. */
    public int status() {
      return reason.status();
    }

    /** A sentence for people, never holding request data, a token or a secret. */
    public String message() {
      return reason.sentence();
    }
  }

  /**
   * The answer of the back-channel logout endpoint ({@code backchannel-logout-path}; OpenID Connect
   * Back-Channel Logout 1.0 §2.8): {@code 200} with no body when the logout token was accepted,
   * else the refusal's status ({@code 400}, or {@code 503} when the provider's keys or the shared
   * logout store cannot be reached) with JSON {@code {"error":"invalid_request"}}; always {@code
   * Cache-Control: no-cache, no-store}.
   *
   * @param refused why the request was refused, or null when it was accepted
   */
  record BackChannelLogout(@Nullable Reason refused) implements Outcome {
    /** The logout token was accepted. */
    public static final BackChannelLogout ACCEPTED = new BackChannelLogout(null);
  }

  /**
   * The answer of the front-channel logout endpoint ({@code frontchannel-logout-path}; OpenID
   * Connect Front-Channel Logout 1.0 §2), which the provider loads in an iframe: {@code 200}, an
   * empty page that may be framed, {@code Cache-Control: no-cache, no-store}.
   *
   * @param loggedOut whether this browser's login matched the request's {@code iss} and {@code sid}
   *     and was ended
   */
  record FrontChannelLogout(boolean loggedOut) implements Outcome {}

  /**
   * The callback's answer when a form was kept across the login ({@code preserve-post}): instead of
   * the redirect to {@code action}, a page that posts the form there once more from the browser
   * ({@code 200}, auto-submitted by a script with a nonce, a button without scripts, {@code
   * Cache-Control: no-store}).
   *
   * @param action where the form goes: the path (and query) of this application first asked for
   * @param fields the form's fields in their order, names repeated as they were
   * @param charset the name of the charset the browser is to encode the fields in
   */
  record ReplayPost(String action, List<Field> fields, String charset) implements Outcome {
    /** Validates and copies. */
    public ReplayPost {
      Objects.requireNonNull(action, "action");
      Objects.requireNonNull(charset, "charset");
      fields = List.copyOf(fields);
    }

    /**
     * One field of the form, decoded.
     *
     * @param name the field's name
     * @param value the field's value
     */
    public record Field(String name, String value) {
      /** Validates. */
      public Field {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
      }

      @Override
      public String toString() {
        return "Field[" + name.length() + " + " + value.length() + " chars]";
      }
    }

    @Override
    public String toString() {
      return "ReplayPost[" + fields.size() + " fields, " + charset + "]";
    }
  }

  /** A small HTML page of Portcullis's own (logout confirmation), answered with {@code status}. */
  record Page(int status, String title, String htmlBody) implements Outcome {}

  /**
   * The answer of the opt-in {@code client-jwks-path}: {@code 200} with the public JWK Set (RFC
   * 7517 §5) of the client's {@code private_key_jwt} key, which holds no private part.
   *
   * @param jwkSet the JWK Set JSON
   */
  record ClientJwks(String jwkSet) implements Outcome {
    /** Validates. */
    public ClientJwks {
      Objects.requireNonNull(jwkSet, "jwkSet");
    }
  }

  /**
   * The answer of the opt-in health path ({@code health-path}): JSON, {@code 200} with {@code UP}
   * when the provider's metadata is loaded, else {@code 503} with {@code DOWN}, with the
   * self-diagnostics' codes and levels.
   *
   * @param diagnostics the diagnostics to show
   */
  record Health(Diagnostics diagnostics) implements Outcome {
    /** Validates. */
    public Health {
      Objects.requireNonNull(diagnostics, "diagnostics");
    }
  }
}
