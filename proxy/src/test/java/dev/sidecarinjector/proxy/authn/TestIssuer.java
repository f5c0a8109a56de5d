package dev.sidecarinjector.proxy.authn;

import dev.sidecarinjector.api.snapshot.JwtHeader;
import dev.sidecarinjector.api.snapshot.JwtRule;
import java.util.List;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.keys.EllipticCurves;

/** A token issuer for tests: an RSA and an EC key pair, their public JWKS, and tokens signed with jose4j. */
public final class TestIssuer {

    public static final String ISSUER = "https://issuer.example";

    public final PublicJsonWebKey rsa;
    public final PublicJsonWebKey ec;

    public TestIssuer() {
        try {
            rsa = RsaJwkGenerator.generateJwk(2048);
            rsa.setKeyId("rsa-1");
            ec = EcJwkGenerator.generateJwk(EllipticCurves.P256);
            ec.setKeyId("ec-1");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public key set, as an issuer publishes it. */
    public String jwks() {
        return "{\"keys\":[" + rsa.toJson() + "," + ec.toJson() + "]}";
    }

    /** A rule for this issuer with Istio's default locations. */
    public JwtRule rule(List<String> audiences) {
        return new JwtRule("default/jwt", ISSUER, audiences, "", jwks(), List.of(JwtHeader.AUTHORIZATION_BEARER), List.of("access_token"), "",
                List.of(), false);
    }

    /** {@code payload} (JSON) signed with {@code alg} by the RSA key (RS*, PS*) or the EC key (ES*), with its kid. */
    public String sign(String alg, String payload) {
        var key = alg.startsWith("ES") ? ec : rsa;
        return sign(alg, key.getKeyId(), payload, key);
    }

    public static String sign(String alg, String kid, String payload, PublicJsonWebKey key) {
        try {
            var jws = new JsonWebSignature();
            jws.setAlgorithmHeaderValue(alg);
            if (kid != null) {
                jws.setKeyIdHeaderValue(kid);
            }
            jws.setPayload(payload);
            jws.setKey(key.getPrivateKey());
            return jws.getCompactSerialization();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A payload of this issuer for {@code sub}, valid from a minute before {@code now} to an hour after. */
    public static String payload(String sub, long now, String... more) {
        var json = new StringBuilder("{\"iss\":\"" + ISSUER + "\",\"sub\":\"" + sub + "\",\"iat\":" + now + ",\"nbf\":" + (now - 60)
                + ",\"exp\":" + (now + 3600));
        for (var field : more) {
            json.append(',').append(field);
        }
        return json.append('}').toString();
    }
}
