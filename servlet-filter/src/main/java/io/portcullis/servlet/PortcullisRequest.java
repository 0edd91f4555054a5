package io.portcullis.servlet;

import io.portcullis.core.Identity;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The request the application receives: {@code getRemoteUser}, {@code getUserPrincipal} and
 * {@code isUserInRole} answer from the login (SPEC.md "What the application sees"), and identity
 * headers a client may have forged ({@code Remote-User}, {@code X-Forwarded-User}, {@code
 * X-Auth-Request-*}, {@code OIDC_CLAIM_*} …) are hidden on every path, so a legacy application
 * that once trusted a proxy's headers cannot be fooled (THREATS E-06).
 */
final class PortcullisRequest extends HttpServletRequestWrapper {
  private final @Nullable Identity identity;

  PortcullisRequest(HttpServletRequest request, @Nullable Identity identity) {
    super(request);
    this.identity = identity;
  }

  static boolean isIdentityHeader(String name) {
    String n = name.toLowerCase(Locale.ROOT).replace('_', '-');
    return n.equals("remote-user") || n.equals("x-remote-user") || n.equals("x-forwarded-user")
        || n.equals("x-forwarded-email") || n.equals("x-forwarded-preferred-username")
        || n.equals("x-forwarded-groups") || n.equals("x-forwarded-access-token")
        || n.startsWith("x-auth-request-") || n.startsWith("oidc-claim-") || n.startsWith("oidc-access-token")
        || n.startsWith("x-portcullis-") || n.equals("x-user") || n.equals("x-email");
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
    return identity == null ? null : identity.name();
  }

  @Override
  public @Nullable Principal getUserPrincipal() {
    return identity == null ? null : new PortcullisPrincipal(identity);
  }

  @Override
  public boolean isUserInRole(String role) {
    return identity != null && role != null && identity.hasRole(role);
  }

  @Override
  public @Nullable String getAuthType() {
    return identity == null ? null : "OIDC";
  }
}
