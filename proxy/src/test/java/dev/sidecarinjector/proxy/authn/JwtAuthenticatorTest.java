package dev.sidecarinjector.proxy.authn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.api.snapshot.ClaimToHeader;
import dev.sidecarinjector.api.snapshot.JwtHeader;
import dev.sidecarinjector.api.snapshot.JwtRule;
import dev.sidecarinjector.proxy.codec.Heads;
import dev.sidecarinjector.proxy.codec.MessageHead;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.Test;

/** RequestAuthentication's JWT check, case by case, with tokens signed by jose4j and a fixed clock. */
class JwtAuthenticatorTest {

    private static final long NOW = 1_800_000_000L;
    private static final TestIssuer ISSUER = new TestIssuer();

    private static JwtAuthenticator authenticator(JwtRule... rules) {
        return JwtAuthenticator.compile(List.of(rules), null);
    }

    private static final JwtAuthenticator DEFAULT = authenticator(ISSUER.rule(List.of("payments")));

    private static MessageHead request(String uri, String... headers) {
        var request = Heads.request("GET", uri, "host", "payment:8080", "x-forwarded-proto", "http");
        for (var i = 0; i < headers.length; i += 2) {
            request.add(headers[i], headers[i + 1]);
        }
        return request;
    }

    private static MessageHead bearer(String token) {
        return request("/api/v1/charge", "authorization", "Bearer " + token);
    }

    private static String good(String alg) {
        return ISSUER.sign(alg, TestIssuer.payload("alice", NOW, "\"aud\":\"payments\""));
    }

    /** {@code token} with one signature character changed (not the last: its low bits may be padding). */
    private static String broken(String token) {
        var at = token.length() - 10;
        return token.substring(0, at) + (token.charAt(at) == 'A' ? 'B' : 'A') + token.substring(at + 1);
    }

    private static void refused(JwtFailure expected, JwtOutcome outcome) {
        assertTrue(outcome.refused(), "the token passed");
        assertEquals(expected, outcome.failure());
    }

    @Test
    void goodTokensOfEachAlgorithmPassAndAreRemovedBeforeTheApplication() {
        for (var alg : List.of("RS256", "RS384", "RS512", "PS256", "ES256")) {
            var request = bearer(good(alg));
            var outcome = DEFAULT.authenticate(request, NOW);
            assertFalse(outcome.refused(), alg + ": " + outcome.failure());
            assertEquals(TestIssuer.ISSUER + "/alice", outcome.auth().principal(), alg);
            assertEquals(List.of("payments"), outcome.auth().audiences());
            assertFalse(request.contains("authorization"), alg + ": the application must not see the token");
        }
    }

    @Test
    void anEs384TokenNeedsAP384Key() throws Exception {
        var p384 = org.jose4j.jwk.EcJwkGenerator.generateJwk(org.jose4j.keys.EllipticCurves.P384);
        p384.setKeyId("ec-384");
        var rule = new JwtRule("", TestIssuer.ISSUER, List.of(), "", "{\"keys\":[" + p384.toJson() + "]}", List.of(JwtHeader.AUTHORIZATION_BEARER),
                List.of(), "", List.of(), false);
        var token = TestIssuer.sign("ES384", "ec-384", TestIssuer.payload("bob", NOW), p384);
        assertFalse(authenticator(rule).authenticate(bearer(token), NOW).refused());
    }

    @Test
    void aRequestWithoutATokenPassesWithNoIdentity() {
        var outcome = DEFAULT.authenticate(request("/"), NOW);
        assertFalse(outcome.refused());
        assertNull(outcome.auth());
        assertNull(DEFAULT.authenticate(request("/", "authorization", "Basic YWxhZGRpbjpvcGVuc2VzYW1l"), NOW).auth(),
                "another scheme is no JWT");
    }

