package io.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AccessRulesShadowedTest {

  private static List<AccessRules.Shadowed> shadowed(String rules) {
    return AccessRules.parse(rules).shadowed();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "/** permit                | /admin/** admin",
        "/** authenticated         | GET /x deny",
        "/admin/** admin           | /admin/users/* deny",
        "/admin/** admin           | /ADMIN/** deny",
        "/api/* read               | GET /api/items authenticated",
        "GET /reports/** r         | HEAD /reports/a r",
        "GET,POST /a/** deny       | POST /a/b/c permit",
        "/*/x/** deny              | /a/x/b/** permit",
        "/a/**/z deny              | /a/b/**/z permit",
        "/*.css permit             | /site.css permit",
        "/** permit                | / authenticated",
        "/static/** permit         | /static permit",
        "/** permit                | /1/** authenticated",
      })
  void shadowedWhenEarlierRuleCoversLaterThenReported(String earlier, String later) {
    List<AccessRules.Shadowed> found = shadowed(earlier + "\n" + later);

    assertThat(found)
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.rulePosition()).isEqualTo(2);
              assertThat(s.byPosition()).isEqualTo(1);
              assertThat(s.rule()).isEqualTo(AccessRules.parse(later).toString());
            });
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "/admin/** admin           | /** authenticated",
        "GET /** permit            | /x deny",
        "GET /** permit            | POST /x deny",
        "HEAD /** permit           | GET /x deny",
        "/admin/** permit          | /ADMIN/x deny", // permit matches exact case only
        "/admin permit             | /admin/** deny",
        "/a/* deny                 | /a/** permit",
        "/a/* deny                 | /a permit",
        "/*.css permit             | /*.CSS permit",
        "/a*/x deny                | /*/x permit",
        "/x/** permit              | /x* deny",
      })
  void shadowedWhenLaterRuleCanStillMatchThenNotReported(String earlier, String later) {
    assertThat(shadowed(earlier + "\n" + later)).isEmpty();
  }

  @Test
  void shadowedWhenSpecExampleThenNone() {
    assertThat(
            shadowed(
                """
                /                     permit
                /static/**            permit
                GET,HEAD /reports/**  read:reports
                /admin/**             admin write:data
                /api/**               read:data
                /**                   authenticated
                """))
        .isEmpty();
  }

  @Test
  void shadowedWhenSeveralThenEachNamesTheFirstEarlierRuleThatCoversItAlone() {
    // /public/x deny also matches /PUBLIC/x, which the case-exact permit rule does not.
    assertThat(
            shadowed(
                """
                /public/** permit
                /** authenticated
                /public/x deny
                /admin/** admin
                """))
        .containsExactly(
            new AccessRules.Shadowed(3, "/public/x deny", 2, "/** authenticated"),
            new AccessRules.Shadowed(4, "/admin/** admin", 2, "/** authenticated"));
  }

  /**
   * No false warning: for generated rule pairs that the check reports, every generated request the
   * later rule applies to is also one the earlier rule applies to, by the real matcher.
   */
  @Test
  void shadowedWhenGeneratedPairsThenEveryReportedPairHoldsOnTheRealMatcher() {
    Random random = new Random(13);
    String[] segments = {"a", "A", "b", "ab", "*", "a*", "*b", "*.css", "**", "**", "1", "x.CSS"};
    String[] methods = {"", "", "GET ", "POST ", "HEAD ", "GET,POST ", "PUT,DELETE "};
    String[] accesses = {"permit", "deny", "authenticated", "scope1"};
    List<String> paths = new ArrayList<>();
    String[] pathSegments = {
      "a", "A", "b", "ab", "aB", "x.css", "x.CSS", "1", "k", "%E2%84%AA", "%C5%BF"
    };
    paths.add("/");
    for (int n = 0; n < 1500; n++) {
      StringBuilder path = new StringBuilder();
      int depth = 1 + random.nextInt(4);
      for (int i = 0; i < depth; i++) {
        path.append('/').append(pathSegments[random.nextInt(pathSegments.length)]);
      }
      paths.add(path.toString());
    }
    List<RequestPath> requests =
        paths.stream().map(p -> RequestPath.parse(p).orElseThrow()).distinct().toList();
    String[] requestMethods = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"};
    int reported = 0;
    for (int n = 0; n < 10_000; n++) {
      String earlier = rule(random, segments, methods, accesses);
      String later = rule(random, segments, methods, accesses);
      AccessRules pair = AccessRules.parse(earlier + "\n" + later);
      if (pair.shadowed().isEmpty()) {
        continue;
      }
      reported++;
      AccessRules first = withSentinel(earlier);
      AccessRules second = withSentinel(later);
      for (RequestPath path : requests) {
        for (String method : requestMethods) {
          if (applies(second, method, path)) {
            assertThat(applies(first, method, path))
                .as("%s shadows %s, yet %s %s", earlier, later, method, path.value())
                .isTrue();
          }
        }
      }
    }
    assertThat(reported).isGreaterThan(200); // the check finds shadowed pairs, not only none
  }

  /**
   * {@code rule} followed by a catch-all whose unique scope tells that {@code rule} did not apply.
   */
  private static AccessRules withSentinel(String rule) {
    return AccessRules.parse(rule + "\n/** sentinel:scope");
  }

  /** Whether the first rule of a {@link #withSentinel} list applies to the request. */
  private static boolean applies(AccessRules rules, String method, RequestPath path) {
    Access access = rules.decide(method, path);
    return !(access.kind() == Access.Kind.SCOPES && access.scopes().contains("sentinel:scope"));
  }

  private static String rule(Random random, String[] segments, String[] methods, String[] access) {
    StringBuilder pattern = new StringBuilder();
    int depth = random.nextInt(4);
    for (int i = 0; i < depth; i++) {
      pattern.append('/').append(segments[random.nextInt(segments.length)]);
    }
    return methods[random.nextInt(methods.length)]
        + (pattern.length() == 0 ? "/" : pattern.toString())
        + " "
        + access[random.nextInt(access.length)];
  }
}
