package io.portcullis.core;

import static io.portcullis.core.EngineLoginTest.reason;
import static io.portcullis.core.EngineLoginTest.status;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The access rules as the engine applies them (SPEC.md "Access rules"), through {@link
 * Portcullis#handle} only.
 */
class EngineRulesTest {
  private static final String RULES =
      String.join(
          "\n",
          "/                permit",
          "/public/**       permit",
          "/admin/**        deny",
          "GET /reports/**  read:reports",
          "/**              authenticated");

  private final EngineFixture f = new EngineFixture();

  @BeforeEach
  void start() {
    f.start("rules", RULES);
  }

  @AfterEach
  void stop() {
    f.close();
  }

  @Test
  void handleWhenPermitThenProceedsAnonymouslyWithoutSessionOrCookie() {
    for (String path : List.of("/", "/public/a", "/public/a/b.css")) {
      InMemoryExchange request = f.browser("GET", path);
      assertThat(f.send(request)).as(path).isSameAs(Outcome.Proceed.ANONYMOUS);
      assertThat(request.setCookies()).isEmpty();
    }
    assertThat(f.session.id()).isNull();
  }

  @Test
  void handleWhenDenyThenForbiddenForEveryone() {
    assertThat(f.get("/admin/x")).isEqualTo(new Outcome.Forbidden(Set.of(), false));
    assertThat(f.send(f.api("GET", "/admin/x"))).isEqualTo(new Outcome.Forbidden(Set.of(), true));
    f.login("/page");
    assertThat(f.get("/admin/x")).isEqualTo(new Outcome.Forbidden(Set.of(), false));
  }

  @Test
  void handleWhenAuthenticatedAndAnonymousThenBrowserRedirectedApiChallenged() {
    Outcome browser = f.get("/page?a=b");
    assertThat(browser).isInstanceOf(Outcome.Redirect.class);
    assertThat(((Outcome.Redirect) browser).location())
        .startsWith(f.provider.authorizationEndpoint() + "?");

    InMemoryExchange api = f.api("GET", "/page?a=b");
    assertThat(f.send(api))
        .isEqualTo(new Outcome.Challenge("/oauth2/callback?return_to=%2Fpage%3Fa%3Db"));
    assertThat(api.setCookies()).as("no pending login for an API call").isEmpty();
    // a non-GET is never replayed after a login: an API request whatever its headers (THREATS C-07)
    assertThat(f.send(f.browser("POST", "/page"))).isInstanceOf(Outcome.Challenge.class);
  }

  @Test
  void handleWhenLoggedInThenProceedsWithIdentityOnAuthenticatedAndPermitPaths() {
    f.login("/page");
    Identity identity = f.login().identity();
    assertThat(f.get("/page")).isEqualTo(new Outcome.Proceed(identity));
    assertThat(f.get("/")).isEqualTo(new Outcome.Proceed(identity));
    assertThat(f.send(f.api("POST", "/page"))).isEqualTo(new Outcome.Proceed(identity));
  }

  @Test
  void handleWhenScopeRuleThenMethodRestrictedAndScopeChecked() {
    f.login("/page");
    assertThat(f.send(f.api("GET", "/reports/x")))
        .isEqualTo(new Outcome.Forbidden(Set.of("read:reports"), true));
    // the scope rule names GET only: a POST falls through to /** authenticated
    assertThat(f.send(f.api("POST", "/reports/x"))).isInstanceOf(Outcome.Proceed.class);
  }

  @Test
  void handleWhenPathCannotBeNormalisedThenRejected400() {
    for (String path : List.of("/../etc/passwd", "/a/%2e%2e/%2e%2e/b", "/a%00b", "/%2fadmin")) {
      Outcome outcome = f.get(path);
      assertThat(status(outcome)).as(path).isEqualTo(400);
      assertThat(reason(outcome)).as(path).isEqualTo("path.invalid");
    }
    Outcome outcome = f.send(new InMemoryExchange("GET", null).browserHeaders());
    assertThat(status(outcome)).isEqualTo(400);
  }

  @Test
  void handleWhenPathsGeneratedThenDecisionFollowsFirstSegmentForAnonymousApiCalls() {
    Random random = new Random(42);
    String[] first = {"public", "admin", "reports", "page", "publicx", "admins", "Public"};
    String[] rest = {"a", "b.css", "x y", "%41", ";p=1", "", "."};
    for (int i = 0; i < 2000; i++) {
      String head = first[random.nextInt(first.length)];
      StringBuilder path = new StringBuilder("/").append(head);
      int depth = random.nextInt(4);
      for (int d = 0; d < depth; d++) {
        path.append('/').append(rest[random.nextInt(rest.length)].replace(" ", "%20"));
      }
      String method = random.nextBoolean() ? "GET" : "POST";
      Outcome outcome = f.send(f.api(method, path.toString()));
      Outcome expected =
          switch (head) {
            case "public" -> Outcome.Proceed.ANONYMOUS;
            case "admin" -> new Outcome.Forbidden(Set.of(), true);
            default -> null;
          };
      if (expected != null) {
        assertThat(outcome).as(method + " " + path).isEqualTo(expected);
      } else {
        assertThat(outcome).as(method + " " + path).isInstanceOf(Outcome.Challenge.class);
      }
    }
    assertThat(f.session.id()).isNull();
    assertThat(f.provider.tokenRequests.get()).isZero();
  }
}
