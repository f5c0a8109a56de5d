package dev.sidecarinjector.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.ca.AuthenticationException.Reason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.keys.EllipticCurves;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tokens signed in the test, checked against a JWKS file: keys by kid, algorithms, issuer, audience, time. */
class JwksAuthenticatorTest {

    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    private static final Duration SKEW = Duration.ofSeconds(5);

    @TempDir
    Path dir;
    private TestTokens tokens;
    private Path jwks;

    @BeforeEach
    void keys() throws Exception {
        tokens = new TestTokens();
        jwks = tokens.jwks(dir.resolve("jwks.json"));
    }

    private JwksAuthenticator authenticator(Instant now) throws CaSetupException {
        return new JwksAuthenticator(jwks, TestTokens.ISSUER, "istio-ca", SKEW, Clock.fixed(now, ZoneOffset.UTC));
    }

    private AuthenticationException refused(String token, Instant now) {
        return assertThrows(AuthenticationException.class, () -> authenticator(now).authenticate(token));
    }

    @Test
    void rs256AndEs256TokensAreAcceptedByTheirKid() throws Exception {
        var issued = NOW.minusSeconds(60);
        assertEquals(new ServiceAccount("default", "productpage"),
                authenticator(NOW).authenticate(tokens.sign(tokens.rsa, TestTokens.serviceAccount("default", "productpage", issued))));
        assertEquals(new ServiceAccount("shop", "cart"),
                authenticator(NOW).authenticate(tokens.sign(tokens.ec, TestTokens.serviceAccount("shop", "cart", issued))));
    }

    @Test
    void theKidChoosesTheKeyAndAnUnknownKidIsABadSignature() throws Exception {
        var claims = TestTokens.serviceAccount("default", "app", NOW);
        // Signed by the EC key but naming the RSA key's id: the RSA key is tried, and cannot verify it.
        var swapped = refused(tokens.sign(tokens.ec, claims, jws -> jws.setKeyIdHeaderValue("rsa-1")), NOW);
        assertEquals(Reason.BAD_SIGNATURE, swapped.reason());

        var unknown = refused(tokens.sign(tokens.rsa, claims, jws -> jws.setKeyIdHeaderValue("rsa-2")), NOW);
        assertEquals(Reason.BAD_SIGNATURE, unknown.reason());
        assertEquals("the token is signed with key id \"rsa-2\", which " + jwks + " does not hold", unknown.getMessage());

        var stranger = RsaJwkGenerator.generateJwk(2048);
        stranger.setKeyId("rsa-1");
        var forged = refused(tokens.sign(stranger, claims), NOW);
        assertEquals(Reason.BAD_SIGNATURE, forged.reason());
        assertEquals("the token's signature does not verify with the keys of " + jwks, forged.getMessage());
    }

    @Test
    void expiryAllowsOnlyTheSmallSkew() throws Exception {
        var claims = TestTokens.serviceAccount("default", "app", NOW.minusSeconds(43200 + 3));
        var token = tokens.sign(tokens.rsa, claims);
        assertEquals(new ServiceAccount("default", "app"), authenticator(NOW).authenticate(token), "3 s past exp is inside the 5 s skew");
        var expired = refused(token, NOW.plusSeconds(10));
        assertEquals(Reason.EXPIRED, expired.reason());
        assertEquals("the token expired at " + NOW.minusSeconds(3), expired.getMessage());

        var early = refused(tokens.sign(tokens.rsa, TestTokens.serviceAccount("default", "app", NOW.plusSeconds(60))), NOW);
        assertEquals(Reason.NOT_YET_VALID, early.reason());
    }

