package io.portcullis.core;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The PATTERN of an access rule, split into segment matchers once so that matching walks a {@link
 * RequestPath#value()} without regular expressions and without allocating (SPEC.md "Access rules").
 *
 * <p>A segment is a literal, a glob in which {@code *} matches any characters except {@code /}
 * (such as {@code *.css}), or {@code **}, which matches zero or more whole segments. A trailing
 * slash is insignificant on both sides: {@code /admin/**} matches {@code /admin}, {@code /admin/}
 * and {@code /admin/x/y}, but not {@code /administrator}.
 */
final class PathPattern {

  private static final byte LITERAL = 0;
  private static final byte GLOB = 1;
  private static final byte ANY_SEGMENTS = 2;

  private final String text;
  private final String[] segments;
  private final byte[] kinds;
  private final boolean ignoreCase;

  private PathPattern(String text, String[] segments, byte[] kinds, boolean ignoreCase) {
    this.text = text;
    this.segments = segments;
    this.kinds = kinds;
    this.ignoreCase = ignoreCase;
  }

  /**
   * Returns what is wrong with a pattern, or null when {@link #compile} accepts it.
   *
   * @param text the pattern as written in the rules
   */
  static @Nullable String problem(String text) {
    if (text.isEmpty() || text.charAt(0) != '/') {
      return "pattern \"" + text + "\" must start with /";
    }
    if (text.contains("//")) {
      return "pattern \""
          + text
          + "\" has an empty segment; expected segments separated by a single /";
    }
    for (String segment : split(text)) {
      if (segment.isEmpty()) {
        return "pattern \""
            + text
            + "\" has an empty segment; expected segments separated by a single /";
      }
      if (segment.equals(".") || segment.equals("..")) {
        return "pattern \""
            + text
            + "\" has a \""
            + segment
            + "\" segment, which a normalised path never has; expected a pattern without . or .."
            + " segments";
      }
      if (segment.contains("**") && !segment.equals("**")) {
        return "pattern \""
            + text
            + "\" has ** inside the segment \""
            + segment
            + "\"; expected ** as a whole segment (/a/**/b) or * within a segment (*.css)";
      }
      for (int i = 0; i < segment.length(); i++) {
        char c = segment.charAt(i);
        if (c < 0x20 || c == 0x7F || c == '\\') {
          return "pattern \""
              + text
              + "\" has a control character or \\, which a normalised path never has";
        }
      }
    }
    return null;
  }

  /**
   * Compiles a pattern that {@link #problem} accepts.
   *
   * @param text the pattern
   * @param ignoreCase whether letters match regardless of case
   */
  static PathPattern compile(String text, boolean ignoreCase) {
    String problem = problem(text);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    List<String> parts = split(text);
    String[] segments = parts.toArray(new String[0]);
    byte[] kinds = new byte[segments.length];
    for (int i = 0; i < segments.length; i++) {
      String segment = segments[i];
      kinds[i] = segment.equals("**") ? ANY_SEGMENTS : segment.indexOf('*') >= 0 ? GLOB : LITERAL;
    }
    return new PathPattern(text, segments, kinds, ignoreCase);
  }

  /** The segments of a pattern starting with {@code /}, without a trailing slash's empty one. */
  private static List<String> split(String text) {
    List<String> parts = new ArrayList<>();
    int end = text.length() > 1 && text.endsWith("/") ? text.length() - 1 : text.length();
    int start = 1;
    while (start < end) {
      int slash = text.indexOf('/', start);
      int segmentEnd = slash < 0 || slash > end ? end : slash;
      parts.add(text.substring(start, segmentEnd));
      start = segmentEnd + 1;
    }
    if (start == end && end > 1) {
      parts.add(""); // "/a//": the segment between the last two slashes is empty
    }
    return parts;
  }

  /**
   * Tells whether a normalised path matches: every pattern segment matches a path segment in order,
   * {@code **} standing for any number of them; a trailing slash is ignored. Allocates nothing.
   *
   * @param path a {@link RequestPath#value()}: starts with {@code /}, no empty segments
   */
  boolean matches(String path) {
    int length = path.length();
    int end = length > 1 && path.charAt(length - 1) == '/' ? length - 1 : length;
    int count = segments.length;
    int p = 0;
    int s = 1;
    int starP = -1;
    int starS = -1;
    // Greedy walk with one backtrack point: on a mismatch, let the last ** absorb one more
    // segment. Each other pattern segment consumes exactly one path segment, so this is complete.
    while (s < end) {
      int segmentEnd = segmentEnd(path, s, end);
      if (p < count && kinds[p] == ANY_SEGMENTS) {
        starP = p;
        starS = s;
        p++;
      } else if (p < count && matchesSegment(p, path, s, segmentEnd)) {
        p++;
        s = segmentEnd + 1;
      } else if (starP >= 0) {
        p = starP + 1;
        starS = segmentEnd(path, starS, end) + 1;
        s = starS;
      } else {
        return false;
      }
    }
    while (p < count && kinds[p] == ANY_SEGMENTS) {
      p++;
    }
    return p == count;
  }

  private static int segmentEnd(String path, int start, int end) {
    int slash = path.indexOf('/', start);
    return slash < 0 || slash > end ? end : slash;
  }

  private boolean matchesSegment(int index, String path, int from, int to) {
    String segment = segments[index];
    if (kinds[index] == LITERAL) {
      return to - from == segment.length()
          && path.regionMatches(ignoreCase, from, segment, 0, segment.length());
    }
    return matchesGlob(segment, path, from, to);
  }

  /** Matches {@code path[from, to)} against a segment glob in which {@code *} is any run. */
  private boolean matchesGlob(String glob, String path, int from, int to) {
    int n = glob.length();
    int g = 0;
    int i = from;
    int starG = -1;
    int starI = -1;
    while (i < to) {
      if (g < n && glob.charAt(g) == '*') {
        starG = g++;
        starI = i;
      } else if (g < n && sameChar(glob.charAt(g), path.charAt(i))) {
        g++;
        i++;
      } else if (starG >= 0) {
        g = starG + 1;
        i = ++starI;
      } else {
        return false;
      }
    }
    while (g < n && glob.charAt(g) == '*') {
      g++;
    }
    return g == n;
  }

  private boolean sameChar(char a, char b) {
    if (a == b) {
      return true;
    }
    if (!ignoreCase) {
      return false;
    }
    char upperA = Character.toUpperCase(a);
    char upperB = Character.toUpperCase(b);
    return upperA == upperB || Character.toLowerCase(upperA) == Character.toLowerCase(upperB);
  }

  /**
   * Tells, conservatively, whether this pattern matches every path that {@code other} matches: true
   * only when that is certain; false may also mean "not proven". Used to find rules that an earlier
   * rule shadows ({@link AccessRules#shadowed()}), where a false warning would be worse than a
   * missed one.
   *
   * <p>Segment by segment: {@code **} here absorbs any run of the other's segments ({@code **}
   * included); a segment here covers a literal segment it matches, and a glob or {@code **} of the
   * other only when it is a glob of stars alone ({@code *} matches every segment) or the same glob.
   * Letters are compared only in ASCII: when this pattern matches exact case and the other ignores
   * case, the other must contain no letters; anything non-ASCII must be spelled the same.
   */
  boolean covers(PathPattern other) {
    if (text.equals(other.text) && (ignoreCase || !other.ignoreCase)) {
      return true;
    }
    if (!isAscii(text) || !isAscii(other.text)) {
      return false;
    }
    return covers(0, other, 0);
  }

  /** Whether {@code segments[i..]} match every path that {@code other.segments[j..]} match. */
  private boolean covers(int i, PathPattern other, int j) {
    if (i == segments.length) {
      return j == other.segments.length;
    }
    if (kinds[i] == ANY_SEGMENTS) {
      return covers(i + 1, other, j) || (j < other.segments.length && covers(i, other, j + 1));
    }
    if (j == other.segments.length || other.kinds[j] == ANY_SEGMENTS) {
      return false; // one segment here against none, or any number, there
    }
    return coversSegment(i, other, j) && covers(i + 1, other, j + 1);
  }

  private boolean coversSegment(int i, PathPattern other, int j) {
    String mine = segments[i];
    String theirs = other.segments[j];
    if (kinds[i] == GLOB && mine.chars().allMatch(c -> c == '*')) {
      return true; // a run of stars matches any non-empty segment
    }
    if (!ignoreCase && other.ignoreCase && hasLetter(theirs)) {
      return false; // the other matches ADMIN as well as admin; this segment only one of them
    }
    if (other.kinds[j] == GLOB) {
      return kinds[i] == GLOB && mine.equals(theirs);
    }
    return matchesSegment(i, theirs, 0, theirs.length());
  }

  private static boolean isAscii(String s) {
    return s.chars().allMatch(c -> c < 0x80);
  }

  private static boolean hasLetter(String s) {
    return s.chars().anyMatch(c -> (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
  }

  /** Returns the pattern as written. */
  @Override
  public String toString() {
    return text;
  }
}
