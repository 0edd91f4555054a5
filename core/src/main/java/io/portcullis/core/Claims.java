package io.portcullis.core;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Reading claims of a verified token: a claim at a dotted path, and a claim's strings. */
final class Claims {
  private Claims() {}

  /** The claim at a dotted path ({@code realm_access.roles}), or null. */
  static @Nullable Object lookup(Map<String, Object> claims, String dottedPath) {
    Object current = claims;
    for (String part : dottedPath.split("\\.")) {
      if (!(current instanceof Map<?, ?> m)) {
        return null;
      }
      current = m.get(part);
    }
    return current;
  }

  /** Adds the roles of a claim (a list, or a space- or comma-separated string) to {@code into}. */
  static void collectRoles(@Nullable Object value, Set<String> into) {
    collect(value, into, "[\\s,]+");
  }

  /**
   * Adds the strings of a claim to {@code into}: a list's non-empty strings, or a string split on
   * {@code separator} (a regular expression); anything else adds nothing.
   */
  static void collect(@Nullable Object value, Set<String> into, String separator) {
    if (value instanceof String s) {
      for (String r : s.trim().split(separator)) {
        if (!r.isEmpty()) {
          into.add(r);
        }
      }
    } else if (value instanceof Collection<?> c) {
      for (Object o : c) {
        if (o instanceof String s && !s.isEmpty()) {
          into.add(s);
        }
      }
    }
  }
}
