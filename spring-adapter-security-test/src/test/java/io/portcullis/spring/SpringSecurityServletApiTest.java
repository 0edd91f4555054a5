package io.portcullis.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testsupport.Browser;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * Why the README asks for {@code servletApi(disable)}: left on, Spring Security's request wrapper
 * answers {@code getRemoteUser()} and {@code isUserInRole()} from its own anonymous authentication,
 * hiding Portcullis's user; the starter's {@link PortcullisAccessTokens} still sees the login.
 */
@SpringBootTest(
    classes = {TestWebApp.class, SpringSecurityConfigs.PermitAllWithServletApi.class},
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SpringSecurityServletApiTest extends EndToEndTestBase {

  @Test
  void profileWhenSpringWrapsTheRequestThenRemoteUserHiddenButTokensAvailable() throws Exception {
    HttpResponse<String> profile = new Browser().navigate(at("/profile"), "alice");

    assertThat(profile.statusCode()).as(profile.body()).isEqualTo(200);
    assertThat(profile.body())
        .isEqualTo("user=null readData=false token=true scopes=[openid, profile, read:data]");
  }
}
