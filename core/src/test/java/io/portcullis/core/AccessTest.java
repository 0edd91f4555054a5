package io.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AccessTest {

  @Test
  void factoriesWhenCalledTwiceThenSharedConstants() {
    assertThat(Access.permit()).isSameAs(Access.permit());
    assertThat(Access.deny()).isSameAs(Access.deny());
    assertThat(Access.authenticated()).isSameAs(Access.authenticated());
  }

  @Test
  void needsLoginWhenKindThenTrueOnlyForAuthenticatedAndScopes() {
    assertThat(Access.permit().needsLogin()).isFalse();
    assertThat(Access.deny().needsLogin()).isFalse();
    assertThat(Access.authenticated().needsLogin()).isTrue();
    assertThat(Access.scopes(Set.of("a")).needsLogin()).isTrue();
  }

  @Test
  void scopesWhenGivenThenImmutableCopyInOrder() {
    Set<String> given = new LinkedHashSet<>(List.of("write:data", "read:reports", "admin"));

    Access access = Access.scopes(given);
    given.add("more");

    assertThat(access.kind()).isEqualTo(Access.Kind.SCOPES);
    assertThat(access.scopes()).containsExactly("write:data", "read:reports", "admin");
    assertThat(access).hasToString("write:data read:reports admin");
    assertThatThrownBy(() -> access.scopes().add("x"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void toStringWhenKeywordThenAccessText() {
    assertThat(Access.permit()).hasToString("permit");
    assertThat(Access.deny()).hasToString("deny");
    assertThat(Access.authenticated()).hasToString("authenticated");
  }

  @Test
  void scopesWhenEmptyOrInvalidThenRejected() {
    assertThatIllegalArgumentException().isThrownBy(() -> Access.scopes(Set.of()));
    assertThatIllegalArgumentException().isThrownBy(() -> Access.scopes(Set.of("a b")));
    assertThatIllegalArgumentException().isThrownBy(() -> Access.scopes(Set.of("a\"b")));
    assertThatIllegalArgumentException().isThrownBy(() -> Access.scopes(Set.of("")));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new Access(Access.Kind.PERMIT, Set.of("a")));
  }
}
