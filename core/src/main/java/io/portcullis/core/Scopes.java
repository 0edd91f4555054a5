package io.portcullis.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Scope names (RFC 6749 §3.3): what a scope token is, how a scope string splits, how sets join. */
final class Scopes {
  private Scopes() {}

  /** RFC 6749 §3.3: {@code scope-token = 1*( %x21 / %x23-5B / %x5D-7E )}. */
  static boolean isToken(String s) {
    return !s.isEmpty() && s.chars().allMatch(Scopes::isTokenChar);
  }

  /** A character of a scope token: printable ASCII other than space, {@code "} and {@code \}. */
  static boolean isTokenChar(int c) {
    return c == 0x21 || (c >= 0x23 && c <= 0x5B) || (c >= 0x5D && c <= 0x7E);
  }

  /** The scopes of a {@code scope} string, split on white space, in order, without repeats. */
  static Set<String> split(String scope) {
    Set<String> into = new LinkedHashSet<>();
    collect(scope, into);
    return into;
  }

  /**
   * Adds the scopes of a claim to {@code into}: a list's strings, or a string split on white space
   * only (a scope token may hold a comma).
   */
  static void collect(@Nullable Object claim, Set<String> into) {
    Claims.collect(claim, into, "\\s+");
  }

  /** {@code a} without repeats, then what {@code b} adds, each in its order. */
  static List<String> union(Collection<String> a, Collection<String> b) {
    List<String> out = new ArrayList<>(new LinkedHashSet<>(a));
    for (String s : b) {
      if (!out.contains(s)) {
        out.add(s);
      }
    }
    return out;
  }
}
