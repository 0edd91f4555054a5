package io.portcullis.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.portcullis.core.Identity;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PortcullisRequestTest {
  /** The first, allocating implementation: the oracle for the in-place one. */
  private static boolean oracle(String name) {
    String n = name.toLowerCase(Locale.ROOT).replace('_', '-');
    return n.equals("remote-user") || n.equals("x-remote-user") || n.equals("x-forwarded-user")
        || n.equals("x-forwarded-email") || n.equals("x-forwarded-preferred-username")
        || n.equals("x-forwarded-groups") || n.equals("x-forwarded-access-token")
        || n.startsWith("x-auth-request-") || n.startsWith("oidc-claim-") || n.startsWith("oidc-access-token")
        || n.startsWith("x-portcullis-") || n.equals("x-user") || n.equals("x-email");
  }

  @Test
  void identityHeaderWhenKnownSpellingsThenHidden() {
    for (String name : List.of("Remote-User", "REMOTE_USER", "x-remote-user", "X-Forwarded-User", "x_forwarded_email",
        "X-Forwarded-Preferred-Username", "X-Forwarded-Groups", "X-Forwarded-Access-Token", "X-Auth-Request-User",
        "x-auth-request-", "OIDC_CLAIM_sub", "oidc-claim-email", "OIDC_access_token", "Oidc-Access-Token-Expires",
        "X-Portcullis-Anything", "X-User", "x_email")) {
      assertThat(PortcullisRequest.isIdentityHeader(name)).as(name).isTrue();
    }
    for (String name : List.of("Accept", "Cookie", "Host", "X-Requested-With", "X-Forwarded-For", "X-Forwarded-Proto",
        "Remote-Users", "x-users", "X-Emails", "oidc-claim", "X-Portcullis", "", "x", "Referer", "Origin")) {
      assertThat(PortcullisRequest.isIdentityHeader(name)).as(name).isFalse();
    }
  }

  @Test
  void identityHeaderWhenGeneratedNamesThenSameAsOracle() {
    String[] parts = {"x", "X", "-", "_", "remote", "REMOTE", "user", "User", "forwarded", "email", "auth", "request",
        "oidc", "OIDC", "claim", "access", "token", "portcullis", "groups", "preferred", "username", "a", "İ", "ſ", "K"};
    Random random = new Random(42);
    for (int i = 0; i < 200_000; i++) {
      StringBuilder name = new StringBuilder();
      int n = 1 + random.nextInt(8);
      for (int j = 0; j < n; j++) {
        name.append(parts[random.nextInt(parts.length)]);
      }
      String s = name.toString();
      if (isAsciiSpelling(s)) {
        assertThat(PortcullisRequest.isIdentityHeader(s)).as(s).isEqualTo(oracle(s));
      } else if (oracle(s)) {
        assertThat(PortcullisRequest.isIdentityHeader(s)).as(s).isTrue();
      }
    }
  }

  /**
   * Header names are ASCII tokens (RFC 9110). For other characters the in-place comparison folds
   * char by char ("İ" → "i"), where the oracle lower-cases the string ("İ" → "i̇"): it may hide
   * more, never less.
   */
  private static boolean isAsciiSpelling(String s) {
    return s.chars().allMatch(c -> c < 128);
  }

  @Test
  void identityAttributeWhenLoggedInThenFromWrapperWhateverTheContainerHolds() {
    HttpServletRequest base = mock(HttpServletRequest.class);
    when(base.getAttribute(PortcullisRequests.IDENTITY_ATTRIBUTE)).thenReturn("forged");
    when(base.getAttribute("other")).thenReturn("x");
    when(base.getAttributeNames()).thenReturn(Collections.enumeration(List.of("other", PortcullisRequests.IDENTITY_ATTRIBUTE)));
    Identity identity = mock(Identity.class);

    PortcullisRequest loggedIn = new PortcullisRequest(base, identity);
    assertThat(loggedIn.getAttribute(PortcullisRequests.IDENTITY_ATTRIBUTE)).isSameAs(identity);
    assertThat(PortcullisRequests.identity(loggedIn)).containsSame(identity);
    assertThat(loggedIn.getAttribute("other")).isEqualTo("x");
    assertThat(Collections.list(loggedIn.getAttributeNames()))
        .containsExactly("other", PortcullisRequests.IDENTITY_ATTRIBUTE);

    PortcullisRequest anonymous = new PortcullisRequest(base, null);
    assertThat(anonymous.getAttribute(PortcullisRequests.IDENTITY_ATTRIBUTE)).isNull();
    assertThat(PortcullisRequests.identity(anonymous)).isEmpty();
  }
}
