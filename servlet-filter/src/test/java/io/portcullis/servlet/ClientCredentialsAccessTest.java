package io.portcullis.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testsupport.Browser;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * The application reaches the filter's client-credentials source through {@link
 * PortcullisRequests}.
 */
class ClientCredentialsAccessTest extends IntegrationTest {

  @Test
  void clientCredentialsWhenAskedFromServletThenCachedPerScopeSet() {
    Browser browser = browser();
    login(browser, "/profile");
    int before =
        (int)
            provider.tokenRequestBodies.stream()
                .filter(b -> b.contains("grant_type=client_credentials"))
                .count();
    HttpResponse<String> first = browser.get(app.url("/m2m-token?scope=read:data"));
    HttpResponse<String> second = browser.get(app.url("/m2m-token?scope=read:data"));
    HttpResponse<String> other = browser.get(app.url("/m2m-token?scope=read:reports"));
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(second.body()).isEqualTo(first.body());
    assertThat(other.body()).isNotEqualTo(first.body());
    long after =
        provider.tokenRequestBodies.stream()
            .filter(b -> b.contains("grant_type=client_credentials"))
            .count();
    assertThat(after - before).isEqualTo(2);
  }

  @Test
  void downstreamHeadersWhenAskedFromServletThenTheUsersTokenAsBearerWithoutDpop() {
    Browser browser = browser();
    login(browser, "/profile");
    String tokenHash =
        browser.get(app.url("/profile")).body().replaceAll(".*\"tokenHash\":\"([^\"]+)\".*", "$1");
    HttpResponse<String> headers = browser.get(app.url("/downstream-headers"));
    assertThat(headers.statusCode()).isEqualTo(200);
    assertThat(headers.body())
        .isEqualTo("{\"scheme\":\"Bearer\",\"tokenHash\":\"" + tokenHash + "\",\"proof\":false}");
  }
}
