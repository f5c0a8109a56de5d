package dev.sidecarinjector.ca;

import dev.sidecarinjector.ca.AuthenticationException.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.jose4j.lang.JoseException;
import org.jose4j.lang.UnresolvableKeyException;

/**
 * Checks tokens with no cluster to ask (Istio's JWT_RULE idea): the signature against the keys of a JWKS file
 * (chosen by {@code kid}; RSA, RSA-PSS or ECDSA only), the issuer, the audience, and the expiry with a small clock
 * skew. The file is re-read when it changes, so its keys can be rotated; a bad new file keeps the keys in force.
 */
public final class JwksAuthenticator implements TokenAuthenticator {

    private static final Logger LOG = Logger.getLogger(JwksAuthenticator.class);
    private static final String[] ALGORITHMS = {
        AlgorithmIdentifiers.RSA_USING_SHA256, AlgorithmIdentifiers.RSA_USING_SHA384, AlgorithmIdentifiers.RSA_USING_SHA512,
        AlgorithmIdentifiers.RSA_PSS_USING_SHA256, AlgorithmIdentifiers.RSA_PSS_USING_SHA384, AlgorithmIdentifiers.RSA_PSS_USING_SHA512,
        AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256, AlgorithmIdentifiers.ECDSA_USING_P384_CURVE_AND_SHA384,
        AlgorithmIdentifiers.ECDSA_USING_P521_CURVE_AND_SHA512};

    private record Keys(FileTime modified, long size, List<JsonWebKey> keys) {
    }

    private final Path file;
    private final String issuer;
    private final String audience;
    private final Duration clockSkew;
    private final Clock clock;
    private volatile Keys keys;
    private String problem;

    public JwksAuthenticator(Path file, String issuer, String audience, Duration clockSkew, Clock clock) throws CaSetupException {
        this.file = file;
        this.issuer = issuer;
        this.audience = audience;
        this.clockSkew = clockSkew;
        this.clock = clock;
        try {
            this.keys = read();
        } catch (IOException | JoseException e) {
            throw new CaSetupException("injector.ca.jwt.jwks-file " + file + ": " + message(e), e);
        }
    }

    @Override
    public String describe() {
        return "JWTs of issuer " + issuer + " for audience " + audience + ", signed by a key of " + file;
    }

