package io.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** README.md's configuration table is the {@link ConfigKey} table: one row per key, same words. */
class ReadmeConfigTableTest {

  static String expectedTable() {
    StringBuilder table = new StringBuilder("| key | meaning | default |\n|---|---|---|\n");
    for (ConfigKey key : ConfigKey.values()) {
      table
          .append("| `")
          .append(key.key())
          .append("` | ")
          .append(key.description())
          .append(" | ")
          .append(key.defaultText())
          .append(" |\n");
    }
    return table.toString();
  }

  @Test
  void readmeWhenReadThenHoldsTheConfigKeyTable() throws Exception {
    Path readme = Path.of("..", "README.md");
    String text = Files.readString(readme).replace("\r\n", "\n");
    assertThat(text)
        .as("README.md must contain exactly this table:%n%s", expectedTable())
        .contains(expectedTable());
  }
}
