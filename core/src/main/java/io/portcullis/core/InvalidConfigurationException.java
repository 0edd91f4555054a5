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

  /**
   * Creates an exception listing {@code problems}, which must not be empty nor contain secret
   * values.
   */
  public InvalidConfigurationException(List<String> problems) {
    super(message(problems));
    this.problems = List.copyOf(problems);
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
}
