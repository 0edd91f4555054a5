package io.portcullis.servlet;

import io.portcullis.core.Identity;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The request the application receives: {@code getRemoteUser}, {@code getUserPrincipal} and {@code
 * isUserInRole} answer from the login (SPEC.md "What the application sees"), and identity headers a
 * client may have forged ({@code Remote-User}, {@code X-Forwarded-User}, {@code X-Auth-Request-*},
 * {@code OIDC_CLAIM_*} …, see {@link IdentityHeaders}) are hidden on every path, so a legacy
 * application that once trusted a proxy's headers cannot be fooled (THREATS E-06).
 */
final class PortcullisRequest extends HttpServletRequestWrapper {
  private final @Nullable Identity identity;
  private final IdentityHeaders hidden;
  private final boolean containerManaged;
  private final @Nullable Runnable endLogin;
  private @Nullable Principal principal;

  PortcullisRequest(
      HttpServletRequest request, @Nullable Identity identity, IdentityHeaders hidden) {
    super(request);
    this.identity = identity;
    this.hidden = hidden;
    this.containerManaged = false;
    this.endLogin = null;
  }

  /**
   * With {@code containerManaged}, under container-managed security ({@link PortcullisAuthModule}):
   * the container answers {@code getRemoteUser}, {@code getUserPrincipal}, {@code isUserInRole} and
   * {@code getAuthType} from what the module established (so that {@code logout()} ends them at
   * once, and role references apply); this wrapper hides the identity headers, carries the identity
   * only while the container still has the user, and runs {@code endLogin} on {@code logout()},
   * whichever container (some never tell the module of a logout).
   */
  PortcullisRequest(
      HttpServletRequest request,
      @Nullable Identity identity,
      IdentityHeaders hidden,
      Runnable endLogin) {
    super(request);
    this.identity = identity;
    this.hidden = hidden;
    this.containerManaged = true;
    this.endLogin = endLogin;
  }

  @Override
  public void logout() throws jakarta.servlet.ServletException {
    try {
      super.logout();
    } finally {
      if (endLogin != null) {
        endLogin.run();
      }
    }
  }

  private @Nullable Identity identity() {
    return containerManaged && identity != null && super.getUserPrincipal() == null
        ? null
        : identity;
  }

  /** Whether {@code name} is a header that only an authenticating proxy should set. */
  private boolean isIdentityHeader(String name) {
    return hidden.hides(name);
  }

  /**
   * {@link PortcullisRequests#IDENTITY_ATTRIBUTE} answers the login this request carries (null when
   * nobody is logged in), whatever was stored under that name: the identity is carried by this
   * wrapper rather than stored in the container's attribute map, which would cost an allocation per
   * request.
   */
  @Override
  public @Nullable Object getAttribute(String name) {
    if (PortcullisRequests.IDENTITY_ATTRIBUTE.equals(name)) {
      return identity();
    }
    return super.getAttribute(name);
  }

  @Override
  public Enumeration<String> getAttributeNames() {
    if (identity() == null) {
      return super.getAttributeNames();
    }
    List<String> names = new ArrayList<>();
    for (Enumeration<String> e = super.getAttributeNames(); e.hasMoreElements(); ) {
      String n = e.nextElement();
      if (!n.equals(PortcullisRequests.IDENTITY_ATTRIBUTE)) {
        names.add(n);
      }
    }
    names.add(PortcullisRequests.IDENTITY_ATTRIBUTE);
    return Collections.enumeration(names);
  }

  @Override
  public @Nullable String getHeader(String name) {
    return isIdentityHeader(name) ? null : super.getHeader(name);
  }

  @Override
  public Enumeration<String> getHeaders(String name) {
    return isIdentityHeader(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
  }

  @Override
  public Enumeration<String> getHeaderNames() {
    List<String> names = new ArrayList<>();
    for (Enumeration<String> e = super.getHeaderNames(); e.hasMoreElements(); ) {
      String n = e.nextElement();
      if (!isIdentityHeader(n)) {
        names.add(n);
      }
    }
    return Collections.enumeration(names);
  }

  @Override
  public long getDateHeader(String name) {
    return isIdentityHeader(name) ? -1 : super.getDateHeader(name);
  }

  @Override
  public int getIntHeader(String name) {
    return isIdentityHeader(name) ? -1 : super.getIntHeader(name);
  }

  @Override
  public @Nullable String getRemoteUser() {
    if (containerManaged) {
      return super.getRemoteUser();
    }
    return identity == null ? null : identity.name();
  }

  @Override
  public @Nullable Principal getUserPrincipal() {
    if (containerManaged && super.getUserPrincipal() == null) {
      return null; // logged out, or the container has no user for this request
    }
    if (identity == null) {
      return null;
    }
    Principal p = principal;
    if (p == null) {
      p = new PortcullisPrincipal(identity);
      principal = p;
    }
    return p;
  }

  @Override
  public boolean isUserInRole(String role) {
    if (containerManaged) {
      return super.isUserInRole(role);
    }
    return identity != null && role != null && identity.hasRole(role);
  }

  @Override
  public @Nullable String getAuthType() {
    if (containerManaged) {
      return super.getAuthType();
    }
    return identity == null ? null : "OIDC";
  }
}
