package io.portcullis.core;

import java.util.List;
import java.util.Objects;

/**
 * Carries every problem found in a configuration at once, each naming the key, where it came from
 * and what is expected, and never a secret value.
 */
public final class InvalidConfigurationException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final List<String> problems;
  private final List<ConfigProblem> configProblems;

  /**
   * Creates an exception listing {@code problems}, which must not be empty nor contain secret
   * values.
   */
  public InvalidConfigurationException(List<String> problems) {
    super(message(problems));
    this.problems = List.copyOf(problems);
    this.configProblems = List.of();
  }

  /**
   * Creates an exception listing {@code problems}, which must not be empty, rendered in {@code
   * spelling}.
   */
  public InvalidConfigurationException(
      List<ConfigProblem> problems, ConfigProblem.Spelling spelling) {
    this(render(problems, spelling), problems);
  }

  private InvalidConfigurationException(List<String> rendered, List<ConfigProblem> problems) {
    super(message(rendered));
    this.problems = List.copyOf(rendered);
    this.configProblems = List.copyOf(problems);
  }

  private static List<String> render(
      List<ConfigProblem> problems, ConfigProblem.Spelling spelling) {
    Objects.requireNonNull(problems, "problems");
    Objects.requireNonNull(spelling, "spelling");
    return problems.stream().map(p -> p.render(spelling)).toList();
  }

  private static String message(List<String> problems) {
    Objects.requireNonNull(problems, "problems");
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("problems is empty");
    }
    return "Invalid Portcullis configuration:\n  - " + String.join("\n  - ", problems);
  }

  /** Returns the problems, one line each, in the order they were found; immutable. */
  public List<String> problems() {
    return problems;
  }

  /**
   * Returns the problems as records, in the order they were found, for a front end to render in its
   * own spelling ({@link ConfigProblem#render}); empty when the exception was made from sentences
   * only.
   */
  public List<ConfigProblem> configProblems() {
    return configProblems;
  }
}