    @Test
    void timeIsCheckedWithSixtySecondsOfSkew() {
        var expired = ISSUER.sign("RS256", "{\"iss\":\"" + TestIssuer.ISSUER + "\",\"sub\":\"a\",\"aud\":\"payments\",\"exp\":" + (NOW - 61) + "}");
        refused(JwtFailure.EXPIRED, DEFAULT.authenticate(bearer(expired), NOW));
        var justExpired = ISSUER.sign("RS256", "{\"iss\":\"" + TestIssuer.ISSUER + "\",\"sub\":\"a\",\"aud\":\"payments\",\"exp\":" + (NOW - 60) + "}");
        assertFalse(DEFAULT.authenticate(bearer(justExpired), NOW).refused(), "within the skew");
        var early = ISSUER.sign("RS256", "{\"iss\":\"" + TestIssuer.ISSUER + "\",\"sub\":\"a\",\"aud\":\"payments\",\"nbf\":" + (NOW + 61) + "}");
        refused(JwtFailure.NOT_YET_VALID, DEFAULT.authenticate(bearer(early), NOW));
        var almost = ISSUER.sign("RS256", "{\"iss\":\"" + TestIssuer.ISSUER + "\",\"sub\":\"a\",\"aud\":\"payments\",\"nbf\":" + (NOW + 60) + "}");
        assertFalse(DEFAULT.authenticate(bearer(almost), NOW).refused(), "within the skew");
    }

    @Test
    void issuerAndAudienceAreChecked() {
        var stranger = ISSUER.sign("RS256", "{\"iss\":\"https://other.example\",\"sub\":\"a\",\"aud\":\"payments\"}");
        refused(JwtFailure.UNKNOWN_ISSUER, DEFAULT.authenticate(bearer(stranger), NOW));
        var elsewhere = ISSUER.sign("RS256", TestIssuer.payload("a", NOW, "\"aud\":[\"ledger\",\"shop\"]"));
        var outcome = DEFAULT.authenticate(bearer(elsewhere), NOW);
        refused(JwtFailure.AUDIENCE_NOT_ALLOWED, outcome);
        assertEquals(403, outcome.failure().status(), "Envoy answers a wrong audience with 403");
        var listed = ISSUER.sign("RS256", TestIssuer.payload("a", NOW, "\"aud\":[\"ledger\",\"https://payments/\"]"));
        assertFalse(DEFAULT.authenticate(bearer(listed), NOW).refused(), "one allowed audience is enough, compared as Envoy sanitizes them");
        assertFalse(authenticator(ISSUER.rule(List.of())).authenticate(bearer(elsewhere), NOW).refused(), "no audiences: any");
    }

    @Test
    void theKeyMustBeOneOfTheSet() {
        var unknownKid = TestIssuer.sign("RS256", "rsa-9", TestIssuer.payload("a", NOW, "\"aud\":\"payments\""), ISSUER.rsa);
        refused(JwtFailure.NO_MATCHING_KEY, DEFAULT.authenticate(bearer(unknownKid), NOW));
        var stranger = new TestIssuer();
        var sameKidOtherKey = TestIssuer.sign("RS256", "rsa-1", TestIssuer.payload("a", NOW, "\"aud\":\"payments\""), stranger.rsa);
        refused(JwtFailure.VERIFICATION_FAILED, DEFAULT.authenticate(bearer(sameKidOtherKey), NOW));
        var noKeysYet = new JwtRule("", TestIssuer.ISSUER, List.of(), "https://issuer.example/jwks", "", List.of(JwtHeader.AUTHORIZATION_BEARER),
                List.of(), "", List.of(), false);
        refused(JwtFailure.NO_MATCHING_KEY, authenticator(noKeysYet).authenticate(bearer(good("RS256")), NOW));
    }

