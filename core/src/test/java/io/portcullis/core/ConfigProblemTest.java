package io.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Configuration problems are records whose key references are spelled only when rendered: no
 * rendered problem names a key as plain text, so each front end names keys its own way.
 */
class ConfigProblemTest {

  /** A spelling that marks every key it is asked for. */
  private static final ConfigProblem.Spelling MARKED =
      new ConfigProblem.Spelling() {
        @Override
        public String key(ConfigKey key) {
          return "<" + key.key().toUpperCase(java.util.Locale.ROOT) + ">";
        }

        @Override
        public String howToSet(ConfigKey key) {
          return "[how to set " + key(key) + "]";
        }
      };

  /** Bad configurations, each given as environment variables (whose raw names are not keys). */
  private static final List<Map<String, String>> BAD =
      List.of(
          Map.of("PORTCULLIS_CLIENT_AUTH", "client_secret_basic"),
          Map.of("PORTCULLIS_CLIENT_AUTH", "none", "PORTCULLIS_CLIENT_SECRET", "s"),
          Map.of("PORTCULLIS_CLIENT_AUTH", "private_key_jwt"),
          Map.of("PORTCULLIS_CLIENT_AUTH", "magic"),
          Map.of("PORTCULLIS_M2M_CLIENT_SECRET", "s"),
          Map.of("PORTCULLIS_M2M_CLIENT_ID", "batch"),
          Map.of("PORTCULLIS_REDIRECT_PATH", "/x", "PORTCULLIS_LOGOUT_PATH", "/x"),
          Map.of("PORTCULLIS_REDIRECT_PATH", "x"),
          Map.of("PORTCULLIS_AUTHORIZATION_PARAMS", "scope=a&response_mode=b"),
          Map.of("PORTCULLIS_AUTHORIZATION_PARAMS", "redirect_uri=a"),
          Map.of("PORTCULLIS_AUTHORIZATION_PARAMS", "client_id=a"),
          Map.of("PORTCULLIS_BEARER_AUDIENCE", "app"),
          Map.of("PORTCULLIS_ISSUER", "https://u:p@idp.example.com"),
          Map.of("PORTCULLIS_RULES", "/x nonsense words"),
          Map.of("PORTCULLIS_REFRESH_BEFORE", "soon", "PORTCULLIS_HTTP_TIMEOUT", "0"),
          Map.of("PORTCULLIS_SCOPES", "profile"),
          Map.of("PORTCULLIS_STATE_KEY", "abc"),
          Map.of("PORTCULLIS_TRUSTED_PROXIES", "proxy.internal"),
          Map.of("PORTCULLIS_IDENTITY_HEADERS", "a:b"),
          Map.of("PORTCULLIS_RESPONSE_MODE", "fragment", "PORTCULLIS_BEARER_TOKENS", "all"),
          Map.of("PORTCULLIS_SCOPE_STEP_UP", "maybe", "PORTCULLIS_ROLES_CLAIM", "a..b"),
          Map.of("PORTCULLIS_CLIENTID", "x"));

  private static List<ConfigProblem> problems(Map<String, String> env) {
    return catchThrowableOfType(
            InvalidConfigurationException.class,
            () -> PortcullisConfig.from(ConfigSource.environment(env)))
        .configProblems();
  }

  @Test
  void renderWhenAnySpellingThenEveryKeyNameComesFromTheSpelling() {
    List<Pattern> keyWords = new ArrayList<>();
    for (ConfigKey key : ConfigKey.values()) {
      if (key.key().contains("-")) { // one-word keys (issuer, scopes, rules) are also plain words
        keyWords.add(Pattern.compile("(?<![\\w.-])" + Pattern.quote(key.key()) + "(?![\\w-])"));
      }
    }
    int checked = 0;
    for (Map<String, String> env : BAD) {
      List<ConfigProblem> problems = problems(env);
      assertThat(problems).as("%s", env).isNotEmpty();
      for (ConfigProblem problem : problems) {
        String text = problem.render(MARKED);
        for (Pattern word : keyWords) {
          assertThat(word.matcher(text).find())
              .as("%s names a key as text: %s", env, text)
              .isFalse();
        }
        assertThat(problem.render(ConfigProblem.Spelling.KEYS)).isEqualTo(problem.toString());
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(BAD.size());
  }

  @Test
  void recordWhenInvalidThenCarriesKeySourceRawNameAndValue() {
    ConfigProblem p =
        problems(Map.of("PORTCULLIS_REFRESH_BEFORE", "soon")).stream()
            .filter(c -> c.key() == ConfigKey.REFRESH_BEFORE)
            .findFirst()
            .orElseThrow();
    assertThat(p.kind()).isEqualTo(ConfigProblem.Kind.INVALID);
    assertThat(p.source()).isEqualTo("environment variable");
    assertThat(p.rawName()).isEqualTo("PORTCULLIS_REFRESH_BEFORE");
    assertThat(p.rawValue()).isEqualTo("soon");
    assertThat(p.expectation()).isNotNull();
    assertThat(p.render(MARKED))
        .startsWith(
            "<REFRESH-BEFORE> = \"soon\" (from environment variable"
                + " \"PORTCULLIS_REFRESH_BEFORE\"): is not a whole number of seconds; expected");
  }

  @Test
  void recordWhenSecretThenKeepsNoValue() throws Exception {
    ConfigProblem p =
        problems(Map.of("PORTCULLIS_CLIENT_AUTH", "none", "PORTCULLIS_CLIENT_SECRET", "top-s3cret"))
            .get(0);
    assertThat(p.toString()).doesNotContain("top-s3cret");
    ConfigProblem secret =
        new ConfigProblem(
            ConfigProblem.Kind.INVALID,
            ConfigKey.CLIENT_SECRET,
            "x",
            "y",
            "top-s3cret",
            ConfigProblem.Text.of("is bad"),
            null);
    assertThat(secret.rawValue()).isNull();
    assertThat(secret.toString())
        .isEqualTo("client-secret = (value hidden) (from x \"y\"): is bad");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(
          new InvalidConfigurationException(List.of(p, secret), ConfigProblem.Spelling.KEYS));
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      InvalidConfigurationException read = (InvalidConfigurationException) in.readObject();
      assertThat(read.configProblems()).containsExactly(p, secret);
    }
    assertThat(new String(bytes.toByteArray(), java.nio.charset.StandardCharsets.ISO_8859_1))
        .doesNotContain("top-s3cret");
  }

  @Test
  void unknownWhenMisspelledThenSuggestsTheSourcesOwnName() {
    ConfigProblem p =
        problems(Map.of("PORTCULLIS_CLIENTID", "x")).stream()
            .filter(c -> c.kind() == ConfigProblem.Kind.UNKNOWN)
            .findFirst()
            .orElseThrow();
    assertThat(p.toString())
        .isEqualTo(
            "unknown key \"PORTCULLIS_CLIENTID\" in environment variable; did you mean \"PORTCULLIS_CLIENT_ID\"?");
  }
}
