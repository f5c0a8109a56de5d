package dev.sidecarinjector.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.api.ca.CertificateRequest;
import dev.sidecarinjector.api.ca.CertificateResponse;
import dev.sidecarinjector.ca.CertificateAuthority.Issued;
import dev.sidecarinjector.ca.CertificateAuthority.Refused;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One request to the CA, from the bearer token to the chain, with the JWKS authenticator and tokens signed here:
 * the identity always comes from the token, and every bad input gets its status and reason.
 */
class CertificateAuthorityTest {

    @TempDir
    Path dir;
    private TestTokens tokens;
    private CertificateAuthority ca;
    private SigningBundle bundle;

    @BeforeEach
    void ca() throws Exception {
        tokens = new TestTokens();
        var authenticator = new JwksAuthenticator(tokens.jwks(dir.resolve("jwks.json")), TestTokens.ISSUER, "istio-ca", Duration.ofSeconds(5),
                Clock.systemUTC());
        bundle = SelfSignedRoot.make("cluster.local", Duration.ofDays(3650), Instant.now(), "test").bundle();
        ca = new CertificateAuthority(new CertificateIssuer(bundle, Clock.systemUTC()), authenticator, "cluster.local", Duration.ofHours(24),
                Duration.ofDays(90));
    }

    private static byte[] body(String csr, Long validitySeconds) {
        return new CertificateRequest(csr, validitySeconds == null ? OptionalLong.empty() : OptionalLong.of(validitySeconds)).toJson()
                .getBytes(StandardCharsets.UTF_8);
    }

    private CertificateAuthority.Answer post(String token, byte[] body) {
        return ca.answer(token == null ? null : "Bearer " + token, body);
    }

    private Refused refused(CertificateAuthority.Answer answer, int status, String reason) {
        var refused = assertInstanceOf(Refused.class, answer, answer.toString());
        assertEquals(status, refused.status(), refused.toString());
        assertEquals(reason, refused.reason(), refused.toString());
        assertTrue(refused.json().startsWith("{\"error\":\""), refused.json());
        return refused;
    }

    @Test
    void theSanIsTheTokensEvenWhenTheCsrAsksForAdmin() throws Exception {
        var csr = TestPki.csr(TestPki.ec("secp256r1"), "spiffe://cluster.local/ns/kube-system/sa/admin");
        var issued = assertInstanceOf(Issued.class, post(tokens.rsaToken("default", "productpage"), body(csr, null)));
        var leaf = issued.chain().getFirst();
        assertEquals(List.of(List.of(6, "spiffe://cluster.local/ns/default/sa/productpage")), List.copyOf(leaf.getSubjectAlternativeNames()));
        assertEquals("", leaf.getSubjectX500Principal().getName(), "the CSR's CN=admin is not copied");
        assertEquals(Duration.ofHours(24).plusMinutes(2).toSeconds(),
                Duration.between(leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant()).toSeconds(), "default TTL 24 h");

        var response = CertificateResponse.parse(issued.json());
        assertEquals(2, response.certChain().size());
        assertEquals(Pem.encode(bundle.root()), response.root());
        assertEquals(leaf, Pem.certificates(response.leaf()).getFirst());
        CertificateIssuerTest.pkixValidate(issued.chain(), Instant.now());
        TestPki.opensslVerify(dir, issued.chain(), "-purpose", "sslclient");
    }

    @Test
    void theValidityAskedForIsGivenUpToTheMaximum() throws Exception {
        var token = tokens.rsaToken("default", "app");
        var issued = assertInstanceOf(Issued.class, post(token, body(TestPki.csr(TestPki.rsa(2048)), 3600L)));
        var leaf = issued.chain().getFirst();
        assertEquals(3600 + 120, Duration.between(leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant()).toSeconds());
        assertInstanceOf(Issued.class, post(token, body(TestPki.csr(TestPki.ec("secp384r1")), Duration.ofDays(90).toSeconds())));

        var tooLong = refused(post(token, body(TestPki.csr(), Duration.ofDays(90).toSeconds() + 1)), 400, "validity_too_long");
        assertEquals("validitySeconds: 7776001 is above the maximum of 7776000 (90d, injector.ca.max-workload-cert-ttl)", tooLong.message());
        assertEquals("default/app", tooLong.caller());
    }

