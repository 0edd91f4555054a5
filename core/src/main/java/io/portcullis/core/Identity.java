package io.portcullis.core;

import java.io.Serial;
import java.io.Serializable;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The logged-in user as the application sees it: who (from the validated ID token), what they may
 * do (granted scopes and roles) and their access token. The refresh token and the raw ID token are
 * not part of it: the session keeps them in its own record, out of the application's reach.
 *
 * @param name the principal name ({@code principal-claim}, else {@code preferred_username}, else
 *     {@code sub})
 * @param subject the {@code sub} claim
 * @param issuer the {@code iss} claim
 * @param claims the claims of the latest ID token (the login's, or a refresh's), with those of the
 *     latest UserInfo answer merged in when one was read (README "UserInfo": the ID token's claims
 *     about the authentication win, UserInfo's profile claims fill in or replace), as JDK types
 *     only (String, Number, Boolean, List, Map)
 * @param roles the values of {@code roles-claim}, if configured
 * @param tokens the access token, its expiry and the granted scopes
 */
public record Identity(
    String name,
    String subject,
    String issuer,
    Map<String, Object> claims,
    Set<String> roles,
    TokenSet tokens)
    implements Serializable {

  @Serial private static final long serialVersionUID = 1L;

  /** Validates and copies. */
  public Identity {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(subject, "subject");
    issuer = issuer.intern(); // one issuer: one copy for every session
    claims = claims instanceof IdTokenClaims ? claims : Map.copyOf(claims);
    roles = TokenSet.interned(roles);
    Objects.requireNonNull(tokens, "tokens");
  }

  /** The granted scopes. */
  public Set<String> scopes() {
    return tokens.scopes();
  }

  /** The access token, for calls to downstream APIs. */
  public String accessToken() {
    return tokens.accessToken();
  }

  /**
   * Whether {@code role} was granted as a scope or is held in {@code roles-claim}: what {@code
   * isUserInRole} answers.
   */
  public boolean hasRole(String role) {
    return tokens.scopes().contains(role) || roles.contains(role);
  }

  /** Same identity with other tokens. */
  public Identity withTokens(TokenSet newTokens) {
    return new Identity(name, subject, issuer, claims, roles, newTokens);
  }

  @Override
  public String toString() {
    return "Identity[name="
        + name
        + ", subject="
        + subject
        + ", issuer="
        + issuer
        + ", roles="
        + roles
        + ", "
        + tokens
        + "]";
  }
}
