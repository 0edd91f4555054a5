package io.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.lang.management.ManagementFactory;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AccessRulesTest {

  private static final String SPEC_EXAMPLE =
      """
      # [METHODS] PATTERN   ACCESS
      /                     permit
      /static/**            permit
      GET,HEAD /reports/**  read:reports
      /admin/**             admin write:data
      /api/**               read:data
      /**                   authenticated
      """;

  private static final AccessRules BYPASS_RULES =
      AccessRules.parse(
          """
          /                 permit
          /health           permit
          GET /reports/**   read:reports
          /admin/**         admin
          /api/**           read:data
          /**               authenticated
          """);

  private static Access decide(AccessRules rules, String method, String rawPath) {
    return rules.decide(method, RequestPath.parse(rawPath).orElseThrow());
  }

  private static Access decide(String rules, String method, String rawPath) {
    return decide(AccessRules.parse(rules), method, rawPath);
  }

  // Parsing

  @Test
  void parseWhenSpecExampleThenCanonicalTextRoundTrips() {
    AccessRules rules = AccessRules.parse(SPEC_EXAMPLE);

    assertThat(rules.size()).isEqualTo(6);
    assertThat(rules.toString())
        .isEqualTo(
            """
            / permit
            /static/** permit
            GET,HEAD /reports/** read:reports
            /admin/** admin write:data
            /api/** read:data
            /** authenticated""");
    assertThat(AccessRules.parse(rules.toString()).toString()).isEqualTo(rules.toString());
  }

  @Test
  void parseWhenCommentsBlankLinesTabsAndCrLfThenIgnored() {
    AccessRules rules =
        AccessRules.parse(
            "# header\r\n\r\n   \r\n\t/a\tpermit # public\r\n/b deny#x\r\n#/c permit\r\n");

    assertThat(rules.toString()).isEqualTo("/a permit\n/b deny");
  }

  @Test
  void parseWhenEmptyThenNoRulesAndEverythingNeedsAuthentication() {
    AccessRules rules = AccessRules.parse("");

    assertThat(rules.size()).isZero();
    assertThat(rules.toString()).isEmpty();
    assertThat(decide(rules, "GET", "/x")).isEqualTo(Access.authenticated());
  }

  @Test
  void parseWhenDuplicateMethodsOrScopesThenKeptOnceInOrder() {
    AccessRules rules = AccessRules.parse("POST,GET,POST /x b a b");

    assertThat(rules.toString()).isEqualTo("POST,GET /x b a");
  }

  @Test
  void parseWhenNoAccessThenErrorNamesLineAndExpectation() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> AccessRules.parse("/ permit\n\n/admin/**\n"))
        .withMessage(
            "line 3: \"/admin/**\" has no access; expected permit, deny, authenticated or scope"
                + " names");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "GET                     | \"GET\" has no pattern",
        "admin/** permit         | pattern \"admin/**\" must start with /",
        "GET admin permit        | pattern \"admin\" must start with /",
        "get /x permit           | \"get\" is neither a method nor a pattern",
        "GET, /x permit          | has an empty method",
        "GET,,HEAD /x permit     | has an empty method",
        "/a//b permit            | has an empty segment",
        "/a/../b permit          | has a \"..\" segment",
        "/a/./b permit           | has a \".\" segment",
        "/a/x**/b permit         | has ** inside the segment \"x**\"",
        "/a/*** permit           | has ** inside the segment",
        "/a\\b permit            | has a control character or \\",
        "/x permit deny          | mixes kinds of access",
        "/x permit read:x        | mixes kinds of access",
        "/x read:x authenticated | mixes kinds of access",
        "/x Permit               | \"Permit\" is not an access keyword; expected permit",
        "/x DENY                 | expected deny in lower case",
        "/x read\"x              | is not a scope name",
        "/x café                 | \"café\" is not a scope name",
      })
  void parseWhenLineIsInvalidThenErrorNamesLineProblemAndExpectation(String line, String problem) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> AccessRules.parse("/ok permit\n" + line))
        .withMessageStartingWith("line 2: ")
        .withMessageContaining(problem);
  }

  @Test
  void parseWhenSeveralLinesAreInvalidThenEveryProblemIsReportedOnce() {
    String text =
        """
        /ok permit
        /admin/**
        # comment
        get /x permit
        /fine authenticated
        /x permit read:a
        GET,post admin/** Deny
        """;

    assertThatIllegalArgumentException()
        .isThrownBy(() -> AccessRules.parse(text))
        .satisfies(
            e -> {
              String[] lines = e.getMessage().split("\n");
              assertThat(lines)
                  .satisfiesExactly(
                      l -> assertThat(l).startsWith("line 2: ").contains("has no access"),
                      l -> assertThat(l).startsWith("line 4: ").contains("\"get\""),
                      l -> assertThat(l).startsWith("line 6: ").contains("mixes kinds"),
                      l -> assertThat(l).startsWith("line 7: ").contains("\"post\""),
                      l -> assertThat(l).startsWith("line 7: ").contains("must start with /"),
                      l -> assertThat(l).startsWith("line 7: ").contains("\"Deny\""));
            });
  }

  @Test
  void defaultsWhenUsedThenEveryRequestNeedsAuthentication() {
    AccessRules rules = AccessRules.defaults();

    assertThat(rules.toString()).isEqualTo("/** authenticated");
    assertThat(rules.size()).isEqualTo(1);
    assertThat(decide(rules, "GET", "/")).isEqualTo(Access.authenticated());
    assertThat(decide(rules, "POST", "/a/b")).isEqualTo(Access.authenticated());
  }

  // Deciding

  @Test
  void decideWhenSeveralRulesMatchThenFirstWins() {
    String rules = "/a/b deny\n/a/** permit\n/a/b/c read:c";

    assertThat(decide(rules, "GET", "/a/b")).isEqualTo(Access.deny());
    assertThat(decide(rules, "GET", "/a/b/c")).isEqualTo(Access.permit());
    assertThat(decide(rules, "GET", "/a")).isEqualTo(Access.permit());
  }

  @Test
  void decideWhenNoRuleMatchesThenAuthenticated() {
    assertThat(decide("/a permit", "GET", "/b")).isEqualTo(Access.authenticated());
  }

  @Test
  void decideWhenRuleListsMethodsThenAppliesOnlyToThose() {
    String rules = "POST,PUT /api/** write:data\n/api/** read:data";

    assertThat(decide(rules, "POST", "/api/x")).isEqualTo(Access.scopes(Set.of("write:data")));
    assertThat(decide(rules, "PUT", "/api/x")).isEqualTo(Access.scopes(Set.of("write:data")));
    assertThat(decide(rules, "GET", "/api/x")).isEqualTo(Access.scopes(Set.of("read:data")));
    assertThat(decide(rules, "DELETE", "/api/x")).isEqualTo(Access.scopes(Set.of("read:data")));
  }

  @Test
  void decideWhenRuleListsGetThenHeadIsCoveredToo() {
    String rules = "GET /reports/** read:reports\n/** permit";

    assertThat(decide(rules, "HEAD", "/reports/x"))
        .isEqualTo(Access.scopes(Set.of("read:reports")));
    assertThat(decide("HEAD /x deny", "GET", "/x")).isEqualTo(Access.authenticated());
  }

  @Test
  void decideWhenMethodIsLowerCaseThenComparedUpperCased() {
    assertThat(decide("GET /x deny", "get", "/x")).isEqualTo(Access.deny());
    assertThat(decide("GET /x deny", "head", "/x")).isEqualTo(Access.deny());
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "/a/*, /a/x, true",
    "/a/*, /a/x/, true",
    "/a/*, /a, false",
    "/a/*, /a/, false",
    "/a/*, /a/x/y, false",
    "/a/**, /a, true",
    "/a/**, /a/, true",
    "/a/**, /a/x/y/z, true",
    "/a/**, /ab, false",
    "/admin/**, /administrator, false",
    "/**, /, true",
    "/**, /x/y, true",
    "/, /, true",
    "/, /x, false",
    "/*, /, false",
    "/*.css, /site.css, true",
    "/*.css, /.css, true",
    "/*.css, /site.css.map, false",
    "/*.css, /a/site.css, false",
    "/**/*.css, /a/b/site.css, true",
    "/**/*.css, /site.css, true",
    "/**/*.css, /a/b/site.js, false",
    "/a/**/b, /a/b, true",
    "/a/**/b, /a/x/y/b, true",
    "/a/**/b, /a/b/b, true",
    "/a/**/b, /a/b/x, false",
    "/a/**/b/**/c, /a/x/b/y/b/z/c, true",
    "/a/**/b/**/c, /a/x/b/y/c/z, false",
    "/f*o*o, /fxoyo, true",
    "/f*o*o, /fxoyox, false",
    "/*a*b*, /xxaxxbxx, true",
    "/*a*b*, /xxbxxaxx, false",
    "/a/**/**, /a, true",
    "/health, /health/, true",
    "/health/, /health, true",
    "/admin/, /admin/x, false",
  })
  void decideWhenPatternHasWildcardsThenMatchesBySegment(
      String pattern, String path, boolean matches) {
    Access expected = matches ? Access.deny() : Access.authenticated();

    assertThat(decide(pattern + " deny", "GET", path)).isEqualTo(expected);
  }

  @Test
  void decideWhenRuleRestrictsThenCaseIsIgnored() {
    assertThat(decide("/admin/** admin", "GET", "/ADMIN"))
        .isEqualTo(Access.scopes(Set.of("admin")));
    assertThat(decide("/*.css deny", "GET", "/A.CSS")).isEqualTo(Access.deny());
    assertThat(decide("/x authenticated\n/** permit", "GET", "/X"))
        .isEqualTo(Access.authenticated());
  }

  @Test
  void decideWhenRulePermitsThenCaseMustMatchExactly() {
    String rules = "/public/** permit\n/*.css permit\n/** deny";

    assertThat(decide(rules, "GET", "/public/x")).isEqualTo(Access.permit());
    assertThat(decide(rules, "GET", "/PUBLIC/x")).isEqualTo(Access.deny());
    assertThat(decide(rules, "GET", "/a.css")).isEqualTo(Access.permit());
    assertThat(decide(rules, "GET", "/a.CSS")).isEqualTo(Access.deny());
  }

  // Bypass attempts against the rules of the issue: normalisation and matching together

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "/admin",
        "/admin/../admin",
        "//admin",
        "/admin;x=1",
        "/%61dmin",
        "/ADMIN",
        "/Admin/users",
        "/admin/",
        "/admin//x",
        "/admin/./x",
        "/public/..;/admin",
        "/%2e/admin",
        "/admin;/x",
        "/ADMIN%2F..",
      })
  void decideWhenAdminPathIsObfuscatedThenStillNeedsAdminScope(String rawPath) {
    var path = RequestPath.parse(rawPath);
    if (rawPath.equals("/ADMIN%2F..")) {
      assertThat(path).isEmpty();
      return;
    }

    assertThat(BYPASS_RULES.decide("GET", path.orElseThrow()))
        .isEqualTo(Access.scopes(Set.of("admin")));
  }

  @Test
  void parseWhenAdminPathHasEncodedSlashThenRefusedBeforeDeciding() {
    assertThat(RequestPath.parse("/admin%2Fx")).isEmpty();
    assertThat(RequestPath.parse("/admin%2fx")).isEmpty();
  }

  @Test
  void decideWhenBypassRulesThenMethodsCaseAndTrailingSlashAreSafe() {
    assertThat(decide(BYPASS_RULES, "HEAD", "/reports/x"))
        .isEqualTo(Access.scopes(Set.of("read:reports")));
    assertThat(decide(BYPASS_RULES, "GET", "/REPORTS/x"))
        .isEqualTo(Access.scopes(Set.of("read:reports")));
    assertThat(decide(BYPASS_RULES, "POST", "/reports/x")).isEqualTo(Access.authenticated());
    assertThat(decide(BYPASS_RULES, "GET", "/HEALTH")).isEqualTo(Access.authenticated());
    assertThat(decide(BYPASS_RULES, "GET", "/health")).isEqualTo(Access.permit());
    assertThat(decide(BYPASS_RULES, "GET", "/health/")).isEqualTo(Access.permit());
    assertThat(decide(BYPASS_RULES, "GET", "/health/x")).isEqualTo(Access.authenticated());
    assertThat(decide(BYPASS_RULES, "GET", "/")).isEqualTo(Access.permit());
    assertThat(decide(BYPASS_RULES, "GET", "")).isEqualTo(Access.permit());
    assertThat(decide(BYPASS_RULES, "GET", "/Api/x")).isEqualTo(Access.scopes(Set.of("read:data")));
    assertThat(decide(BYPASS_RULES, "GET", "/administrator")).isEqualTo(Access.authenticated());
  }

  @Test
  void decideWhenPathIsUnicodeThenMatchesDecodedPattern() {
    String rules = "/café/** deny";

    assertThat(decide(rules, "GET", "/caf%C3%A9/x")).isEqualTo(Access.deny());
    assertThat(decide(rules, "GET", "/CAF%C3%89")).isEqualTo(Access.deny());
  }

  @Test
  void decideWhenCalledRepeatedlyThenAllocatesNothing() {
    Assumptions.assumeTrue(
        ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean);
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported());
    threads.setThreadAllocatedMemoryEnabled(true);
    RequestPath[] paths = {
      RequestPath.parse("/Admin/users").orElseThrow(),
      RequestPath.parse("/reports/2024/q1").orElseThrow(),
      RequestPath.parse("/health/").orElseThrow(),
      RequestPath.parse("/other/deep/path/x.css").orElseThrow(),
    };
    String[] methods = {"GET", "HEAD", "POST"};
    int sink = 0;
    for (int i = 0; i < 2_000; i++) {
      sink += BYPASS_RULES.decide(methods[i % 3], paths[i % 4]).kind().ordinal();
    }
    long threadId = Thread.currentThread().getId();

    long before = threads.getThreadAllocatedBytes(threadId);
    for (int i = 0; i < 20_000; i++) {
      sink += BYPASS_RULES.decide(methods[i % 3], paths[i % 4]).kind().ordinal();
    }
    long allocated = threads.getThreadAllocatedBytes(threadId) - before;

    assertThat(sink).isPositive();
    assertThat(allocated).as("bytes allocated by 20,000 decisions").isLessThan(20_000);
  }
}