    @Test
    void issuerAudienceAndSubjectAreChecked() throws Exception {
        var wrongAudience = TestTokens.serviceAccount("default", "app", NOW);
        wrongAudience.setAudience("https://kubernetes.default.svc.cluster.local");
        var audience = refused(tokens.sign(tokens.rsa, wrongAudience), NOW);
        assertEquals(Reason.WRONG_AUDIENCE, audience.reason());
        assertEquals("the token's audience [https://kubernetes.default.svc.cluster.local] does not include istio-ca", audience.getMessage());

        var wrongIssuer = TestTokens.serviceAccount("default", "app", NOW);
        wrongIssuer.setIssuer("https://evil.example");
        assertEquals(Reason.WRONG_ISSUER, refused(tokens.sign(tokens.rsa, wrongIssuer), NOW).reason());

        var user = TestTokens.serviceAccount("default", "app", NOW);
        user.setSubject("system:node:worker-1");
        var notServiceAccount = refused(tokens.sign(tokens.rsa, user), NOW);
        assertEquals(Reason.NOT_SERVICE_ACCOUNT, notServiceAccount.reason());
        assertEquals("the token's subject \"system:node:worker-1\" is not a ServiceAccount (system:serviceaccount:NAMESPACE:NAME)",
                notServiceAccount.getMessage());
    }

    @Test
    void unsignedHmacAndGarbageTokensAreRefused() throws Exception {
        var claims = TestTokens.serviceAccount("default", "app", NOW);
        var none = new org.jose4j.jws.JsonWebSignature();
        none.setPayload(claims.toJson());
        none.setAlgorithmConstraints(org.jose4j.jwa.AlgorithmConstraints.NO_CONSTRAINTS);
        none.setAlgorithmHeaderValue(AlgorithmIdentifiers.NONE);
        assertEquals(Reason.BAD_SIGNATURE, refused(none.getCompactSerialization(), NOW).reason());

        var hmac = new org.jose4j.jws.JsonWebSignature();
        hmac.setPayload(claims.toJson());
        hmac.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
        hmac.setKey(new HmacKey(new byte[32]));
        assertEquals(Reason.BAD_SIGNATURE, refused(hmac.getCompactSerialization(), NOW).reason());

        assertEquals(Reason.MALFORMED_TOKEN, refused("not-a-jwt", NOW).reason());
        assertEquals(Reason.MALFORMED_TOKEN, refused("a.b.c", NOW).reason());
    }

    @Test
    void aRotatedJwksFileIsReadAgainAndABrokenOneKeepsTheKeys() throws Exception {
        var authenticator = authenticator(NOW);
        var next = EcJwkGenerator.generateJwk(EllipticCurves.P256);
        next.setKeyId("ec-2");
        var token = tokens.sign(next, TestTokens.serviceAccount("default", "app", NOW));
        assertEquals(Reason.BAD_SIGNATURE, assertThrows(AuthenticationException.class, () -> authenticator.authenticate(token)).reason());

        tokens.jwks(jwks, tokens.rsa, next);
        Files.setLastModifiedTime(jwks, FileTime.from(NOW.plusSeconds(1)));
        assertEquals(new ServiceAccount("default", "app"), authenticator.authenticate(token));

        Files.writeString(jwks, "{\"keys\": [");
        Files.setLastModifiedTime(jwks, FileTime.from(NOW.plusSeconds(2)));
        assertEquals(new ServiceAccount("default", "app"), authenticator.authenticate(token), "the keys read before stay in force");
    }

    @Test
    void aMissingOrEmptyJwksFileStopsTheStart() throws Exception {
        var missing = dir.resolve("missing.json");
        var error = assertThrows(CaSetupException.class, () -> new JwksAuthenticator(missing, TestTokens.ISSUER, "istio-ca", SKEW, Clock.systemUTC()));
        assertEquals("injector.ca.jwt.jwks-file " + missing + ": does not exist", error.getMessage());
        var empty = Files.writeString(dir.resolve("empty.json"), "{\"keys\":[]}");
        var none = assertThrows(CaSetupException.class, () -> new JwksAuthenticator(empty, TestTokens.ISSUER, "istio-ca", SKEW, Clock.systemUTC()));
        assertTrue(none.getMessage().endsWith("holds no key"), none.getMessage());
    }
}
