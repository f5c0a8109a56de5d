package dev.sidecarinjector.ca;

import dev.sidecarinjector.api.ca.CertificateRequest;
import dev.sidecarinjector.api.ca.CertificateResponse;
import dev.sidecarinjector.api.ca.SpiffeId;
import dev.sidecarinjector.api.json.JsonException;
import dev.sidecarinjector.api.json.JsonWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;

/**
 * The CA's answer to one {@code POST /v1/certificate}, as istiod's CreateCertificate: authenticate the bearer token
 * first (401), then read the request and its CSR (400), then sign a certificate whose only identity is the token's
 * ServiceAccount. Pure apart from the authenticator it is given; the HTTP adapter only checks method, media type
 * and size, and writes the answer.
 */
public final class CertificateAuthority {

    private final CertificateIssuer issuer;
    private final TokenAuthenticator authenticator;
    private final String trustDomain;
    private final Duration defaultLifetime;
    private final Duration maxLifetime;

    public CertificateAuthority(CertificateIssuer issuer, TokenAuthenticator authenticator, String trustDomain, Duration defaultLifetime,
            Duration maxLifetime) {
        this.issuer = issuer;
        this.authenticator = authenticator;
        this.trustDomain = trustDomain;
        this.defaultLifetime = defaultLifetime;
        this.maxLifetime = maxLifetime;
    }

    /** What the CA answers: a chain, or a refusal with its status. */
    public sealed interface Answer {
        int status();

        String json();
    }

    /** A certificate issued to {@code identity}: the chain from the leaf to the root. */
    public record Issued(SpiffeId identity, List<X509Certificate> chain) implements Answer {
        @Override
        public int status() {
            return 200;
        }

        @Override
        public String json() {
            return new CertificateResponse(chain.stream().map(Pem::encode).toList()).toJson();
        }
    }

    /**
     * A request refused: 400, 401, 405, 413, 415, or 503 when the CA cannot check tokens or sign right now.
     *
     * @param reason the {@code reason} label of {@code mesh_ca_refusals_total}
     * @param caller the authenticated ServiceAccount, empty before authentication
     */
    public record Refused(int status, String reason, String message, String caller) implements Answer {
        @Override
        public String json() {
            var body = new LinkedHashMap<String, Object>();
            body.put("error", message);
            body.put("reason", reason);
            var json = JsonWriter.compact();
            json.value(body);
            return json.toString();
        }
    }

    public Answer answer(String authorization, byte[] body) {
        var token = bearer(authorization);
        if (token == null) {
            return new Refused(401, AuthenticationException.Reason.MISSING_TOKEN.label(),
                    authorization == null || authorization.isBlank() ? "no Authorization header: send Authorization: Bearer <ServiceAccount token>"
                            : "the Authorization header is not a Bearer token", "");
        }
        ServiceAccount account;
        try {
            account = authenticator.authenticate(token);
        } catch (AuthenticationException e) {
            return new Refused(401, e.reason().label(), e.getMessage(), "");
        } catch (TokenAuthenticator.Unavailable e) {
            return new Refused(503, "authenticator_unavailable", "the token cannot be checked now: " + e.getMessage(), "");
        }
        SpiffeId identity;
        try {
            identity = new SpiffeId(trustDomain, account.namespace(), account.name());
        } catch (IllegalArgumentException e) {
            return new Refused(401, AuthenticationException.Reason.NOT_SERVICE_ACCOUNT.label(), "the token names no valid ServiceAccount: "
                    + e.getMessage(), "");
        }
        var caller = account.toString();
        CertificateRequest request;
        try {
            request = CertificateRequest.parse(utf8(body));
        } catch (JsonException e) {
            return new Refused(400, "bad_json", e.getMessage(), caller);
        } catch (CharacterCodingException e) {
            return new Refused(400, "bad_json", "the body is not UTF-8", caller);
        }
        var lifetime = defaultLifetime;
        if (request.validitySeconds().isPresent()) {
            var asked = request.validitySeconds().getAsLong();
            if (asked > maxLifetime.toSeconds()) {
                return new Refused(400, "validity_too_long", "validitySeconds: " + asked + " is above the maximum of " + maxLifetime.toSeconds()
                        + " (" + human(maxLifetime) + ", injector.ca.max-workload-cert-ttl)", caller);
            }
            lifetime = Duration.ofSeconds(asked);
        }
        org.bouncycastle.asn1.x509.SubjectPublicKeyInfo key;
        try {
            key = CsrReader.publicKey(request.csr());
        } catch (CsrReader.BadCsrException e) {
            return new Refused(400, "malformed_csr", e.getMessage(), caller);
        }
        try {
            return new Issued(identity, issuer.workload(key, identity, lifetime));
        } catch (IllegalStateException e) {
            return new Refused(503, "signing_failed", e.getMessage(), caller);
        }
    }

    /** The token of {@code Authorization: Bearer TOKEN} (the scheme in any case), or null. */
    static String bearer(String authorization) {
        if (authorization == null) {
            return null;
        }
        var parts = authorization.strip().split("\\s+", 2);
        if (parts.length != 2 || !parts[0].toLowerCase(Locale.ROOT).equals("bearer") || parts[1].isBlank()) {
            return null;
        }
        return parts[1].strip();
    }

    private static String utf8(byte[] body) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(body)).toString();
    }

    static String human(Duration duration) {
        if (duration.toSeconds() % 86400 == 0) {
            return duration.toDays() + "d";
        }
        if (duration.toSeconds() % 3600 == 0) {
            return duration.toHours() + "h";
        }
        return duration.toSeconds() + "s";
    }
}
