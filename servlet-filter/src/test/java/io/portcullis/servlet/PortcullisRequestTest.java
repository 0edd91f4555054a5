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
  /**
   * The allocating implementation, the oracle for the in-place one: the same list, each name
   * lower-cased with {@code _} read as {@code -}, a trailing {@code *} a prefix.
   */
  private static boolean oracle(String name, List<String> extra) {
    String n = name.toLowerCase(Locale.ROOT).replace('_', '-');
    List<String> all = new java.util.ArrayList<>(IdentityHeaders.BUILT_IN);
    all.addAll(extra);
    for (String hidden : all) {
      if (hidden.endsWith("*")
          ? n.startsWith(hidden.substring(0, hidden.length() - 1))
          : n.equals(hidden)) {
        return true;
      }
    }
    return false;
  }

  private static boolean hidden(String name) {
    return IdentityHeaders.DEFAULT.hides(name);
  }

  @Test
  void identityHeaderWhenKnownSpellingsThenHidden() {
    for (String name :
        List.of(
            "Remote-User",
            "REMOTE_USER",
            "x-remote-user",
            "X-Forwarded-User",
            "x_forwarded_email",
            "X-Forwarded-Preferred-Username",
            "X-Forwarded-Groups",
            "X-Forwarded-Access-Token",
            "X-Auth-Request-User",
            "X-Auth-Request-Email",
            "X-Auth-Request-Preferred-Username",
            "X-Auth-Request-Groups",
            "X-Auth-Request-Access-Token",
            "x-auth-request-",
            "OIDC_CLAIM_sub",
            "oidc-claim-email",
            "OIDC_access_token",
            "Oidc-Access-Token-Expires",
            "OIDC_id_token",
            "OIDC_id_token_payload",
            "OIDC_userinfo_json",
            "OIDC_refresh_token",
            "X-Portcullis-Anything",
            "X-User",
            "x_email",
            "X-WEBAUTH-USER",
            "X-WEBAUTH-EMAIL",
            "X-Webauth-Groups",
            "X-Authenticated-User",
            "X-Authenticated-Userid",
            "X-Authenticated-Scope",
            "X-MS-CLIENT-PRINCIPAL",
            "X-MS-CLIENT-PRINCIPAL-NAME",
            "X-MS-CLIENT-PRINCIPAL-ID",
            "X-MS-CLIENT-PRINCIPAL-IDP",
            "X-MS-TOKEN-AAD-ACCESS-TOKEN",
            "X-MS-TOKEN-AAD-ID-TOKEN",
            "X-Amzn-Oidc-Data",
            "X-Amzn-Oidc-Identity",
            "X-Amzn-Oidc-Accesstoken",
            "X-Goog-Authenticated-User-Email",
            "X-Goog-Authenticated-User-Id",
            "X-Goog-IAP-JWT-Assertion",
            "X-Userinfo",
            "X-Id-Token",
            "X-Access-Token",
            "X-Remote-Groups",
            "X-Remote-Group",
            "X-Remote-Extra-Scopes",
            "Remote-Groups",
            "Remote-Email",
            "Remote-Name",
            "X-Consumer-Username",
            "X-Consumer-Custom-ID",
            "X-Credential-Identifier",
            "X-Anonymous-Consumer",
            "X-Pomerium-Jwt-Assertion",
            "X-Pomerium-Claim-Email",
            "X-authentik-username",
            "X-authentik-groups",
            "X-Vouch-User",
            "MELLON_NAME_ID",
            "Shib-Identity-Provider",
            "Cf-Access-Jwt-Assertion",
            "Cf-Access-Authenticated-User-Email",
            "X-Username",
            "X-User-Id",
            "X-User-Email",
            "X-User-Groups",
            "X-Auth-User")) {
      assertThat(hidden(name)).as(name).isTrue();
    }
    for (String name :
        List.of(
            "Accept",
            "Cookie",
            "Host",
            "X-Requested-With",
            "X-Forwarded-For",
            "X-Forwarded-Proto",
            "X-Forwarded-Host",
            "X-Forwarded-Port",
            "X-Real-IP",
            "X-Remote-Addr",
            "X-Remote-IP",
            "Remote-Users",
            "x-users",
            "X-Emails",
            "oidc",
            "X-Portcullis",
            "",
            "x",
            "Referer",
            "Origin",
            "X-SSL-Client-Cert",
            "X-Forwarded-Client-Cert",
            "X-User-Agent",
            "X-Authenticated",
            "X-Ms-Request-Id",
            "X-Amzn-Trace-Id",
            "X-Goog-Api-Key",
            "Cf-Connecting-IP",
            "Cf-Ray",
            "X-Request-Id",
            "Authorization",
            "Content-Type",
            "X-CSRF-Token",
            "Sec-Fetch-Mode")) {
      assertThat(hidden(name)).as(name).isFalse();
    }
  }

  @Test
  void identityHeaderWhenGeneratedNamesThenSameAsOracle() {
    String[] parts = {
      "x",
      "X",
      "-",
      "_",
      "remote",
      "REMOTE",
      "user",
      "User",
      "forwarded",
      "email",
      "auth",
      "request",
      "oidc",
      "OIDC",
      "claim",
      "access",
      "token",
      "portcullis",
      "groups",
      "preferred",
      "username",
      "a",
      "İ",
      "ſ",
      "K",
      "ms",
      "client",
      "principal",
      "amzn",
      "goog",
      "authenticated",
      "webauth",
      "cf",
      "shib",
      "corp",
      "id",
      "group"
    };
    List<String> extra = List.of("x-corp-user", "x-corp-claim-*", "corp-id");
    IdentityHeaders withExtra = new IdentityHeaders(extra);
    List<String> shortExtra = List.of("x", "re*", "ms");
    IdentityHeaders withShortExtra = new IdentityHeaders(shortExtra);
    Random random = new Random(42);
    for (int i = 0; i < 200_000; i++) {
      StringBuilder name = new StringBuilder();
      int n = 1 + random.nextInt(8);
      for (int j = 0; j < n; j++) {
        name.append(parts[random.nextInt(parts.length)]);
      }
      String s = name.toString();
      if (isAsciiSpelling(s)) {
        assertThat(hidden(s)).as(s).isEqualTo(oracle(s, List.of()));
        assertThat(withExtra.hides(s)).as(s).isEqualTo(oracle(s, extra));
        assertThat(withShortExtra.hides(s)).as(s).isEqualTo(oracle(s, shortExtra));
      } else {
        if (oracle(s, List.of())) {
          assertThat(hidden(s)).as(s).isTrue();
        }
        if (oracle(s, extra)) {
          assertThat(withExtra.hides(s)).as(s).isTrue();
        }
      }
    }
  }

  /** The check runs on every header the application reads: it must not allocate. */
  @Test
  void identityHeaderWhenCheckedThenAllocatesNothing() {
    IdentityHeaders withExtra = new IdentityHeaders(List.of("x-corp-user", "x-corp-claim-*"));
    String[] names = {
      "Accept",
      "X-Requested-With",
      "X-Forwarded-For",
      "Remote-User",
      "OIDC_CLAIM_email",
      "X-MS-CLIENT-PRINCIPAL-NAME",
      "x-corp-claim-a",
      "Cf-Ray",
      "User-Agent",
      "X-Amzn-Trace-Id"
    };
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long hits = 0;
    for (int i = 0; i < 200_000; i++) {
      hits += withExtra.hides(names[i % names.length]) ? 1 : 0;
    }
    long before = threads.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < 1_000_000; i++) {
      hits += withExtra.hides(names[i % names.length]) ? 1 : 0;
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertThat(hits).isEqualTo(480_000);
    assertThat(allocated).as("bytes allocated by a million checks").isLessThan(10_000);
  }

  @Test
  void identityHeaderWhenConfiguredExtraThenHiddenBesideBuiltIns() {
    IdentityHeaders withExtra =
        new IdentityHeaders(List.of("x-corp-user", "x-corp-claim-*", "a.b"));
    assertThat(
            List.of(
                "X-Corp-User",
                "x_corp_user",
                "X-CORP-CLAIM-email",
                "x-corp-claim-",
                "A.B",
                "Remote-User"))
        .allMatch(withExtra::hides);
    assertThat(List.of("X-Corp-Users", "X-Corp-Claim", "X-Corp", "a-b", "Accept"))
        .noneMatch(withExtra::hides);
    assertThat(hidden("X-Corp-User")).isFalse();
    IdentityHeaders shortNames = new IdentityHeaders(List.of("ab", "q*"));
    assertThat(List.of("AB", "Ab", "q", "Q-Anything", "Remote-User", "OIDC_CLAIM_x"))
        .allMatch(shortNames::hides);
    assertThat(List.of("abc", "a", "", "Accept", "X-Requested-With")).noneMatch(shortNames::hides);
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
    when(base.getAttributeNames())
        .thenReturn(
            Collections.enumeration(List.of("other", PortcullisRequests.IDENTITY_ATTRIBUTE)));
    Identity identity = mock(Identity.class);

    PortcullisRequest loggedIn = new PortcullisRequest(base, identity, IdentityHeaders.DEFAULT);
    assertThat(loggedIn.getAttribute(PortcullisRequests.IDENTITY_ATTRIBUTE)).isSameAs(identity);
    assertThat(PortcullisRequests.identity(loggedIn)).containsSame(identity);
    assertThat(loggedIn.getAttribute("other")).isEqualTo("x");
    assertThat(Collections.list(loggedIn.getAttributeNames()))
        .containsExactly("other", PortcullisRequests.IDENTITY_ATTRIBUTE);

    PortcullisRequest anonymous = new PortcullisRequest(base, null, IdentityHeaders.DEFAULT);
    assertThat(anonymous.getAttribute(PortcullisRequests.IDENTITY_ATTRIBUTE)).isNull();
    assertThat(PortcullisRequests.identity(anonymous)).isEmpty();
  }
}