    @Test
    void unsignedAndHmacTokensAreRefused() throws Exception {
        var encoder = Base64.getUrlEncoder().withoutPadding();
        var payload = encoder.encodeToString(TestIssuer.payload("a", NOW, "\"aud\":\"payments\"").getBytes(StandardCharsets.UTF_8));
        var none = encoder.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "." + payload + ".";
        refused(JwtFailure.ALG_NOT_IMPLEMENTED, DEFAULT.authenticate(bearer(none), NOW));

        // The classic confusion: HS256 with the issuer's public key as the HMAC secret.
        var jws = new JsonWebSignature();
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
        jws.setKeyIdHeaderValue("rsa-1");
        jws.setPayload(TestIssuer.payload("a", NOW, "\"aud\":\"payments\""));
        jws.setKey(new HmacKey(ISSUER.rsa.getPublicKey().getEncoded()));
        refused(JwtFailure.ALG_NOT_IMPLEMENTED, DEFAULT.authenticate(bearer(jws.getCompactSerialization()), NOW));
    }

    @Test
    void aTamperedPayloadFailsTheSignature() {
        var parts = good("ES256").split("\\.");
        var forged = Base64.getUrlEncoder().withoutPadding().encodeToString(
                TestIssuer.payload("mallory", NOW, "\"aud\":\"payments\"").getBytes(StandardCharsets.UTF_8));
        refused(JwtFailure.VERIFICATION_FAILED, DEFAULT.authenticate(bearer(parts[0] + "." + forged + "." + parts[2]), NOW));
        refused(JwtFailure.BAD_FORMAT, DEFAULT.authenticate(bearer("only.two"), NOW));
        refused(JwtFailure.HEADER_PARSE_ERROR, DEFAULT.authenticate(bearer("e30x." + parts[1] + "." + parts[2]), NOW));
        refused(JwtFailure.PAYLOAD_PARSE_ERROR, DEFAULT.authenticate(bearer(parts[0] + ".bm90anNvbg." + parts[2]), NOW));
    }

    @Test
    void aTokenInTheQueryIsCheckedAndRemovedFromIt() {
        var request = request("/api/v1/charge?amount=5&access_token=" + good("RS256") + "&currency=eur");
        var outcome = DEFAULT.authenticate(request, NOW);
        assertFalse(outcome.refused(), String.valueOf(outcome.failure()));
        assertEquals(TestIssuer.ISSUER + "/alice", outcome.auth().principal());
        assertEquals("/api/v1/charge?amount=5&currency=eur", request.target());
        refused(JwtFailure.VERIFICATION_FAILED, DEFAULT.authenticate(request("/?access_token=" + broken(good("RS256"))), NOW));
    }

    @Test
    void customHeadersWithAPrefixAreWhereTheRuleSays() {
        var rule = new JwtRule("", TestIssuer.ISSUER, List.of(), "", ISSUER.jwks(), List.of(new JwtHeader("x-partner-token", "Token ")), List.of(),
                "", List.of(), false);
        var custom = authenticator(rule);
        var token = good("ES256");
        var request = request("/", "x-partner-token", "Token " + token);
        assertEquals(TestIssuer.ISSUER + "/alice", custom.authenticate(request, NOW).auth().principal());
        assertFalse(request.contains("x-partner-token"));
        assertNull(custom.authenticate(request("/", "x-partner-token", token), NOW).auth(), "without its prefix it is no token");
        assertNull(custom.authenticate(bearer(token), NOW).auth(), "the default header is not this rule's");
    }

    @Test
    void payloadAndClaimsGoToHeadersTheClientCannotForge() {
        var rule = new JwtRule("", TestIssuer.ISSUER, List.of(), "", ISSUER.jwks(), List.of(JwtHeader.AUTHORIZATION_BEARER), List.of(),
                "x-jwt-payload", List.of(new ClaimToHeader("x-user", "sub"), new ClaimToHeader("x-tenant", "org.tenant")), true);
        var token = ISSUER.sign("RS256", TestIssuer.payload("alice", NOW, "\"org\":{\"tenant\":\"acme\"}"));
        var request = request("/", "authorization", "Bearer " + token, "x-jwt-payload", "forged", "x-user", "root");
        assertFalse(authenticator(rule).authenticate(request, NOW).refused());
        assertEquals(token.split("\\.")[1], request.get("x-jwt-payload"));
        assertEquals(List.of("alice"), request.getAll("x-user"));
        assertEquals("acme", request.get("x-tenant"));
        assertEquals("Bearer " + token, request.get("authorization"), "forwardOriginalToken keeps it");
    }

