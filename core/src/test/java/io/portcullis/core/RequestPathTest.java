package io.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RequestPathTest {

  private static String value(String raw) {
    return RequestPath.parse(raw).map(RequestPath::value).orElse("<refused>");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "/admin/../admin      | /admin",
        "//admin              | /admin",
        "/admin//x///y        | /admin/x/y",
        "/admin;x=1           | /admin",
        "/admin;jsessionid=1  | /admin",
        "/admin;x=1/y         | /admin/y",
        "/a;x/;y/b;z          | /a/b",
        "/public/..;/admin    | /admin",
        "/%61dmin             | /admin",
        "/a/%2e/b             | /a/b",
        "/a/%2E%2e/b          | /b",
        "/a/./b/.             | /a/b/",
        "/a/b/..              | /a/",
        "/a/..                | /",
        "/a/b/../..           | /",
        "/admin/              | /admin/",
        "/admin//             | /admin/",
        "/admin/;x            | /admin/",
        "admin                | /admin",
        "admin/x              | /admin/x",
        ".                    | /",
        "/                    | /",
        "/.well-known/x       | /.well-known/x",
        "/a/...               | /a/...",
        "/a/.b/..c            | /a/.b/..c",
        "/%25                 | /%",
        "/%2541               | /%41",
        "/a%3Fb               | /a?b",
        "/caf%C3%A9           | /café",
        "/caf%c3%a9           | /café",
        "/%F0%9F%98%80        | /\uD83D\uDE00",
        "/a%20b               | /a b",
      })
  void parseWhenPathNeedsNormalisingThenValueIsNormal(String raw, String expected) {
    assertThat(value(raw)).isEqualTo(expected);
  }

  @Test
  void parseWhenEmptyThenRoot() {
    assertThat(value("")).isEqualTo("/");
    assertThat(RequestPath.parse("").orElseThrow().encoded()).isEqualTo("/");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "/admin%2Fx",
        "/admin%3B/x",
        "/admin%3bx",
        "/admin%2fx",
        "/a%5Cb",
        "/a%5cb",
        "/a\\b",
        "\\admin",
        "/..",
        "..",
        "/a/../..",
        "/a/%2e%2e/%2e%2e",
        "/%2e%2e/x",
        "/..;/x",
        "/a%00",
        "/a%0d%0ab",
        "/a%7F",
        "/a%1Fb",
        "/a\tb",
        "/a\u0000b",
        "/a\rb",
        "/a\u007fb",
        "/a%zz",
        "/a%",
        "/a%4",
        "/a%4g",
        "/%C3",
        "/%C3/x",
        "/%C3%28",
        "/%C3a",
        "/%C0%AF",
        "/%C1%81",
        "/%E0%80%AF",
        "/%F0%80%80%AF",
        "/%ED%A0%80",
        "/%F4%90%80%80",
        "/%FF",
        "/%80",
        "/a%\uFF10\uFF10",
        "/a;x=%00",
        "/a;x=%zz",
        "/a;x=%2F",
        "/a\uD800b",
        "/a\uDC00",
      })
  void parseWhenPathCannotBeNormalisedSafelyThenEmpty(String raw) {
    assertThat(RequestPath.parse(raw)).isEmpty();
  }

  @Test
  void parseWhenSingleDecodingThenPercentIsAnOrdinaryCharacter() {
    RequestPath path = RequestPath.parse("/%25").orElseThrow();

    assertThat(path.value()).isEqualTo("/%");
    assertThat(path.encoded()).isEqualTo("/%25");
    assertThat(value("/%252F")).isEqualTo("/%2F");
    assertThat(value("/%252e%252e/x")).isEqualTo("/%2e%2e/x");
  }

  @Test
  void encodedWhenValueHasReservedOrNonAsciiCharactersThenPercentEncodedAsUtf8() {
    assertThat(RequestPath.parse("/caf%C3%A9").orElseThrow().encoded()).isEqualTo("/caf%C3%A9");
    assertThat(RequestPath.parse("/café").orElseThrow().encoded()).isEqualTo("/caf%C3%A9");
    assertThat(RequestPath.parse("/a%3Db%3F%23%20").orElseThrow().encoded())
        .isEqualTo("/a=b%3F%23%20");
    assertThat(RequestPath.parse("/%F0%9F%98%80").orElseThrow().encoded())
        .isEqualTo("/%F0%9F%98%80");
    assertThat(RequestPath.parse("/a-._~!$&'()*+,=:@b/").orElseThrow().encoded())
        .isEqualTo("/a-._~!$&'()*+,=:@b/");
  }

  @Test
  void parseWhenAlreadyNormalThenSameStringIsKept() {
    String raw = "/reports/2024/q1.css";

    RequestPath path = RequestPath.parse(raw).orElseThrow();

    assertThat(path.value()).isSameAs(raw);
    assertThat(path.encoded()).isSameAs(raw);
  }

  @Test
  void equalsWhenSameValueThenEqual() {
    RequestPath a = RequestPath.parse("/admin/x").orElseThrow();
    RequestPath b = RequestPath.parse("//admin/./x;y").orElseThrow();

    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a).isNotEqualTo(RequestPath.parse("/admin/y").orElseThrow());
    assertThat(a).hasToString("/admin/x");
  }

  @Test
  void parseWhenGeneratedInputsThenResultIsNormalOrEmpty() {
    String[] pieces = {
      "/", ".", "..", ";", "%", "2F", "2f", "5C", "2e", "a", "A", "\\", "%00", "%61", "//"
    };
    Random random = new Random(20240601L);
    int accepted = 0;
    for (int n = 0; n < 20_000; n++) {
      StringBuilder raw = new StringBuilder();
      int count = random.nextInt(10);
      for (int k = 0; k < count; k++) {
        raw.append(pieces[random.nextInt(pieces.length)]);
      }
      Optional<RequestPath> parsed = RequestPath.parse(raw.toString());
      if (parsed.isEmpty()) {
        continue;
      }
      accepted++;
      String value = parsed.get().value();
      String encoded = parsed.get().encoded();
      assertThat(value).as(raw.toString()).startsWith("/");
      assertThat(value)
          .as(raw.toString())
          .doesNotContain("//")
          .doesNotContain("/./")
          .doesNotContain("/../")
          .doesNotContain("\\")
          .doesNotEndWith("/.")
          .doesNotEndWith("/..");
      assertThat(value.chars().noneMatch(c -> c < 0x20 || c == 0x7F)).as(raw.toString()).isTrue();
      assertThat(encoded).as(raw.toString()).startsWith("/").doesNotStartWith("//");
      assertThat(encoded).as(raw.toString()).doesNotStartWith("/\\");
      assertThat(RequestPath.parse(encoded).map(RequestPath::value))
          .as(raw.toString())
          .contains(value);
    }
    assertThat(accepted).isGreaterThan(1_000);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "''                  | /",
        "/                   | /",
        "/admin              | /admin",
        "/admin/             | /admin/",
        "//admin/./x/../y    | /admin/y",
        "/a%2e%2e/b          | /a%2e%2e/b",
        "/a%2Fb              | /a%2Fb",
        "/café               | /café",
        "/../admin           | <refused>",
        "/admin;x=1          | <refused>",
        "/a\\b               | <refused>"
      })
  void fromDecodedWhenContainerDecodedPathThenPercentIsAnOrdinaryCharacter(
      String decoded, String expected) {
    RequestPath path = RequestPath.fromDecodedOrNull(decoded);
    assertThat(path == null ? "<refused>" : path.value()).isEqualTo(expected);
  }

  @Test
  void fromDecodedWhenGeneratedThenAgreesWithParseOfItsEncoding() {
    Random random = new Random(7);
    String alphabet = "ab/.%;\\\u0000\u00e9\ud83d\ude00\u007f:@!";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder s = new StringBuilder();
      for (int n = random.nextInt(12); n > 0; n--) {
        s.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String decoded = s.toString();
      RequestPath path = RequestPath.fromDecodedOrNull(decoded);
      if (path != null) {
        // What it accepts is normal: parsing its encoding gives it back, and it has no ';', '\\' or
        // control character.
        assertThat(RequestPath.parse(path.encoded())).as(decoded).hasValue(path);
        assertThat(path.value()).as(decoded).doesNotContain(";", "\\", "\u0000", "\u007f", "//");
      } else {
        assertThat(
                decoded.contains(";")
                    || decoded.contains("\\")
                    || decoded.contains("\u0000")
                    || decoded.contains("\u007f")
                    || decoded.contains("..")
                    || hasUnpairedSurrogate(decoded))
            .as(decoded)
            .isTrue();
      }
    }
  }

  private static boolean hasUnpairedSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return true;
      }
    }
    return false;
  }
}
