package io.portcullis.benchmarks.load;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.token.KeyProvider;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;

/**
 * The one OpenID provider every variant logs in against: navikt mock-oauth2-server on the loopback
 * interface, non-interactive (the authorization endpoint redirects straight back with a code, no
 * login form), RS256 with a fresh 2048-bit key. It accepts any client id, secret and redirect URI.
 *
 * <p>Not the tests' {@code FakeProvider} (test-support): the results in {@code results/} were
 * measured against this provider, so moving would change what the load benchmark compares, and
 * would need a new {@code run-load.sh} run to check that the Spring Security and pac4j variants log
 * in at the fake's stricter authorization endpoint (PKCE S256 and a nonce required).
 */
final class BenchProvider implements AutoCloseable {
  static final String ISSUER_ID = "default";

  private final MockOAuth2Server server;

  BenchProvider() {
    RSAKey signingKey;
    try {
      signingKey = new RSAKeyGenerator(2048).keyID(ISSUER_ID).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot generate the provider's key", e);
    }
    OAuth2TokenProvider tokens =
        new OAuth2TokenProvider(new KeyProvider(List.of(signingKey), "RS256"));
    OAuth2Config config = new OAuth2Config(false, null, null, false, tokens, Set.of());
    server = new MockOAuth2Server(config);
    server.start(InetAddress.getLoopbackAddress(), 0);
  }

  /** The issuer URL, e.g. {@code http://localhost:40123/default}. */
  String issuer() {
    return server.issuerUrl(ISSUER_ID).toString();
  }

  @Override
  public void close() {
    server.shutdown();
  }
}
