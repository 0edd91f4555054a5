package io.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** SPEC.md "Responses": which {@code Accept} headers accept HTML. */
class RequestKindTest {

  @ParameterizedTest(name = "[{0}] -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "text/html                                         | true",
        "TEXT/HTML                                         | true",
        "text/html,application/xhtml+xml,*/*;q=0.8          | true",
        "*/*                                               | true",
        "text/*                                            | true",
        "  text/html  ;  level=1                            | true",
        "text/html;q=0.5                                   | true",
        "application/json;q=0.9, text/html;q=0.1            | true",
        "application/json                                  | false",
        "text/plain                                        | false",
        "text/html;q=0                                     | false",
        "text/html;q=0.0, application/json                  | false",
        "text/html ; q = 0.000                             | false",
        "text/*;q=0, */*;q=0                                | false",
        "text/html;q=0.01                                  | true",
        ";;;                                               | false",
        ",,,                                               | false",
        "text/htmlx                                        | false",
        "xtext/html                                        | false",
        "q=0                                               | false"
      })
  void acceptsHtmlWhenHeaderGivenThenAnswersPerMediaRange(String accept, boolean expected) {
    assertThat(RequestKind.acceptsHtml(accept.strip())).isEqualTo(expected);
  }
}