    @Override
    public ServiceAccount authenticate(String token) throws AuthenticationException {
        var current = refresh();
        var consumer = new JwtConsumerBuilder()
                .setRequireExpirationTime()
                .setRequireSubject()
                .setAllowedClockSkewInSeconds((int) clockSkew.toSeconds())
                .setEvaluationTime(NumericDate.fromMilliseconds(clock.millis()))
                .setExpectedIssuer(issuer)
                .setExpectedAudience(audience)
                .setJwsAlgorithmConstraints(new AlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, ALGORITHMS))
                .setVerificationKeyResolver(new JwksVerificationKeyResolver(current.keys()))
                .build();
        try {
            var claims = consumer.processToClaims(token);
            var subject = claims.getSubject();
            return ServiceAccount.fromUsername(subject).orElseThrow(() -> new AuthenticationException(Reason.NOT_SERVICE_ACCOUNT,
                    "the token's subject \"" + shown(subject) + "\" is not a ServiceAccount (system:serviceaccount:NAMESPACE:NAME)"));
        } catch (InvalidJwtException e) {
            throw refusal(e);
        } catch (MalformedClaimException e) {
            throw new AuthenticationException(Reason.MALFORMED_TOKEN, "the token's sub claim is not a string");
        }
    }

    private AuthenticationException refusal(InvalidJwtException e) {
        var context = e.getJwtContext();
        var claims = context == null ? null : context.getJwtClaims();
        for (var cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof UnresolvableKeyException) {
                var kid = context == null || context.getJoseObjects().isEmpty() ? null : context.getJoseObjects().getFirst().getKeyIdHeaderValue();
                return new AuthenticationException(Reason.BAD_SIGNATURE, kid == null
                        ? "no key of " + file + " verifies the token (it names no kid)"
                        : "the token is signed with key id \"" + shown(kid) + "\", which " + file + " does not hold");
            }
            if (cause instanceof org.jose4j.lang.InvalidAlgorithmException) {
                return new AuthenticationException(Reason.BAD_SIGNATURE, "the token's algorithm is not accepted (RS*, PS* or ES* only)");
            }
        }
        if (e.hasErrorCode(ErrorCodes.SIGNATURE_INVALID) || e.hasErrorCode(ErrorCodes.SIGNATURE_MISSING)) {
            return new AuthenticationException(Reason.BAD_SIGNATURE, "the token's signature does not verify with the keys of " + file);
        }
        if (claims == null) {
            return new AuthenticationException(Reason.MALFORMED_TOKEN, "the bearer token is not a signed JWT");
        }
        try {
            if (e.hasExpired()) {
                return new AuthenticationException(Reason.EXPIRED, "the token expired at " + Instant.ofEpochSecond(claims.getExpirationTime().getValue()));
            }
            if (e.hasErrorCode(ErrorCodes.NOT_YET_VALID)) {
                return new AuthenticationException(Reason.NOT_YET_VALID, "the token is not valid before "
                        + Instant.ofEpochSecond(claims.getNotBefore().getValue()));
            }
            if (e.hasErrorCode(ErrorCodes.ISSUER_INVALID) || e.hasErrorCode(ErrorCodes.ISSUER_MISSING)) {
                return new AuthenticationException(Reason.WRONG_ISSUER, "the token's issuer \"" + shown(claims.getIssuer())
                        + "\" is not " + issuer);
            }
            if (e.hasErrorCode(ErrorCodes.AUDIENCE_INVALID) || e.hasErrorCode(ErrorCodes.AUDIENCE_MISSING)) {
                return new AuthenticationException(Reason.WRONG_AUDIENCE, "the token's audience " + shown(String.valueOf(claims.getAudience()))
                        + " does not include " + audience);
            }
        } catch (MalformedClaimException malformed) {
            return new AuthenticationException(Reason.MALFORMED_TOKEN, "a claim of the token is malformed: " + malformed.getMessage());
        }
        if (e.hasErrorCode(ErrorCodes.EXPIRATION_MISSING)) {
            return new AuthenticationException(Reason.MALFORMED_TOKEN, "the token has no exp claim");
        }
        if (e.hasErrorCode(ErrorCodes.SUBJECT_MISSING)) {
            return new AuthenticationException(Reason.NOT_SERVICE_ACCOUNT, "the token has no sub claim");
        }
        return new AuthenticationException(Reason.MALFORMED_TOKEN, "the token is not accepted: " + e.getErrorDetails().stream()
                .map(detail -> detail.getErrorMessage()).findFirst().orElse("invalid JWT"));
    }

    /** The keys in force: re-read when the file's time or size changed, else the ones read before. */
    private Keys refresh() {
        var current = keys;
        try {
            if (Files.getLastModifiedTime(file).equals(current.modified()) && Files.size(file) == current.size()) {
                return current;
            }
            synchronized (this) {
                keys = read();
                if (problem != null) {
                    LOG.infof("JWKS file %s is good again", file);
                    problem = null;
                }
                LOG.infof("JWKS file %s re-read: %d keys", file, keys.keys().size());
                return keys;
            }
        } catch (IOException | JoseException e) {
            synchronized (this) {
                if (!message(e).equals(problem)) {
                    problem = message(e);
                    LOG.warnf("JWKS file %s: %s; the %d keys read before stay in force", file, problem, current.keys().size());
                }
            }
            return current;
        }
    }

    private Keys read() throws IOException, JoseException {
        var modified = Files.getLastModifiedTime(file);
        var size = Files.size(file);
        var set = new JsonWebKeySet(Files.readString(file, StandardCharsets.UTF_8));
        if (set.getJsonWebKeys().isEmpty()) {
            throw new JoseException("holds no key");
        }
        return new Keys(modified, size, List.copyOf(set.getJsonWebKeys()));
    }

    private static String message(Exception e) {
        return e instanceof java.nio.file.NoSuchFileException ? "does not exist" : e.getMessage();
    }

    /** A value from the token, cut short: the caller chose it. */
    private static String shown(String value) {
        return value == null ? "" : value.length() > 128 ? value.substring(0, 128) + "…" : value;
    }
}
