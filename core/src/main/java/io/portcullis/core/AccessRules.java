// PLACEHOLDER: replaced by the rules branch
package io.portcullis.core;

import java.util.Objects;

/**
 * Access rules, one per line ({@code [METHODS] PATTERN ACCESS}); this placeholder only checks the
 * shape of each line and keeps the text.
 */
public final class AccessRules {

  private final String text;

  private AccessRules(String text) {
    this.text = text;
  }

  /**
   * Returns the rules written in {@code text}, or throws when a rule line is malformed.
   *
   * @throws IllegalArgumentException naming the line ({@code "line N: ..."})
   */
  public static AccessRules parse(String text) {
    Objects.requireNonNull(text, "text");
    String[] lines = text.split("\\R", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      int hash = line.indexOf('#');
      String content = (hash >= 0 ? line.substring(0, hash) : line).strip();
      if (!content.isEmpty() && content.split("\\s+").length < 2) {
        throw new IllegalArgumentException(
            "line " + (i + 1) + ": \"" + content + "\" needs a PATTERN and an ACCESS");
      }
    }
    return new AccessRules(text.strip());
  }

  /** Returns the rules used when none are configured: every path needs authentication. */
  public static AccessRules defaults() {
    return new AccessRules("/** authenticated");
  }

  /** Returns the rules as text that {@link #parse(String)} reads back. */
  @Override
  public String toString() {
    return text;
  }
}