    @Test
    void everyTokenProblemIs401WithItsReason() throws Exception {
        var csr = body(TestPki.csr(), null);
        assertEquals("no Authorization header: send Authorization: Bearer <ServiceAccount token>",
                refused(ca.answer(null, csr), 401, "missing_token").message());
        refused(ca.answer("Basic dXNlcjpwYXNz", csr), 401, "missing_token");
        refused(ca.answer("Bearer ", csr), 401, "missing_token");

        var expired = TestTokens.serviceAccount("default", "app", Instant.now().minus(Duration.ofHours(13)));
        refused(post(tokens.sign(tokens.rsa, expired), csr), 401, "expired");

        var otherAudience = TestTokens.serviceAccount("default", "app", Instant.now());
        otherAudience.setAudience("https://kubernetes.default.svc");
        refused(post(tokens.sign(tokens.rsa, otherAudience), csr), 401, "wrong_audience");

        var forged = tokens.rsaToken("default", "app");
        var parts = forged.split("\\.");
        var tampered = parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                TestTokens.serviceAccount("kube-system", "admin", Instant.now()).toJson().getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        refused(post(tampered, csr), 401, "bad_signature");

        var node = TestTokens.serviceAccount("default", "app", Instant.now());
        node.setSubject("system:node:worker-1");
        refused(post(tokens.sign(tokens.rsa, node), csr), 401, "not_service_account");
    }

    @Test
    void badRequestsAre400AndNamedOnlyAfterTheTokenIsGood() throws Exception {
        var token = tokens.rsaToken("default", "app");
        refused(post("garbage", "{".getBytes(StandardCharsets.UTF_8)), 401, "malformed_token");

        assertTrue(refused(post(token, "{\"csr\":".getBytes(StandardCharsets.UTF_8)), 400, "bad_json").message().contains("unexpected end of input"));
        assertEquals("csr: missing", refused(post(token, "{}".getBytes(StandardCharsets.UTF_8)), 400, "bad_json").message());
        assertEquals("the body is not UTF-8", refused(post(token, new byte[] {'{', (byte) 0xff, '}'}), 400, "bad_json").message());

        assertEquals("csr: not a PEM certificate request: no PEM CERTIFICATE REQUEST in it",
                refused(post(token, body("hello", null)), 400, "malformed_csr").message());
        var certificateNotCsr = Pem.encode(bundle.root());
        assertEquals("csr: not a PEM certificate request: it holds a CERTIFICATE",
                refused(post(token, body(certificateNotCsr, null)), 400, "malformed_csr").message());
        assertEquals("csr: an RSA key of 1024 bits is not accepted (2048 to 8192)",
                refused(post(token, body(TestPki.csr(TestPki.rsa(1024)), null)), 400, "malformed_csr").message());
        assertEquals("csr: an EC key on curve secp521r1 is not accepted (P-256 or P-384)",
                refused(post(token, body(TestPki.csr(TestPki.ec("secp521r1")), null)), 400, "malformed_csr").message());

        // A CSR whose key did not sign it: someone else's public key.
        var mine = TestPki.ec("secp256r1");
        var theirs = TestPki.ec("secp256r1");
        var request = new org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder(new javax.security.auth.x500.X500Principal("CN=x"),
                theirs.getPublic()).build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA").build(mine.getPrivate()));
        assertEquals("csr: its signature does not verify with the key it carries",
                refused(post(token, body(Pem.encode(request), null)), 400, "malformed_csr").message());
    }

    @Test
    void anAuthenticatorThatCannotAnswerIs503NotTheCallersFault() throws Exception {
        var down = new CertificateAuthority(new CertificateIssuer(bundle, Clock.systemUTC()), new TokenAuthenticator() {
            @Override
            public ServiceAccount authenticate(String token) throws Unavailable {
                throw new Unavailable("connection refused", null);
            }

            @Override
            public String describe() {
                return "down";
            }
        }, "cluster.local", Duration.ofHours(24), Duration.ofDays(90));
        var refused = refused(down.answer("Bearer x", body(TestPki.csr(), null)), 503, "authenticator_unavailable");
        assertEquals("the token cannot be checked now: connection refused", refused.message());
    }
}
