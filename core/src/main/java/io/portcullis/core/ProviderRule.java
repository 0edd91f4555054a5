package io.portcullis.core;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * One rule of {@code provider-rules}: the provider a login starts with for requests to a host
 * ({@code host:partners.example.com=partners}) or to paths ({@code /partner/**=partners}).
 *
 * @param text the rule as configured
 * @param host the host (lower case, no port) it matches, or null for a path rule
 * @param path the path pattern it matches, or null for a host rule
 * @param provider the provider's name
 */
record ProviderRule(
    String text, @Nullable String host, @Nullable PathPattern path, String provider) {

  /** Whether the rule matches a request to {@code requestHost} (null: unknown) and {@code path}. */
  boolean matches(@Nullable String requestHost, String path) {
    if (host != null) {
      return requestHost != null && host.equals(requestHost.toLowerCase(Locale.ROOT));
    }
    return this.path != null && this.path.matches(path);
  }

  @Override
  public String toString() {
    return text;
  }
}
