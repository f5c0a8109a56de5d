package dev.sidecarinjector.proxy.authn;

import dev.sidecarinjector.api.snapshot.JwtRule;
import java.util.Set;
import java.util.Map;
import org.jose4j.jca.ProviderContext;
import org.jose4j.jws.EcdsaUsingShaAlgorithm;
import org.jose4j.jws.JsonWebSignatureAlgorithm;
import org.jose4j.jws.RsaUsingShaAlgorithm;
import org.jose4j.lang.JoseException;

/**
 * One JWT rule with its keys parsed: checks a token of its issuer in Envoy's order (time with 60 s of skew, then
 * audiences, then the signature with each key that suits the token's kid and alg). Signatures are jose4j's.
 */
final class CompiledJwtRule {

    /** Envoy's default clock skew, which Istio keeps. */
    static final long CLOCK_SKEW_SECONDS = 60;

    /**
     * RSA PKCS#1, RSA-PSS and ECDSA, what Envoy verifies with a public key set (HMAC, EdDSA and {@code none} are not
     * here, so refused). jose4j's verifiers, made directly: its AlgorithmFactoryFactory would also set up every JWE algorithm and probe
     * the providers for each (about 60 classes and 1 MB more, measured in docs/proxy.md). Stateless, so shared.
     */
    private static final Map<String, JsonWebSignatureAlgorithm> ALGORITHMS = Map.of(
            "RS256", new RsaUsingShaAlgorithm.RsaSha256(), "RS384", new RsaUsingShaAlgorithm.RsaSha384(),
            "RS512", new RsaUsingShaAlgorithm.RsaSha512(), "PS256", new RsaUsingShaAlgorithm.RsaPssSha256(),
            "PS384", new RsaUsingShaAlgorithm.RsaPssSha384(), "PS512", new RsaUsingShaAlgorithm.RsaPssSha512(),
            "ES256", new EcdsaUsingShaAlgorithm.EcdsaP256UsingSha256(), "ES384", new EcdsaUsingShaAlgorithm.EcdsaP384UsingSha384(),
            "ES512", new EcdsaUsingShaAlgorithm.EcdsaP521UsingSha512());

    final JwtRule rule;
    final JwksKeys keys;
    private final Set<String> audiences;

    CompiledJwtRule(JwtRule rule) {
        this.rule = rule;
        this.keys = JwksKeys.parse(rule.jwks());
        var sanitized = new java.util.HashSet<String>();
        for (var audience : rule.audiences()) {
            sanitized.add(sanitize(audience));
        }
        this.audiences = Set.copyOf(sanitized);
    }

    /** Returns normally when {@code token} passes this rule at {@code now} (seconds); its issuer is this rule's. */
    void verify(JwtToken token, long now) throws JwtRefused {
        token.checkTime(now, CLOCK_SKEW_SECONDS);
        checkAudience(token);
        var candidates = keys.candidates(token.kid, token.alg);
        if (candidates.isEmpty()) {
            throw new JwtRefused(JwtFailure.NO_MATCHING_KEY);
        }
        var algorithm = algorithm(token.alg);
        for (var candidate : candidates) {
            try {
                algorithm.validateVerificationKey(candidate.key());
                if (algorithm.verifySignature(token.signature, candidate.key(), token.signedBytes, new ProviderContext())) {
                    return;
                }
            } catch (JoseException e) {
                // A key that does not suit the algorithm (an EC key of another curve, an RSA key under 2048 bits): the next one.
            }
        }
        throw new JwtRefused(JwtFailure.VERIFICATION_FAILED);
    }

    /** The audiences are checked on every use, a cached token's too (the rule may be another with the same issuer). */
    void checkAudience(JwtToken token) throws JwtRefused {
        if (audiences.isEmpty()) {
            return;
        }
        for (var audience : token.audiences) {
            if (audiences.contains(sanitize(audience))) {
                return;
            }
        }
        throw new JwtRefused(JwtFailure.AUDIENCE_NOT_ALLOWED);
    }

    /** jwt_verify_lib compares audiences without an {@code http://} or {@code https://} scheme and a trailing slash. */
    static String sanitize(String audience) {
        var from = audience.startsWith("https://") ? 8 : audience.startsWith("http://") ? 7 : 0;
        var to = audience.endsWith("/") && audience.length() > from ? audience.length() - 1 : audience.length();
        return audience.substring(from, to);
    }

    /** Whether tokens signed with {@code alg} are verified at all. */
    static boolean verifies(String alg) {
        return ALGORITHMS.containsKey(alg);
    }

    private static JsonWebSignatureAlgorithm algorithm(String alg) throws JwtRefused {
        var algorithm = ALGORITHMS.get(alg);
        if (algorithm == null) {
            throw new JwtRefused(JwtFailure.ALG_NOT_IMPLEMENTED);
        }
        return algorithm;
    }
}
