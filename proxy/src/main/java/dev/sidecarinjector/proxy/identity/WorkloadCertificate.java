package dev.sidecarinjector.proxy.identity;

import dev.sidecarinjector.api.ca.SpiffeId;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * The proxy's workload certificate as the CA issued it: its private key (in memory only), the chain (leaf first,
 * root last), and the identity its one URI SAN names.
 */
public record WorkloadCertificate(PrivateKey key, List<X509Certificate> chain, SpiffeId identity) {

    public X509Certificate leaf() {
        return chain.getFirst();
    }

    public Instant notBefore() {
        return leaf().getNotBefore().toInstant();
    }

    public Instant notAfter() {
        return leaf().getNotAfter().toInstant();
    }

    /** The chain without the root, as a TLS peer is sent it (the peer has the root already). */
    public X509Certificate[] presented() {
        return chain.subList(0, Math.max(1, chain.size() - 1)).toArray(new X509Certificate[0]);
    }

    /** Reads the CA's PEM chain; the leaf must name exactly one SPIFFE identity. */
    public static WorkloadCertificate of(PrivateKey key, List<String> pemChain) throws CertificateException {
        var factory = CertificateFactory.getInstance("X.509");
        var chain = new java.util.ArrayList<X509Certificate>();
        for (var pem : pemChain) {
            chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))));
        }
        return new WorkloadCertificate(key, List.copyOf(chain), identityOf(chain.getFirst()));
    }

    /** The one {@code spiffe://} URI SAN of a mesh certificate, or a {@link CertificateException} saying what is there. */
    public static SpiffeId identityOf(X509Certificate certificate) throws CertificateException {
        SpiffeId found = null;
        try {
            var names = certificate.getSubjectAlternativeNames();
            for (var name : names == null ? List.<List<?>>of() : names) {
                if (Integer.valueOf(6).equals(name.get(0)) && name.get(1) instanceof String uri && uri.startsWith(SpiffeId.SCHEME)) {
                    if (found != null) {
                        throw new CertificateException("more than one spiffe:// URI SAN");
                    }
                    found = SpiffeId.parse(uri);
                }
            }
        } catch (CertificateParsingException | IllegalArgumentException e) {
            throw new CertificateException("no usable spiffe:// URI SAN: " + e.getMessage(), e);
        }
        if (found == null) {
            throw new CertificateException("no spiffe:// URI SAN");
        }
        return found;
    }
}
