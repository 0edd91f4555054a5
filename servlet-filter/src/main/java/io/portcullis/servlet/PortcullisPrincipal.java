package io.portcullis.servlet;

import io.portcullis.core.Identity;
import java.io.Serial;
import java.io.Serializable;
import java.security.Principal;
import java.util.Map;
import java.util.Objects;

/**
 * The logged-in user as {@code request.getUserPrincipal()} returns it: the principal name and the
 * ID token's claims (SPEC.md "What the application sees").
 */
public final class PortcullisPrincipal implements Principal, Serializable {
  @Serial private static final long serialVersionUID = 1L;
  private final Identity identity;

  PortcullisPrincipal(Identity identity) {
    this.identity = Objects.requireNonNull(identity, "identity");
  }

  /**
   * The principal name: {@code principal-claim}, else {@code preferred_username}, else {@code sub}.
   */
  @Override
  public String getName() {
    return identity.name();
  }

  /** The ID token claims, as JDK types. */
  public Map<String, Object> claims() {
    return identity.claims();
  }

  /**
   * The whole identity: subject, issuer, scopes, roles and the access token (never the refresh
   * token).
   */
  public Identity identity() {
    return identity;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PortcullisPrincipal p
        && p.identity.subject().equals(identity.subject())
        && p.identity.issuer().equals(identity.issuer());
  }

  @Override
  public int hashCode() {
    return Objects.hash(identity.subject(), identity.issuer());
  }

  @Override
  public String toString() {
    return "PortcullisPrincipal[" + identity.name() + "]";
  }
}
