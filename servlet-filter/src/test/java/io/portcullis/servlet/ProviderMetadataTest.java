package io.portcullis.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testsupport.Browser;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** THREATS A-22, B-10, C-10, and response_mode=form_post: what the provider's metadata decides. */
class ProviderMetadataTest extends IntegrationTest {

  @Test
  void discoveryWhenIssuerDiffersThenProviderNotUsed() throws Exception {
    provider.refuseMetadata(
        json -> {
          json.put("issuer", "https://evil.example");
          return json;
        });
    try (TestApp other = new TestApp(provider, Map.of("http-timeout", "2"))) {
      HttpResponse<String> r = browser().get(other.url("/profile"));
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.headers().firstValue("Retry-After")).isPresent();
    } finally {
      provider.tamperMetadata(null);
    }
  }

  @Test
  void discoveryWhenEndpointIsPlainHttpOnPublicHostThenProviderRefused() throws Exception {
    provider.refuseMetadata(
        json -> {
          json.put("token_endpoint", "http://idp.example/token");
          return json;
        });
    try (TestApp other = new TestApp(provider)) {
      assertThat(browser().get(other.url("/profile")).statusCode()).isEqualTo(503);
    } finally {
      provider.tamperMetadata(null);
    }
  }

  @Test
  void callbackWhenIssAdvertisedButMissingThenRejected() throws Exception {
    provider.tamperMetadata(
        json -> {
          json.put("authorization_response_iss_parameter_supported", true);
          return json;
        });
    try (TestApp other = new TestApp(provider)) {
      Browser browser = browser();
      HttpResponse<String> start = browser.get(other.url("/profile"));
      HttpResponse<String> toCallback = browser.get(Browser.location(start));
      String callback = Browser.location(toCallback);
      int before = provider.tokenRequests.get();
      HttpResponse<String> r = browser.get(Browser.withParam(callback, "iss", null));
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.body()).contains("Reason: iss.missing");
      assertThat(provider.tokenRequests.get()).isEqualTo(before);
      HttpResponse<String> ok =
          browser.follow(
              browser.get(other.url("/profile")),
              url ->
                  url.startsWith(other.url("/oauth2/callback"))
                      ? Browser.withParam(url, "iss", provider.issuer())
                      : url);
      assertThat(ok.statusCode()).isEqualTo(200);
    } finally {
      provider.tamperMetadata(null);
    }
  }

  @Test
  void explicitEndpointsWhenAllGivenThenNoDiscoveryAndLoginWorks() throws Exception {
    provider.tamperMetadata(
        json -> {
          throw new AssertionError("discovery must not be requested");
        });
    Map<String, String> explicit =
        Map.of(
            "authorization-endpoint", provider.issuer() + "/authorize",
            "token-endpoint", provider.issuer() + "/token",
            "jwks-uri", provider.issuer() + "/jwks");
    try (TestApp other = new TestApp(provider, explicit)) {
      Browser browser = browser();
      HttpResponse<String> end = browser.open(other.url("/profile"));
      assertThat(end.statusCode()).isEqualTo(200);
      assertThat(end.body()).contains("\"remoteUser\":\"alice\"");
    } finally {
      provider.tamperMetadata(null);
    }
  }
}
