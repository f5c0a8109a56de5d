package dev.sidecarinjector.ca;

import java.io.IOException;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCSException;

/**
 * Reads a PEM PKCS#10 request as the CA takes it: one request, its signature made by the key it carries (proof that
 * the caller holds that key), and a key the mesh accepts: ECDSA P-256 or P-384, or RSA of 2048 to 8192 bits (the
 * upper bound keeps one request from costing seconds of CPU). Only the public key is used: the subject, the SANs and
 * every extension the request asks for are ignored, since the identity comes from the caller's token.
 */
public final class CsrReader {

    private static final Set<ASN1ObjectIdentifier> CURVES = Set.of(SECObjectIdentifiers.secp256r1, SECObjectIdentifiers.secp384r1);
    static final int MIN_RSA_BITS = 2048;
    static final int MAX_RSA_BITS = 8192;

    private CsrReader() {
    }

    /** Why a CSR is refused; the message says what is wrong, never echoing more than a line of the input. */
    public static final class BadCsrException extends Exception {
        public BadCsrException(String message) {
            super(message);
        }
    }

    /** The public key to certify. */
    public static SubjectPublicKeyInfo publicKey(String pem) throws BadCsrException {
        org.bouncycastle.pkcs.PKCS10CertificationRequest request;
        try {
            request = Pem.certificationRequest(pem);
        } catch (IOException e) {
            throw new BadCsrException("csr: not a PEM certificate request: " + e.getMessage());
        }
        var key = request.getSubjectPublicKeyInfo();
        checkKey(key);
        try {
            if (!request.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key))) {
                throw new BadCsrException("csr: its signature does not verify with the key it carries");
            }
        } catch (OperatorCreationException | PKCSException | RuntimeException e) {
            throw new BadCsrException("csr: its signature cannot be verified: " + e.getMessage());
        }
        return key;
    }

    private static void checkKey(SubjectPublicKeyInfo key) throws BadCsrException {
        var algorithm = key.getAlgorithm().getAlgorithm();
        if (X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm)) {
            var parameters = key.getAlgorithm().getParameters();
            if (!(parameters instanceof ASN1ObjectIdentifier curve) || !CURVES.contains(curve)) {
                var name = parameters instanceof ASN1ObjectIdentifier oid && ECNamedCurveTable.getName(oid) != null
                        ? ECNamedCurveTable.getName(oid) : String.valueOf(parameters);
                throw new BadCsrException("csr: an EC key on curve " + name + " is not accepted (P-256 or P-384)");
            }
            return;
        }
        if (PKCSObjectIdentifiers.rsaEncryption.equals(algorithm)) {
            int bits;
            try {
                bits = RSAPublicKey.getInstance(key.parsePublicKey()).getModulus().bitLength();
            } catch (IOException | RuntimeException e) {
                throw new BadCsrException("csr: its RSA key cannot be read: " + e.getMessage());
            }
            if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS) {
                throw new BadCsrException("csr: an RSA key of " + bits + " bits is not accepted (" + MIN_RSA_BITS + " to " + MAX_RSA_BITS + ")");
            }
            return;
        }
        throw new BadCsrException("csr: a key of algorithm " + algorithm + " is not accepted (EC P-256 or P-384, or RSA of at least "
                + MIN_RSA_BITS + " bits)");
    }
}
