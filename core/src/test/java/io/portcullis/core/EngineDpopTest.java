package io.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 AC5: DPoP (RFC 9449) against the in-process provider in its DPoP mode, which verifies
 * every proof, binds tokens to the proof's key ({@code cnf.jkt}, {@code token_type DPoP}, the
 * refresh token too) and may require a nonce: the code exchange, the refresh, client credentials
 * and PAR carry fresh proofs; the downstream headers carry the bound token with a proof for the
 * call.
 */
class EngineDpopTest {
  private static final URI API = URI.create("https://api.example.com/v1/items?page=2#top");
  private static final URI API_HTU = URI.create("https://api.example.com/v1/items");

  @TempDir Path dir;

  private static Identity identity(Outcome outcome) {
    assertThat(outcome).isInstanceOf(Outcome.Proceed.class);
    return ((Outcome.Proceed) outcome).identity();
  }

  private static JWTClaimsSet claims(SignedJWT jwt) throws Exception {
    return jwt.getJWTClaimsSet();
  }

  private static String thumbprint(SignedJWT proof) throws Exception {
    return proof.getHeader().getJWK().computeThumbprint().toString();
  }

  private static String cnfJkt(String accessToken) throws Exception {
    Object cnf = SignedJWT.parse(accessToken).getJWTClaimsSet().getClaim("cnf");
    return cnf instanceof Map<?, ?> m ? String.valueOf(m.get("jkt")) : null;
  }

  @Test
  void loginWhenDpopThenCodeExchangeCarriesAProofAndTheTokenIsBoundToItsKey() throws Exception {
    try (EngineFixture f = new EngineFixture()) {
      f.provider.dpop(true);
      f.start("dpop", "true");
      f.login("/page");

      assertThat(f.provider.dpopProofs).hasSize(1);
      SignedJWT proof = f.provider.dpopProofs.get(0);
      assertThat(proof.getHeader().getType().getType()).isEqualTo("dpop+jwt");
      assertThat(proof.getHeader().getAlgorithm().getName()).isEqualTo("ES256");
      JWK jwk = proof.getHeader().getJWK();
      assertThat(jwk.isPrivate()).as("public key only").isFalse();
      assertThat(jwk.toJSONObject()).doesNotContainKey("d");
      JWTClaimsSet claims = claims(proof);
      assertThat(claims.getStringClaim("htm")).isEqualTo("POST");
      assertThat(claims.getStringClaim("htu")).isEqualTo(f.provider.tokenEndpoint().toString());
      assertThat(claims.getIssueTime().toInstant()).isEqualTo(f.clock.instant());
      assertThat(claims.getJWTID()).hasSizeGreaterThanOrEqualTo(16);
      assertThat(claims.getClaim("ath")).as("no access token yet").isNull();

      TokenSet tokens = f.login().identity().tokens();
      assertThat(tokens.dpopBound()).isTrue();
      assertThat(tokens.scheme()).isEqualTo("DPoP");
      assertThat(cnfJkt(tokens.accessToken())).isEqualTo(thumbprint(proof));
      assertThat(tokens.toString()).doesNotContain(tokens.accessToken()).contains("DPoP-bound");
    }
  }

