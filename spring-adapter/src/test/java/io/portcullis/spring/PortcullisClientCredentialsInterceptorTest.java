package io.portcullis.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.core.ClientCredentialsException;
import io.portcullis.core.ClientCredentialsTokenSource;
import io.portcullis.core.PortcullisConfig;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.client.MockClientHttpRequest;
import org.springframework.mock.http.client.MockClientHttpResponse;

/** The interceptor without a provider: what it leaves alone, and that no token means no request. */
class PortcullisClientCredentialsInterceptorTest {

  @Test
  void interceptWhenAuthorizationAlreadySetThenKeptAndNoTokenAsked() throws Exception {
    PortcullisClientCredentialsInterceptor interceptor =
        new PortcullisClientCredentialsInterceptor(
            () -> {
              throw new AssertionError("no token should be asked for");
            },
            Set.of("read:data"));
    MockClientHttpRequest request =
        new MockClientHttpRequest(HttpMethod.GET, URI.create("http://localhost/x"));
    request.getHeaders().set(HttpHeaders.AUTHORIZATION, "Bearer mine");

    interceptor.intercept(
        request, new byte[0], (r, body) -> new MockClientHttpResponse(new byte[0], HttpStatus.OK));

    assertThat(request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION)).isEqualTo("Bearer mine");
  }

  @Test
  void interceptWhenNoTokenCanBeHadThenThrowsAndRequestNotSent() {
    try (ClientCredentialsTokenSource source =
        ClientCredentialsTokenSource.create(
            PortcullisConfig.of(
                Map.of(
                    "issuer",
                    "http://127.0.0.1:9/nothing-listens-here",
                    "client-id",
                    "app",
                    "http-timeout",
                    "1")),
            java.time.Clock.systemUTC())) {
      PortcullisClientCredentialsInterceptor interceptor =
          new PortcullisClientCredentialsInterceptor(() -> source, Set.of())
              .withScopes(Set.of("read:data"));
      MockClientHttpRequest request =
          new MockClientHttpRequest(HttpMethod.GET, URI.create("http://localhost/x"));
      AtomicBoolean sent = new AtomicBoolean();

      assertThatThrownBy(
              () ->
                  interceptor.intercept(
                      request,
                      new byte[0],
                      (r, body) -> {
                        sent.set(true);
                        return new MockClientHttpResponse(new byte[0], HttpStatus.OK);
                      }))
          .isInstanceOf(ClientCredentialsException.class);
      assertThat(sent).isFalse();
      assertThat(interceptor.scopes()).containsExactly("read:data");
    }
  }
}
