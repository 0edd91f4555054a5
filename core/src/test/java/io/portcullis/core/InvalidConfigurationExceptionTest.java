package io.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InvalidConfigurationExceptionTest {

  @Test
  void getMessageWhenSeveralProblemsThenOneBulletEach() {
    InvalidConfigurationException e = new InvalidConfigurationException(List.of("a", "b"));
    assertThat(e.getMessage()).isEqualTo("Invalid Portcullis configuration:\n  - a\n  - b");
    assertThat(e.problems()).containsExactly("a", "b");
  }

  @Test
  void problemsWhenSourceListChangesThenUnchanged() {
    List<String> problems = new ArrayList<>(List.of("a"));
    InvalidConfigurationException e = new InvalidConfigurationException(problems);
    problems.add("b");
    assertThat(e.problems()).containsExactly("a");
  }

  @Test
  void constructorWhenNoProblemsThenRefused() {
    assertThatThrownBy(() -> new InvalidConfigurationException(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