    @Test
    void claimsAreStringsByPath() {
        var token = ISSUER.sign("RS256", TestIssuer.payload("alice", NOW, "\"aud\":\"payments\"", "\"azp\":\"web\"", "\"groups\":[\"admin\",\"ops\"]",
                "\"scope\":\"read write\"", "\"level\":3", "\"verified\":true", "\"org\":{\"team\":{\"name\":\"pay\"}}"));
        var auth = DEFAULT.authenticate(bearer(token), NOW).auth();
        assertEquals("web", auth.presenter());
        assertEquals(List.of("admin", "ops"), auth.claims().get("groups"));
        assertEquals(List.of("read", "write"), auth.claims().get("scope"));
        assertEquals(List.of("3"), auth.claims().get("level"));
        assertEquals(List.of("true"), auth.claims().get("verified"));
        assertEquals(List.of("pay"), auth.claims().get("org][team][name"));
        assertEquals(List.of(TestIssuer.ISSUER), auth.claims().get("iss"));
    }

    @Test
    void aVerifiedTokenIsKeptButItsTimeStillCounts() {
        var authenticator = authenticator(ISSUER.rule(List.of("payments")));
        var token = ISSUER.sign("RS256", "{\"iss\":\"" + TestIssuer.ISSUER + "\",\"sub\":\"a\",\"aud\":\"payments\",\"exp\":" + (NOW + 100) + "}");
        assertFalse(authenticator.authenticate(bearer(token), NOW).refused());
        assertFalse(authenticator.authenticate(bearer(token), NOW + 1).refused());
        assertEquals(1, authenticator.verifiedTokens());
        refused(JwtFailure.EXPIRED, authenticator.authenticate(bearer(token), NOW + 161));
    }

    @Test
    void theSameRulesKeepTheirAuthenticatorAcrossSnapshots() {
        var rules = List.of(ISSUER.rule(List.of()));
        var first = JwtAuthenticator.compile(rules, null);
        assertTrue(first == JwtAuthenticator.compile(List.of(ISSUER.rule(List.of())), first));
        assertFalse(first == JwtAuthenticator.compile(List.of(ISSUER.rule(List.of("x"))), first));
        assertTrue(JwtAuthenticator.compile(List.of(), first).isEmpty());
    }

    @Test
    void everyTokenOfARequestMustBeValid() {
        var request = request("/?access_token=" + broken(good("RS256")), "authorization", "Bearer " + good("ES256"));
        assertTrue(DEFAULT.authenticate(request, NOW).refused(), "a good header token does not excuse a bad query token");
    }

    @Test
    void corsPreflightsAreNotChecked() {
        var preflight = Heads.request("OPTIONS", "/", "origin", "https://shop.example", "access-control-request-method", "POST",
                "authorization", "Bearer not.a.token");
        assertFalse(DEFAULT.authenticate(preflight, NOW).refused());
    }

    @Test
    void theChallengeNamesTheRequestAsEnvoyDoes() {
        assertEquals("Bearer realm=\"http://payment:8080/api/v1/charge?x=1\", error=\"invalid_token\"",
                JwtAuthenticator.challenge(request("/api/v1/charge?x=1")));
    }

    @Test
    void removingAParameterKeepsTheRest() {
        assertEquals("/p", JwtAuthenticator.withoutParam("/p?access_token=t", "access_token"));
        assertEquals("/p?a=1&b=2#f", JwtAuthenticator.withoutParam("/p?a=1&access_token=t&b=2#f", "access_token"));
        assertEquals("/p?a=1", JwtAuthenticator.withoutParam("/p?a=1&access%5Ftoken=t", "access_token"));
    }
}
