package dev.sidecarinjector.ca;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the CA signs with (Istio's KeyCertBundle): the signing certificate and its key, the CA certificates from the
 * signer up to the root (empty when the root signs itself), the root, and where they came from. Checked when read
 * ({@link SigningBundleReader}) or made ({@link SelfSignedRoot}), so a bundle is always consistent.
 *
 * @param caChain certificates from the signer up to, not including, the root; empty when the signer is the root
 * @param rootPem the root as published (istio-ca-root-cert, root-cert.pem), as given: it may hold more than one root
 *     while a root is being replaced
 * @param origin where it came from, for log lines: {@code Secret istio-system/cacerts}, a directory
 */
public record SigningBundle(X509Certificate signer, PrivateKey key, List<X509Certificate> caChain, X509Certificate root,
                            String rootPem, String origin) {

    public SigningBundle {
        caChain = List.copyOf(caChain);
    }

    /** The chain a client gets with a certificate issued by this bundle: the leaf, the CA chain, the root. */
    public List<X509Certificate> chainOf(X509Certificate leaf) {
        var chain = new ArrayList<X509Certificate>(caChain.size() + 2);
        chain.add(leaf);
        chain.addAll(caChain);
        chain.add(root);
        return chain;
    }

    /** The end of the signer's validity, or of a certificate above it if that ends sooner: no issued certificate outlives it. */
    public Instant notAfter() {
        var end = root.getNotAfter().toInstant();
        for (var ca : caChain) {
            end = min(end, ca.getNotAfter().toInstant());
        }
        return min(end, signer.getNotAfter().toInstant());
    }

    /** The signature algorithm for the signer's key: ECDSA with the hash its curve calls for, else RSA with SHA-256. */
    public String signatureAlgorithm() {
        return switch (key.getAlgorithm()) {
            case "EC" -> {
                var bits = ((java.security.interfaces.ECKey) signer.getPublicKey()).getParams().getOrder().bitLength();
                yield bits > 384 ? "SHA512withECDSA" : bits > 256 ? "SHA384withECDSA" : "SHA256withECDSA";
            }
            case "RSA" -> "SHA256withRSA";
            default -> throw new IllegalStateException("a " + key.getAlgorithm() + " signing key is not supported (EC or RSA)");
        };
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
