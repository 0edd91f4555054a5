package io.portcullis.core.internal.nimbus;

import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Microsoft Entra's multi-tenant issuer (README "More than one provider"): the metadata of the
 * {@code common} / {@code organizations} endpoint names the issuer {@code
 * https://login.microsoftonline.com/{tenantid}/v2.0}; a token's {@code iss} must be that template
 * with its {@code tid} claim in place of {@code {tenantid}}, and {@code tid} must be one of the
 * configured {@code tenants}.
 */
public final class TenantIssuer {
  /** The placeholder in a multi-tenant issuer. */
  public static final String PLACEHOLDER = "{tenantid}";

  private TenantIssuer() {}

  /** Whether {@code issuer} is a multi-tenant template. */
  public static boolean isTemplate(String issuer) {
    return issuer.contains(PLACEHOLDER);
  }

  /**
   * Whether the metadata issuer {@code template} stands for {@code configured}: the template with
   * one path segment (e.g. {@code organizations}) in place of the placeholder.
   */
  static boolean standsFor(String template, String configured) {
    int at = template.indexOf(PLACEHOLDER);
    if (at < 0 || template.indexOf(PLACEHOLDER, at + 1) >= 0) {
      return false;
    }
    String prefix = template.substring(0, at);
    String suffix = template.substring(at + PLACEHOLDER.length());
    if (!configured.startsWith(prefix)
        || !configured.endsWith(suffix)
        || configured.length() <= prefix.length() + suffix.length()) {
      return false;
    }
    String segment = configured.substring(prefix.length(), configured.length() - suffix.length());
    return segment.indexOf('/') < 0 && segment.indexOf('?') < 0 && segment.indexOf('#') < 0;
  }

  /**
   * Whether {@code actual} is {@code issuer}, or, when {@code issuer} is a template, the template
   * with a tenant of {@code tenants} in place of the placeholder.
   */
  public static boolean matches(String issuer, @Nullable String actual, Set<String> tenants) {
    if (actual == null) {
      return false;
    }
    if (!isTemplate(issuer)) {
      return issuer.equals(actual);
    }
    for (String tenant : tenants) {
      if (issuer.replace(PLACEHOLDER, tenant).equals(actual)) {
        return true;
      }
    }
    return false;
  }
}
