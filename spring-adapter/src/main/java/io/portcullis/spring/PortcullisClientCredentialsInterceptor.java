package io.portcullis.spring;

import io.portcullis.core.ClientCredentialsTokenSource;
import java.io.IOException;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

/**
 * Adds {@code Authorization: Bearer <client-credentials token>} (RFC 6749 §4.4, RFC 6750 §2.1) for
 * one scope set to outgoing {@code RestClient} / {@code RestTemplate} requests that carry no {@code
 * Authorization} header yet: {@code RestClient.builder().requestInterceptor(interceptor)}. With
 * {@code dpop=true} and a DPoP-bound token, {@code Authorization: DPoP <token>} and a fresh {@code
 * DPoP} proof for the request's method and URL instead (RFC 9449 §7). Tokens come from Portcullis's
 * cache, refreshed ahead of expiry, so a warm call costs a lookup. A token that cannot be had
 * throws {@link io.portcullis.core.ClientCredentialsException} and the request is not sent.
 */
public class PortcullisClientCredentialsInterceptor implements ClientHttpRequestInterceptor {
  private final Supplier<ClientCredentialsTokenSource> source;
  private final Set<String> scopes;

  /**
   * Creates an interceptor for {@code scopes} (empty: no {@code scope} parameter); {@code source}
   * is asked on each request, so it may resolve the token source lazily.
   */
  public PortcullisClientCredentialsInterceptor(
      Supplier<ClientCredentialsTokenSource> source, Set<String> scopes) {
    this.source = Objects.requireNonNull(source, "source");
    this.scopes = Set.copyOf(Objects.requireNonNull(scopes, "scopes"));
  }

  /** Returns a copy of this interceptor asking for {@code otherScopes} instead. */
  public PortcullisClientCredentialsInterceptor withScopes(Set<String> otherScopes) {
    return new PortcullisClientCredentialsInterceptor(source, otherScopes);
  }

  /** The scope set of the tokens this interceptor sends. */
  public Set<String> scopes() {
    return scopes;
  }

  @Override
  public ClientHttpResponse intercept(
      HttpRequest request, byte[] body, ClientHttpRequestExecution execution) throws IOException {
    if (request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION) == null) {
      source
          .get()
          .headers(scopes, request.getMethod().name(), request.getURI())
          .asMap()
          .forEach(request.getHeaders()::set);
    }
    return execution.execute(request, body);
  }
}