  @Test
  void downstreamHeadersWhenDpopBoundThenDpopSchemeAndAFreshProofForThatCall() throws Exception {
    try (EngineFixture f = new EngineFixture()) {
      f.provider.dpop(true);
      f.start("dpop", "true");
      f.login("/page");
      Identity identity = identity(f.get("/page"));

      DownstreamHeaders first = f.engine.downstreamHeaders(identity, "GET", API, null);
      DownstreamHeaders second = f.engine.downstreamHeaders(identity, "GET", API, null);

      assertThat(first.authorization()).isEqualTo("DPoP " + identity.accessToken());
      assertThat(first.dpop()).isPresent();
      assertThat(first.asMap()).containsOnlyKeys("Authorization", "DPoP");
      assertThat(
              f.provider.verifyResourceRequest(
                  "GET", API_HTU, first.authorization(), first.dpop().get(), null))
          .isNull();
      JWTClaimsSet one = claims(SignedJWT.parse(first.dpop().get()));
      JWTClaimsSet two = claims(SignedJWT.parse(second.dpop().get()));
      assertThat(one.getStringClaim("htu"))
          .as("no query, no fragment")
          .isEqualTo(API_HTU.toString());
      assertThat(one.getJWTID()).as("jti unique").isNotEqualTo(two.getJWTID());
      assertThat(one.getClaim("nonce")).isNull();
      // the same proof for another method or URL does not verify
      assertThat(
              f.provider.verifyResourceRequest(
                  "POST", API_HTU, second.authorization(), second.dpop().get(), null))
          .isNotNull();

      DownstreamHeaders withNonce = f.engine.downstreamHeaders(identity, "POST", API, "rs-n-1");
      assertThat(
              f.provider.verifyResourceRequest(
                  "POST", API_HTU, withNonce.authorization(), withNonce.dpop().get(), "rs-n-1"))
          .isNull();
      assertThat(first.toString())
          .doesNotContain(identity.accessToken())
          .doesNotContain(first.dpop().get());

      assertThatThrownBy(() -> f.engine.downstreamHeaders(identity, "get", API, null))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(
              () -> f.engine.downstreamHeaders(identity, "GET", URI.create("/relative"), null))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(
              () ->
                  f.engine.downstreamHeaders(
                      identity, "GET", URI.create("ftp://api.example.com/x"), null))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void refreshWhenDpopThenTheRefreshCarriesAProofWithTheSameKeyAndStaysBound() throws Exception {
    try (EngineFixture f = new EngineFixture()) {
      f.provider.dpop(true);
      f.start("dpop", "true");
      f.login("/page");
      String before = f.login().identity().accessToken();
      f.clock.advance(Duration.ofSeconds(241));

      Identity refreshed = identity(f.get("/page"));

      assertThat(f.provider.refreshRequests.get()).isEqualTo(1);
      assertThat(refreshed.accessToken()).isNotEqualTo(before);
      assertThat(refreshed.tokens().dpopBound()).isTrue();
      assertThat(f.provider.dpopProofs).hasSize(2);
      SignedJWT refreshProof = f.provider.dpopProofs.get(1);
      assertThat(thumbprint(refreshProof)).isEqualTo(thumbprint(f.provider.dpopProofs.get(0)));
      assertThat(claims(refreshProof).getIssueTime().toInstant()).isEqualTo(f.clock.instant());
      assertThat(cnfJkt(refreshed.accessToken())).isEqualTo(thumbprint(refreshProof));
      assertThat(f.login().identity().tokens().dpopBound()).as("stored").isTrue();
    }
  }

  @Test
  void tokenRequestsWhenProviderRequiresANonceThenRetriedOnceWithItAndTheLatestRemembered()
      throws Exception {
    try (EngineFixture f = new EngineFixture()) {
      f.provider.dpop(true);
      f.provider.requireDpopNonce("nonce-1");
      f.start("dpop", "true");

      f.login("/page");

      assertThat(f.login()).as("logged in").isNotNull();
      assertThat(f.provider.dpopNonceErrors.get()).isEqualTo(1);
      assertThat(f.provider.tokenRequests.get()).as("one retry").isEqualTo(2);
      assertThat(claims(f.provider.dpopProofs.get(1)).getStringClaim("nonce")).isEqualTo("nonce-1");
      assertThat(claims(f.provider.dpopProofs.get(1)).getJWTID())
          .isNotEqualTo(claims(f.provider.dpopProofs.get(0)).getJWTID());

      // remembered: the refresh sends it at once
      f.clock.advance(Duration.ofSeconds(241));
      identity(f.get("/page"));
      assertThat(f.provider.refreshRequests.get()).isEqualTo(1);
      assertThat(f.provider.dpopNonceErrors.get()).isEqualTo(1);

      // a new nonce: one more retry, then that one is used
      f.provider.requireDpopNonce("nonce-2");
      f.clock.advance(Duration.ofSeconds(241));
      assertThat(identity(f.get("/page")).tokens().dpopBound()).isTrue();
      assertThat(f.provider.dpopNonceErrors.get()).isEqualTo(2);
      assertThat(f.provider.refreshRequests.get()).isEqualTo(3);
    }
  }

  @Test
  void tokenRequestWhenTheNonceIsRefusedTwiceThenNoThirdAttempt() {
    try (EngineFixture f = new EngineFixture()) {
      f.provider.dpop(true);
      f.start("dpop", "true");
      f.provider.requireDpopNonce("nonce-1");
      // a provider that wants a nonce it never accepts: one retry, then the login fails
      f.provider.answer(400, "{\"error\":\"use_dpop_nonce\"}");
      Outcome start = f.get("/page");
      Outcome callback = f.callback(((Outcome.Redirect) start).location());
      assertThat(callback).isNotInstanceOf(Outcome.Proceed.class);
      assertThat(f.login()).isNull();
      assertThat(f.provider.dpopNonceErrors.get()).as("the first, without a nonce").isEqualTo(1);
      assertThat(f.provider.tokenRequests.get()).as("one retry only").isEqualTo(2);
    }
  }

  @Test
  void clientCredentialsWhenDpopThenBoundTokenAndHeadersWithAProof() throws Exception {
    try (EngineFixture f = new EngineFixture()) {
      f.provider.dpop(true);
      f.start("dpop", "true");

      DownstreamHeaders headers =
          f.engine.clientCredentials().headers(Set.of("read"), "DELETE", API);

      assertThat(headers.authorization()).startsWith("DPoP ");
      String token = headers.authorization().substring(5);
      assertThat(
              f.provider.verifyResourceRequest(
                  "DELETE", API_HTU, headers.authorization(), headers.dpop().get(), null))
          .isNull();
      assertThat(claims(f.provider.dpopProofs.get(0)).getStringClaim("htu"))
          .isEqualTo(f.provider.tokenEndpoint().toString());
      assertThat(cnfJkt(token)).isEqualTo(thumbprint(f.provider.dpopProofs.get(0)));
      assertThat(f.engine.clientCredentials().token(Set.of("read"))).as("cached").isEqualTo(token);
      assertThat(f.provider.tokenRequests.get()).isEqualTo(1);
    }
  }

  @Test
  void parWhenDpopThenThePushedRequestCarriesAProofToo() throws Exception {
    try (EngineFixture f = new EngineFixture()) {
      f.provider.dpop(true);
      f.start("dpop", "true", "par", "true");
      f.login("/page");

      assertThat(f.provider.parRequests.get()).isEqualTo(1);
      assertThat(f.provider.dpopProofs).hasSize(2);
      SignedJWT par = f.provider.dpopProofs.get(0);
      assertThat(claims(par).getStringClaim("htu")).isEqualTo(f.provider.parEndpoint().toString());
      assertThat(thumbprint(par)).isEqualTo(thumbprint(f.provider.dpopProofs.get(1)));
      assertThat(f.login().identity().tokens().dpopBound()).isTrue();
    }
  }

  @Test
  void loginWhenDpopButProviderAnswersBearerThenBearerTokensUsedAsBearer() {
    try (EngineFixture f = new EngineFixture()) {
      f.start("dpop", "true"); // the provider ignores DPoP headers: Bearer tokens
      f.login("/page");
      Identity identity = identity(f.get("/page"));

      assertThat(identity.tokens().dpopBound()).isFalse();
      DownstreamHeaders headers = f.engine.downstreamHeaders(identity, "GET", API, null);
      assertThat(headers.authorization()).isEqualTo("Bearer " + identity.accessToken());
      assertThat(headers.dpop()).isEmpty();
      assertThat(headers.asMap()).containsOnlyKeys("Authorization");
    }
  }

  @Test
  void tokenTypeWhenDpopOnThenDpopAndBearerTakenOthersRefused() {
    for (String type : List.of("DPoP", "dpop", "Bearer")) {
      try (EngineFixture f = new EngineFixture()) {
        f.start("dpop", "true");
        f.provider.tamper(
            json -> {
              json.put("token_type", type);
              return json;
            });
        f.login("/page");
        assertThat(f.login()).as(type).isNotNull();
        assertThat(f.login().identity().tokens().dpopBound())
            .as(type)
            .isEqualTo(type.equalsIgnoreCase("dpop"));
      }
    }
    try (EngineFixture f = new EngineFixture()) {
      f.start("dpop", "true");
      f.provider.tamper(
          json -> {
            json.put("token_type", "mac");
            return json;
          });
      f.login("/page");
      assertThat(f.login()).as("mac").isNull();
    }
  }

  @Test
  void loginWhenDpopOffThenNoProofAndADpopTokenTypeRefused() {
    try (EngineFixture f = new EngineFixture()) {
      f.provider.dpop(true);
      f.start();
      f.login("/page");
      assertThat(f.provider.dpopProofs).isEmpty();
      Identity identity = f.login().identity();
      assertThat(identity.tokens().dpopBound()).isFalse();
      assertThat(f.engine.downstreamHeaders(identity, "GET", API, null).authorization())
          .startsWith("Bearer ");
    }
    try (EngineFixture f = new EngineFixture()) {
      f.start();
      f.provider.tamper(
          json -> {
            json.put("token_type", "DPoP");
            return json;
          });
      f.login("/page");
      assertThat(f.login()).as("a DPoP token without DPoP cannot be used").isNull();
    }
  }

  /** Runs {@code action} and returns every {@code io.portcullis} log message it caused. */
  private static List<String> logged(Runnable action) {
    java.util.logging.Logger logger = java.util.logging.Logger.getLogger("io.portcullis");
    java.util.logging.Level level = logger.getLevel();
    List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.logging.Handler handler =
        new java.util.logging.Handler() {
          @Override
          public void publish(java.util.logging.LogRecord record) {
            lines.add(String.valueOf(record.getMessage()));
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    logger.setLevel(java.util.logging.Level.ALL);
    logger.addHandler(handler);
    try {
      action.run();
    } finally {
      logger.removeHandler(handler);
      logger.setLevel(level);
    }
    return lines;
  }

  @Test
  void logWhenDpopLoginNonceRefreshAndCallsThenNoTokenProofOrKeyInAnyLine() throws Exception {
    String keyFile = EnginePrivateKeyJwtTest.keyFile("ec-p256.pem");
    String keyBody =
        Files.readString(Path.of(keyFile))
            .replaceAll("-----[A-Z ]+-----", "")
            .replaceAll("\\s", "");
    try (EngineFixture f = new EngineFixture()) {
      List<String> headers = new java.util.ArrayList<>();
      List<String> lines =
          logged(
              () -> {
                f.provider.dpop(true);
                f.provider.requireDpopNonce("nonce-1");
                f.start("dpop", "true", "dpop-key-file", keyFile);
                f.login("/page");
                f.clock.advance(Duration.ofSeconds(241));
                Identity identity = identity(f.get("/page"));
                headers.addAll(
                    f.engine.downstreamHeaders(identity, "GET", API, "n").asMap().values());
                headers.addAll(
                    f.engine
                        .clientCredentials()
                        .headers(Set.of("read"), "GET", API)
                        .asMap()
                        .values());
              });
      assertThat(lines).anyMatch(l -> l.contains("portcullis.check dpop"));
      assertThat(f.provider.dpopNonceErrors.get()).isEqualTo(1);
      assertThat(f.provider.refreshRequests.get()).isEqualTo(1);
      List<String> secrets = new java.util.ArrayList<>(f.provider.issuedSecrets);
      f.provider.dpopProofs.forEach(p -> secrets.add(p.serialize()));
      secrets.addAll(headers);
      secrets.add(keyBody.substring(keyBody.length() / 2, keyBody.length() / 2 + 24));
      assertThat(secrets).hasSizeGreaterThan(8);
      for (String line : lines) {
        for (String secret : secrets) {
          assertThat(line).doesNotContain(secret);
        }
      }
    }
  }

  @Test
  void logWhenDpopButProviderAnswersBearerThenOneWarningForAllLogins() {
    try (EngineFixture f = new EngineFixture()) {
      List<String> lines =
          logged(
              () -> {
                f.start("dpop", "true");
                f.login("/page");
                f.session = new InMemoryExchange.Session();
                f.cookies.clear();
                f.login("/page");
              });
      assertThat(f.provider.tokenRequests.get()).isEqualTo(2);
      assertThat(lines.stream().filter(l -> l.contains("did not bind"))).hasSize(1);
    }
  }

  // ---- the key ----

  @Test
  void keyFileWhenEcPemThenProofsSignedWithItAndDiagnosticsNameItsThumbprint() throws Exception {
    try (EngineFixture f = new EngineFixture()) {
      f.provider.dpop(true);
      f.start("dpop", "true", "dpop-key-file", EnginePrivateKeyJwtTest.keyFile("ec-p256.pem"));
      f.login("/page");
      String jkt = thumbprint(f.provider.dpopProofs.get(0));

      Diagnostics.Finding finding = f.engine.diagnostics().findings(Diagnostics.DPOP).get(0);
      assertThat(finding.isWarning()).isFalse();
      assertThat(finding.message()).contains("dpop-key-file").contains(jkt).contains("ES256");
    }
    // the same file on another "node": the same key
    try (EngineFixture g = new EngineFixture()) {
      g.provider.dpop(true);
      g.start("dpop", "true", "dpop-key-file", EnginePrivateKeyJwtTest.keyFile("ec-p256.pem"));
      g.login("/page");
      assertThat(g.engine.diagnostics().findings(Diagnostics.DPOP).get(0).message())
          .contains(thumbprint(g.provider.dpopProofs.get(0)));
    }
  }

  @Test
  void keyFileWhenRsaThenPs256() throws Exception {
    try (EngineFixture f = new EngineFixture()) {
      f.provider.dpop(true);
      f.start("dpop", "true", "dpop-key-file", EnginePrivateKeyJwtTest.keyFile("rsa-2048.pem"));
      f.login("/page");
      SignedJWT proof = f.provider.dpopProofs.get(0);
      assertThat(proof.getHeader().getAlgorithm().getName()).isEqualTo("PS256");
      assertThat(proof.getHeader().getJWK().toJSONObject()).doesNotContainKeys("d", "p", "q");
      assertThat(f.login().identity().tokens().dpopBound()).isTrue();
    }
  }

  @Test
  void generatedKeyWhenTwoEnginesThenTwoKeysAndDiagnosticsSaySoWarningWithStateKey()
      throws Exception {
    Set<String> keys = new HashSet<>();
    for (int i = 0; i < 2; i++) {
      try (EngineFixture f = new EngineFixture()) {
        f.provider.dpop(true);
        f.start("dpop", "true");
        f.login("/page");
        keys.add(thumbprint(f.provider.dpopProofs.get(0)));
        Diagnostics.Finding finding = f.engine.diagnostics().findings(Diagnostics.DPOP).get(0);
        assertThat(finding.message()).contains("generated").contains("dpop-key-file");
        assertThat(finding.isWarning()).isFalse();
      }
    }
    assertThat(keys).hasSize(2);
    try (EngineFixture f = new EngineFixture()) {
      f.start("dpop", "true", "state-key", Base64.getEncoder().encodeToString(Randoms.bytes(32)));
      assertThat(f.engine.diagnostics().findings(Diagnostics.DPOP).get(0).isWarning()).isTrue();
    }
    try (EngineFixture f = new EngineFixture()) {
      f.start();
      assertThat(f.engine.diagnostics().findings(Diagnostics.DPOP)).isEmpty();
    }
  }

  private static List<String> problems(String... keyValues) {
    Map<String, String> map = new LinkedHashMap<>();
    map.put("issuer", "https://idp.example.com/realms/app");
    map.put("client-id", "app");
    EngineFixture.overlay(map, keyValues);
    InvalidConfigurationException e =
        catchThrowableOfType(InvalidConfigurationException.class, () -> PortcullisConfig.of(map));
    assertThat(e).as("InvalidConfigurationException").isNotNull();
    return e.problems();
  }

  @Test
  void configWhenKeyFileBadThenInitFailsNamingTheKeyWithoutItsContent() throws Exception {
    Path secretish = dir.resolve("not-a-key.txt");
    Files.writeString(secretish, "TOP-SECRET-CONTENT");
    Path hmac = dir.resolve("oct.json");
    Files.writeString(hmac, "{\"kty\":\"oct\",\"k\":\"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTAx\"}");

    assertThat(problems("dpop", "true", "dpop-key-file", dir.resolve("missing.pem").toString()))
        .singleElement()
        .asString()
        .contains("dpop-key-file")
        .contains("cannot be read");
    assertThat(problems("dpop", "true", "dpop-key-file", secretish.toString()))
        .singleElement()
        .asString()
        .contains("dpop-key-file")
        .contains("neither a PEM")
        .doesNotContain("TOP-SECRET");
    assertThat(problems("dpop", "true", "dpop-key-file", hmac.toString()))
        .singleElement()
        .asString()
        .contains("dpop-key-file")
        .contains("DPoP takes an RSA or EC key")
        .doesNotContain("c2VjcmV0");
    assertThat(
            problems(
                "dpop",
                "true",
                "dpop-key-file",
                EnginePrivateKeyJwtTest.keyFile("rsa-2048-public.pem")))
        .singleElement()
        .asString()
        .contains("dpop-key-file")
        .contains("public key only");
    assertThat(problems("dpop-key-file", EnginePrivateKeyJwtTest.keyFile("ec-p256.pem")))
        .singleElement()
        .asString()
        .contains("dpop-key-file")
        .contains("dpop is not true");
    assertThat(problems("dpop", "yes")).singleElement().asString().contains("dpop");
  }
}
