package io.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Issue 11 AC5: one place for what a scope token is and how scope strings split and join. */
class ScopesTest {
  /** RFC 6749 §3.3, written out from the ABNF: {@code 1*( %x21 / %x23-5B / %x5D-7E )}. */
  private static final Pattern SCOPE_TOKEN = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]+");

  @Test
  void aScopeTokenIsWhatRfc6749Says() {
    for (int c = 0; c < 0x3000; c++) {
      String s = new String(Character.toChars(c));
      assertThat(Scopes.isTokenChar(c)).as("U+%04X", c).isEqualTo(SCOPE_TOKEN.matcher(s).matches());
      assertThat(Scopes.isToken(s)).as("U+%04X", c).isEqualTo(SCOPE_TOKEN.matcher(s).matches());
    }
    assertThat(Scopes.isToken("")).isFalse();
    Random random = new Random(11);
    char[] alphabet = "aZ09:/.-_,!\"\\ \t~\u00e9\u0000\u007f".toCharArray();
    for (int i = 0; i < 20_000; i++) {
      StringBuilder s = new StringBuilder();
      for (int n = random.nextInt(6); n > 0; n--) {
        s.append(alphabet[random.nextInt(alphabet.length)]);
      }
      assertThat(Scopes.isToken(s.toString()))
          .as(s.toString())
          .isEqualTo(SCOPE_TOKEN.matcher(s).matches());
    }
  }

  @Test
  void splitsOnWhiteSpaceOnlyInOrderWithoutRepeatsOrEmpties() {
    assertThat(Scopes.split("  openid\tprofile  email\nopenid api:read,write "))
        .containsExactly("openid", "profile", "email", "api:read,write");
    assertThat(Scopes.split("")).isEmpty();
    assertThat(Scopes.split(" \t ")).isEmpty();
  }

  @Test
  void collectsAStringOrAListClaimAndIgnoresOtherShapes() {
    Set<String> into = new LinkedHashSet<>();
    Scopes.collect("a b", into);
    Scopes.collect(List.of("c", "", "a", 7), into);
    Scopes.collect(42, into);
    Scopes.collect(null, into);
    assertThat(into).containsExactly("a", "b", "c");
  }

  @Test
  void unionKeepsTheFirstOrderAndAppendsWhatTheSecondAdds() {
    assertThat(
            Scopes.union(
                List.of("openid", "profile", "openid"), List.of("email", "profile", "api")))
        .containsExactly("openid", "profile", "email", "api");
    assertThat(Scopes.union(List.of(), List.of("b", "a", "b"))).containsExactly("b", "a");
    assertThat(Scopes.union(List.of("x"), new ArrayList<>())).containsExactly("x");
  }
}
