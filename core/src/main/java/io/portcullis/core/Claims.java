package io.portcullis.core;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Reading claims of a verified token: a claim at a dotted path, and a claim's strings. */
final class Claims {
  private Claims() {}

  /**
   * The claim at a dotted path ({@code realm_access.roles}), or null. A name that itself holds dots
   * is found too ({@code resource_access.my.app.roles}, for a client {@code my.app}): the shortest
   * names are tried first.
   */
  static @Nullable Object lookup(Map<String, Object> claims, String dottedPath) {
    return lookup(claims, dottedPath.split("\\."), 0);
  }

  private static @Nullable Object lookup(@Nullable Object current, String[] parts, int from) {
    if (from == parts.length) {
      return current;
    }
    if (!(current instanceof Map<?, ?> m)) {
      return null;
    }
    StringBuilder name = new StringBuilder();
    for (int to = from; to < parts.length; to++) {
      if (to > from) {
        name.append('.');
      }
      name.append(parts[to]);
      if (m.containsKey(name.toString())) {
        Object found = lookup(m.get(name.toString()), parts, to + 1);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
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
