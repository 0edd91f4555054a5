package io.portcullis.core;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * An ordered list of access rules in which the first rule that matches a request decides, and a
 * request that matches none needs authentication (SPEC.md "Access rules").
 *
 * <p>The text form has one rule per line, {@code [METHODS] PATTERN ACCESS}, with {@code #} starting
 * a comment:
 *
 * <pre>
 * /                     permit
 * GET,HEAD /reports/**  read:reports
 * /admin/**             admin write:data
 * /**                   authenticated
 * </pre>
 *
 * <p>Rules are compiled when parsed; instances are immutable and safe to share between threads, and
 * {@link #decide} allocates nothing for upper-case methods. Matching hardens the plain reading of a
 * rule in two ways: a rule for {@code GET} also applies to {@code HEAD}, which servlets answer with
 * their {@code GET} code; and a rule that restricts ({@code deny}, {@code authenticated}, scopes)
 * matches letters regardless of case, while a {@code permit} rule matches only the exact case, so
 * {@code /ADMIN} is caught by {@code /admin/** admin} and {@code /HEALTH} is not public because
 * {@code /health} is.
 */
final class AccessRules {

  private static final String EXPECTED_ACCESS =
      "expected permit, deny, authenticated or scope names";

  private static final AccessRules DEFAULTS = parse("/** authenticated");

  private final Rule[] rules;

  private AccessRules(Rule[] rules) {
    this.rules = rules;
  }

  /**
   * Parses and compiles access rules, or fails with one exception that lists every problem of every
   * line (SPEC.md "Access rules").
   *
   * <p>Each line is {@code [METHODS] PATTERN ACCESS}, separated by spaces or tabs; text after
   * {@code #} and blank lines are ignored. METHODS are upper-case HTTP methods separated by commas
   * ({@code GET,HEAD}); PATTERN starts with {@code /}, {@code *} matches within one segment and
   * {@code **} as a whole segment matches any number of segments; ACCESS is {@code permit}, {@code
   * deny}, {@code authenticated}, or one or more scope names (RFC 6749 §3.3), all required.
   *
   * @param text the rules; empty text gives no rules, so every request needs authentication
   * @return the compiled rules, in order
   * @throws IllegalArgumentException naming, line by line ({@code line 3: ...}), what is wrong and
   *     what was expected
   */
  public static AccessRules parse(String text) {
    Objects.requireNonNull(text, "text");
    List<Rule> rules = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    int lineNumber = 0;
    for (String line : (Iterable<String>) text.lines()::iterator) {
      lineNumber++;
      int hash = line.indexOf('#');
      List<String> tokens = tokens(hash < 0 ? line : line.substring(0, hash));
      if (tokens.isEmpty()) {
        continue;
      }
      List<String> lineProblems = new ArrayList<>();
      Rule rule = parseRule(tokens, lineProblems);
      if (lineProblems.isEmpty()) {
        rules.add(Objects.requireNonNull(rule));
      }
      for (String problem : lineProblems) {
        problems.add("line " + lineNumber + ": " + problem);
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", problems));
    }
    return new AccessRules(rules.toArray(new Rule[0]));
  }

  /**
   * Returns the rules used when none are configured: {@code /** authenticated}, so every request
   * needs a login (SPEC.md "Configuration", key {@code rules}).
   *
   * @return the default rules
   */
  public static AccessRules defaults() {
    return DEFAULTS;
  }

  /**
   * Returns the access demanded by the first rule that applies to the request, or {@link
   * Access#authenticated()} when no rule does (SPEC.md "Access rules").
   *
   * <p>A rule applies when it lists no methods or lists {@code method} (compared upper-cased; a
   * listed {@code GET} also covers {@code HEAD}) and its pattern matches {@code path}, a trailing
   * slash being insignificant.
   *
   * @param method the request's HTTP method
   * @param path the normalised request path
   * @return the access the request needs
   */
  public Access decide(String method, RequestPath path) {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    String upperMethod = method.toUpperCase(Locale.ROOT); // the same instance when already upper
    String value = path.value();
    for (Rule rule : rules) {
      if (rule.appliesTo(upperMethod) && rule.pattern.matches(value)) {
        return rule.access;
      }
    }
    return Access.authenticated();
  }

  /**
   * Returns the number of rules.
   *
   * @return how many rules there are
   */
  public int size() {
    return rules.length;
  }

  /**
   * A rule that never decides: every request it applies to is decided by an earlier rule.
   *
   * @param rule the shadowed rule's position, from 1, and canonical text
   * @param by the earlier rule's position and canonical text
   */
  record Shadowed(int rulePosition, String rule, int byPosition, String by) {}

  /**
   * Returns the rules that can never match because one earlier rule applies to every request they
   * apply to (the same or more methods, a pattern matching every path theirs does, in every case
   * spelling theirs does). Conservative: a rule reported here is certainly dead; a rule shadowed
   * only by several earlier rules together, or by globs this check cannot compare, is not reported.
   */
  List<Shadowed> shadowed() {
    List<Shadowed> found = new ArrayList<>();
    for (int later = 1; later < rules.length; later++) {
      for (int earlier = 0; earlier < later; earlier++) {
        if (rules[earlier].covers(rules[later])) {
          found.add(
              new Shadowed(later + 1, rules[later].text(), earlier + 1, rules[earlier].text()));
          break;
        }
      }
    }
    return List.copyOf(found);
  }

  /**
   * Returns the rules in canonical text, one per line ({@code GET,HEAD /reports/** read:reports}),
   * which {@link #parse} accepts and which parses back to the same text.
   */
  @Override
  public String toString() {
    StringBuilder text = new StringBuilder();
    for (Rule rule : rules) {
      if (text.length() > 0) {
        text.append('\n');
      }
      text.append(rule.text());
    }
    return text.toString();
  }

  private static List<String> tokens(String line) {
    List<String> tokens = new ArrayList<>();
    int i = 0;
    int length = line.length();
    while (i < length) {
      while (i < length && isSpace(line.charAt(i))) {
        i++;
      }
      int start = i;
      while (i < length && !isSpace(line.charAt(i))) {
        i++;
      }
      if (i > start) {
        tokens.add(line.substring(start, i));
      }
    }
    return tokens;
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\f' || c == '\u000B';
  }

  /** Parses one rule's tokens; returns null when it adds problems. */
  private static @Nullable Rule parseRule(List<String> tokens, List<String> problems) {
    int next = 0;
    List<String> methods = List.of();
    String first = tokens.get(0);
    if (!first.startsWith("/") && first.indexOf('/') < 0 && first.indexOf('*') < 0) {
      methods = parseMethods(first, problems);
      next = 1;
    }
    if (next >= tokens.size()) {
      problems.add(
          "\"" + first + "\" has no pattern; expected [METHODS] PATTERN ACCESS, as in GET /x/** a");
      return null;
    }
    String pattern = tokens.get(next++);
    String patternProblem = PathPattern.problem(pattern);
    if (patternProblem != null) {
      problems.add(patternProblem);
    }
    List<String> accessTokens = tokens.subList(next, tokens.size());
    @Nullable Access access = null;
    if (accessTokens.isEmpty()) {
      problems.add("\"" + pattern + "\" has no access; " + EXPECTED_ACCESS);
    } else {
      access = parseAccess(accessTokens, problems);
    }
    if (!problems.isEmpty() || access == null) {
      return null;
    }
    return new Rule(methods, PathPattern.compile(pattern, access != Access.permit()), access);
  }

  private static List<String> parseMethods(String token, List<String> problems) {
    Set<String> methods = new LinkedHashSet<>();
    int start = 0;
    while (true) {
      int comma = token.indexOf(',', start);
      String method = token.substring(start, comma < 0 ? token.length() : comma);
      if (method.isEmpty()) {
        problems.add(
            "\""
                + token
                + "\" has an empty method; expected methods separated by commas without spaces,"
                + " as in GET,HEAD");
      } else if (!isMethod(method)) {
        problems.add(
            "\""
                + method
                + "\" is neither a method nor a pattern; expected upper-case methods separated by"
                + " commas (GET,HEAD) or a pattern starting with /");
      } else {
        methods.add(method);
      }
      if (comma < 0) {
        break;
      }
      start = comma + 1;
    }
    return List.copyOf(methods);
  }

  /** An upper-case HTTP method token: letters A-Z, digits, {@code -} and {@code _}. */
  private static boolean isMethod(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
        return false;
      }
    }
    return true;
  }

  private static @Nullable Access parseAccess(List<String> tokens, List<String> problems) {
    List<Access> keywords = new ArrayList<>();
    Set<String> scopes = new LinkedHashSet<>();
    int before = problems.size();
    for (String token : tokens) {
      Access keyword = keyword(token);
      if (keyword != null) {
        keywords.add(keyword);
      } else if (keyword(token.toLowerCase(Locale.ROOT)) != null) {
        problems.add(
            "\""
                + token
                + "\" is not an access keyword; expected "
                + token.toLowerCase(Locale.ROOT)
                + " in lower case");
      } else if (!Scopes.isToken(token)) {
        problems.add(
            "\""
                + token
                + "\" is not a scope name; expected printable ASCII without space, \" or \\"
                + " (RFC 6749 §3.3)");
      } else {
        scopes.add(token);
      }
    }
    if (keywords.size() > 1 || (keywords.size() == 1 && !scopes.isEmpty())) {
      problems.add(
          "\""
              + String.join(" ", tokens)
              + "\" mixes kinds of access; expected exactly one of permit, deny, authenticated,"
              + " or only scope names");
    }
    if (problems.size() > before) {
      return null;
    }
    return keywords.isEmpty() ? Access.scopes(scopes) : keywords.get(0);
  }

  private static @Nullable Access keyword(String token) {
    switch (token) {
      case "permit":
        return Access.permit();
      case "deny":
        return Access.deny();
      case "authenticated":
        return Access.authenticated();
      default:
        return null;
    }
  }

  /** One compiled rule; {@code matchMethods} is null when the rule applies to every method. */
  private static final class Rule {
    final List<String> methods;
    final String @Nullable [] matchMethods;
    final PathPattern pattern;
    final Access access;

    Rule(List<String> methods, PathPattern pattern, Access access) {
      this.methods = methods;
      this.pattern = pattern;
      this.access = access;
      if (methods.isEmpty()) {
        this.matchMethods = null;
      } else {
        Set<String> match = new LinkedHashSet<>(methods);
        if (match.contains("GET")) {
          match.add("HEAD");
        }
        this.matchMethods = match.toArray(new String[0]);
      }
    }

    /** The rule in canonical text. */
    String text() {
      return (methods.isEmpty() ? "" : String.join(",", methods) + " ") + pattern + " " + access;
    }

    /** Whether this rule applies to every request {@code other} applies to. */
    boolean covers(Rule other) {
      if (matchMethods != null) {
        if (other.matchMethods == null) {
          return false;
        }
        for (String method : other.matchMethods) {
          if (!appliesTo(method)) {
            return false;
          }
        }
      }
      return pattern.covers(other.pattern);
    }

    boolean appliesTo(String upperMethod) {
      if (matchMethods == null) {
        return true;
      }
      for (String method : matchMethods) {
        if (method.equals(upperMethod)) {
          return true;
        }
      }
      return false;
    }
  }
}
