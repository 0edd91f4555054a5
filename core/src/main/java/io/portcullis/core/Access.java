package io.portcullis.core;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * What an access rule demands of a request: nothing, refusal, a login, or a login whose access
 * token carries every one of a set of scopes (SPEC.md "Access rules").
 *
 * <p>{@link #scopes()} is empty unless {@link #kind()} is {@link Kind#SCOPES}, in which case it
 * holds one or more scope names (RFC 6749 §3.3) in the order they were given. {@link #toString()}
 * is the ACCESS text of a rule.
 *
 * @param kind what kind of access
 * @param scopes the scopes the access token must carry; empty unless {@code kind} is {@link
 *     Kind#SCOPES}
 */
record Access(Access.Kind kind, Set<String> scopes) {

  /** The kinds of access a rule can demand, one per ACCESS form of SPEC.md "Access rules". */
  public enum Kind {
    /** No login needed ({@code permit}). */
    PERMIT,
    /** Always refused with {@code 403} ({@code deny}). */
    DENY,
    /** Any logged-in user ({@code authenticated}). */
    AUTHENTICATED,
    /** A logged-in user whose access token carries every listed scope. */
    SCOPES
  }

  private static final Access PERMIT = new Access(Kind.PERMIT, Set.of());
  private static final Access DENY = new Access(Kind.DENY, Set.of());
  private static final Access AUTHENTICATED = new Access(Kind.AUTHENTICATED, Set.of());

  /**
   * Creates an access whose scopes are consistent with its kind, keeping an unmodifiable copy of
   * the scopes in their iteration order.
   *
   * @param kind what kind of access
   * @param scopes the scopes the access token must carry; empty unless {@code kind} is {@link
   *     Kind#SCOPES}
   * @throws IllegalArgumentException when {@code kind} is {@link Kind#SCOPES} and {@code scopes} is
   *     empty or holds a name that is not a scope token (RFC 6749 §3.3), or when another kind comes
   *     with scopes
   */
  public Access {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(scopes, "scopes");
    if (kind == Kind.SCOPES) {
      if (scopes.isEmpty()) {
        throw new IllegalArgumentException("scopes: expected one or more scope names");
      }
      for (String scope : scopes) {
        Objects.requireNonNull(scope, "scopes element");
        if (!Scopes.isToken(scope)) {
          throw new IllegalArgumentException(
              "scopes: \""
                  + scope
                  + "\" is not a scope name; expected printable ASCII without space, \" or \\");
        }
      }
      scopes = Collections.unmodifiableSet(new LinkedHashSet<>(scopes));
    } else {
      if (!scopes.isEmpty()) {
        throw new IllegalArgumentException(
            "scopes: " + kind + " takes no scopes; use SCOPES for " + scopes);
      }
      scopes = Set.of();
    }
  }

  /**
   * Returns the access that needs no login ({@code permit}).
   *
   * @return the shared permit access
   */
  public static Access permit() {
    return PERMIT;
  }

  /**
   * Returns the access that is always refused with {@code 403} ({@code deny}).
   *
   * @return the shared deny access
   */
  public static Access deny() {
    return DENY;
  }

  /**
   * Returns the access that needs any logged-in user ({@code authenticated}).
   *
   * @return the shared authenticated access
   */
  public static Access authenticated() {
    return AUTHENTICATED;
  }

  /**
   * Returns the access that needs a login whose access token carries every one of {@code scopes}.
   *
   * @param scopes one or more scope names (RFC 6749 §3.3); copied, order kept
   * @return an access of kind {@link Kind#SCOPES}
   * @throws IllegalArgumentException when {@code scopes} is empty or holds an invalid name
   */
  public static Access scopes(Set<String> scopes) {
    return new Access(Kind.SCOPES, scopes);
  }

  /**
   * Tells whether a request with this access must come from a logged-in user: true for {@link
   * Kind#AUTHENTICATED} and {@link Kind#SCOPES}.
   *
   * @return whether a login is needed
   */
  public boolean needsLogin() {
    return kind == Kind.AUTHENTICATED || kind == Kind.SCOPES;
  }

  /**
   * Returns the ACCESS text of a rule: {@code permit}, {@code deny}, {@code authenticated}, or the
   * scope names separated by one space.
   */
  @Override
  public String toString() {
    return switch (kind) {
      case PERMIT -> "permit";
      case DENY -> "deny";
      case AUTHENTICATED -> "authenticated";
      case SCOPES -> String.join(" ", scopes);
    };
  }
}
