package io.portcullis.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.core.ConfigKey;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.json.JsonParserFactory;

/** The generated configuration metadata, as IDEs read it from the starter's jar. */
class ConfigurationMetadataTest {

  @SuppressWarnings("unchecked")
  private static Map<String, Map<String, Object>> properties() throws Exception {
    try (InputStream in =
        PortcullisProperties.class
            .getClassLoader()
            .getResourceAsStream("META-INF/spring-configuration-metadata.json")) {
      Objects.requireNonNull(
          in, "META-INF/spring-configuration-metadata.json is not on the class path");
      Map<String, Object> json =
          JsonParserFactory.getJsonParser()
              .parseMap(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      Map<String, Map<String, Object>> byName = new LinkedHashMap<>();
      for (Object p : (List<Object>) json.get("properties")) {
        Map<String, Object> property = (Map<String, Object>) p;
        byName.put((String) property.get("name"), property);
      }
      return byName;
    }
  }

  @Test
  void metadataWhenGeneratedThenListsEveryConfigKeyWithDescriptionAndNothingElseButOurOwn()
      throws Exception {
    Map<String, Map<String, Object>> properties = properties();

    List<String> expected =
        Stream.concat(
                Stream.of(ConfigKey.values()).map(ConfigKey::systemProperty),
                Stream.of(
                    "portcullis.enabled",
                    "portcullis.client-credentials.scopes",
                    "portcullis.provider"))
            .sorted()
            .collect(Collectors.toList());
    assertThat(properties.keySet()).containsExactlyInAnyOrderElementsOf(expected);
    for (ConfigKey key : ConfigKey.values()) {
      Map<String, Object> property = properties.get("portcullis." + key.key());
      assertThat((String) property.get("description"))
          .as(key.key())
          .startsWithIgnoringCase(
              key.description()
                  .substring(0, Math.min(20, key.description().length()))
                  .replace("&", "&"))
          .contains("Default: ");
    }
  }

  @Test
  void metadataWhenKeyHasPlainDefaultThenDefaultValueGiven() throws Exception {
    Map<String, Map<String, Object>> properties = properties();

    assertThat(properties.get("portcullis.redirect-path").get("defaultValue"))
        .isEqualTo("/oauth2/callback");
    assertThat(properties.get("portcullis.scopes").get("defaultValue")).isEqualTo("openid profile");
    assertThat(properties.get("portcullis.refresh-before").get("defaultValue")).isEqualTo("60");
    assertThat(properties.get("portcullis.enabled").get("defaultValue")).isEqualTo(true);
  }
}
