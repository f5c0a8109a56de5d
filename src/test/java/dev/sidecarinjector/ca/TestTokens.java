package dev.sidecarinjector.ca;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.EllipticCurves;

/** An issuer of ServiceAccount-like tokens for the tests: an RSA and an EC key, a JWKS file of their public halves. */
final class TestTokens {

    static final String ISSUER = "https://kubernetes.default.svc.cluster.local";
    final PublicJsonWebKey rsa;
    final PublicJsonWebKey ec;

    TestTokens() throws Exception {
        rsa = RsaJwkGenerator.generateJwk(2048);
        rsa.setKeyId("rsa-1");
        ec = EcJwkGenerator.generateJwk(EllipticCurves.P256);
        ec.setKeyId("ec-1");
    }

    /** Writes the JWKS (public keys only) and returns the file. */
    Path jwks(Path file, PublicJsonWebKey... keys) throws Exception {
        var set = new JsonWebKeySet(List.<JsonWebKey>of(keys.length == 0 ? new PublicJsonWebKey[] {rsa, ec} : keys));
        return Files.writeString(file, set.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
    }

    /** A projected ServiceAccount token as the kubelet asks for it: audience istio-ca, 12 hours from {@code issued}. */
    static JwtClaims serviceAccount(String namespace, String name, Instant issued) {
        var claims = new JwtClaims();
        claims.setIssuer(ISSUER);
        claims.setAudience("istio-ca");
        claims.setSubject("system:serviceaccount:" + namespace + ":" + name);
        claims.setIssuedAt(NumericDate.fromMilliseconds(issued.toEpochMilli()));
        claims.setNotBefore(NumericDate.fromMilliseconds(issued.toEpochMilli()));
        claims.setExpirationTime(NumericDate.fromMilliseconds(issued.plusSeconds(43200).toEpochMilli()));
        return claims;
    }

    String sign(PublicJsonWebKey key, JwtClaims claims) throws Exception {
        return sign(key, claims, jws -> { });
    }

    String sign(PublicJsonWebKey key, JwtClaims claims, Consumer<JsonWebSignature> header) throws Exception {
        var jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key.getPrivateKey());
        jws.setKeyIdHeaderValue(key.getKeyId());
        jws.setAlgorithmHeaderValue(key == rsa || "RSA".equals(key.getKeyType()) ? AlgorithmIdentifiers.RSA_USING_SHA256
                : AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
        header.accept(jws);
        return jws.getCompactSerialization();
    }

    String rsaToken(String namespace, String name) throws Exception {
        return sign(rsa, serviceAccount(namespace, name, Instant.now()));
    }
}
