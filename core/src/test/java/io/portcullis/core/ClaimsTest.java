package io.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Issue 11 AC5: reading claims lives in one helper, not in the callback handler. */
class ClaimsTest {
  @Test
  void looksUpADottedPathAndIsNullWhenAPartIsMissingOrNotAnObject() {
    Map<String, Object> claims =
        Map.of("realm_access", Map.of("roles", List.of("admin")), "flat", "x");
    assertThat(Claims.lookup(claims, "realm_access.roles")).isEqualTo(List.of("admin"));
    assertThat(Claims.lookup(claims, "flat")).isEqualTo("x");
    assertThat(Claims.lookup(claims, "flat.deeper")).isNull();
    assertThat(Claims.lookup(claims, "missing.roles")).isNull();
  }

  @Test
  void lookupWhenAClaimNameHoldsDotsThenFoundAsKeycloakClientRolesAre() {
    Map<String, Object> claims =
        Map.of(
            "resource_access",
            Map.of(
                "my.app", Map.of("roles", List.of("editor")),
                "my", Map.of("other", List.of("x"))));
    assertThat(Claims.lookup(claims, "resource_access.my.app.roles")).isEqualTo(List.of("editor"));
    assertThat(Claims.lookup(claims, "resource_access.my.other")).isEqualTo(List.of("x"));
    assertThat(Claims.lookup(claims, "resource_access.my.app.nothing")).isNull();
  }

  @Test
  void rolesSplitOnSpacesAndCommasScopesOnSpacesOnly() {
    Set<String> roles = new LinkedHashSet<>();
    Claims.collectRoles(" admin, user  ops,,", roles);
    assertThat(roles).containsExactly("admin", "user", "ops");
    Set<String> scopes = new LinkedHashSet<>();
    Scopes.collect("api:read,write openid", scopes);
    assertThat(scopes).containsExactly("api:read,write", "openid");
  }
}
