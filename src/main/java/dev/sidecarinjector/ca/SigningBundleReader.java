package dev.sidecarinjector.ca;

import dev.sidecarinjector.tls.KeyPairCheck;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.PKIXCertPathValidatorResult;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;

/**
 * Reads a {@link SigningBundle} from Istio's layout and checks that it holds together before anything is signed
 * with it: the key belongs to {@code ca-cert.pem}, that certificate may sign certificates and is valid now, and
 * {@code cert-chain.pem} leads from it to a certificate of {@code root-cert.pem} (checked with the JDK's PKIX
 * validator). Every refusal names the file (or Secret key) at fault.
 */
public final class SigningBundleReader {

    private SigningBundleReader() {
    }

    /** Istio's plug-in layout (Secret {@code cacerts}, or a directory): an intermediate or a root of the user's. */
    public static SigningBundle plugIn(CaFiles files, Instant now) throws CaSetupException {
        return read(files, files.require(CaFiles.ROOT_CERT), now);
    }

    /** The self-signed root this CA made and kept (Secret {@code istio-ca-secret}, or the CA directory). */
    public static SigningBundle selfSigned(CaFiles files, Instant now) throws CaSetupException {
        var bundle = read(files, files.get(CaFiles.ROOT_CERT).orElse(files.require(CaFiles.CA_CERT)), now);
        if (!bundle.caChain().isEmpty()) {
            throw new CaSetupException(files.where(CaFiles.CA_CERT) + ": not a self-signed root; a signing certificate under another "
                    + "root belongs in the plug-in layout (Secret cacerts or injector.ca.plugin-directory)");
        }
        return bundle;
    }

    private static SigningBundle read(CaFiles files, String rootText, Instant now) throws CaSetupException {
        var signers = certificates(files, CaFiles.CA_CERT, files.require(CaFiles.CA_CERT));
        if (signers.size() != 1) {
            throw new CaSetupException(files.where(CaFiles.CA_CERT) + ": holds " + signers.size() + " certificates; it must hold the "
                    + "signing certificate alone (the certificates above it go in " + CaFiles.CERT_CHAIN + ")");
        }
        var signer = signers.getFirst();
        var key = key(files);
        if (!belongs(key, signer)) {
            throw new CaSetupException(files.where(CaFiles.CA_KEY) + ": the key does not belong to the certificate of "
                    + files.where(CaFiles.CA_CERT));
        }
        checkSigner(files, signer, now);
        var roots = certificates(files, CaFiles.ROOT_CERT, rootText);
        var chainText = files.get(CaFiles.CERT_CHAIN);
        var above = new ArrayList<X509Certificate>();
        if (chainText.isPresent()) {
            for (var certificate : certificates(files, CaFiles.CERT_CHAIN, chainText.get())) {
                // Istio's cert-chain.pem usually starts with ca-cert.pem and ends with the root: both are known already.
                if (!certificate.equals(signer) && !roots.contains(certificate)) {
                    above.add(certificate);
                }
            }
        }
        if (roots.contains(signer)) {
            if (!above.isEmpty()) {
                throw new CaSetupException(files.where(CaFiles.CERT_CHAIN) + ": holds certificates above " + files.where(CaFiles.CA_CERT)
                        + ", which is itself a root of " + files.where(CaFiles.ROOT_CERT));
            }
            return new SigningBundle(signer, key, List.of(), signer, rootText, files.origin());
        }
        var path = new ArrayList<X509Certificate>();
        path.add(signer);
        path.addAll(above);
        var root = validate(files, path, roots, now);
        return new SigningBundle(signer, key, path, root, rootText, files.origin());
    }

    /** Validates signer → intermediates → a root with PKIX (no revocation: there is no CRL to read); returns the root. */
    private static X509Certificate validate(CaFiles files, List<X509Certificate> path, List<X509Certificate> roots, Instant now)
            throws CaSetupException {
        try {
            var anchors = new HashSet<TrustAnchor>();
            for (var root : roots) {
                anchors.add(new TrustAnchor(root, null));
            }
            var parameters = new PKIXParameters(anchors);
            parameters.setRevocationEnabled(false);
            parameters.setDate(Date.from(now));
            var certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
            var result = (PKIXCertPathValidatorResult) CertPathValidator.getInstance("PKIX").validate(certPath, parameters);
            return result.getTrustAnchor().getTrustedCert();
        } catch (CertPathValidatorException e) {
            var at = e.getIndex() <= 0 ? files.where(CaFiles.CA_CERT)
                    : files.where(CaFiles.CERT_CHAIN) + " (certificate " + e.getIndex() + " above " + CaFiles.CA_CERT + ")";
            var reason = e.getReason();
            if (reason == PKIXReason.NO_TRUST_ANCHOR || reason == PKIXReason.NAME_CHAINING
                    || reason == CertPathValidatorException.BasicReason.INVALID_SIGNATURE || reason == CertPathValidatorException.BasicReason.UNSPECIFIED) {
                throw new CaSetupException(files.where(CaFiles.CERT_CHAIN) + ": does not lead from " + files.where(CaFiles.CA_CERT)
                        + " to a root of " + files.where(CaFiles.ROOT_CERT) + ": " + e.getMessage(), e);
            }
            throw new CaSetupException(at + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new CaSetupException(files.origin() + ": cannot check the chain: " + e.getMessage(), e);
        }
    }

    private static void checkSigner(CaFiles files, X509Certificate signer, Instant now) throws CaSetupException {
        var where = files.where(CaFiles.CA_CERT);
        if (signer.getBasicConstraints() < 0) {
            throw new CaSetupException(where + ": not a CA certificate (basicConstraints CA:TRUE is missing); it cannot sign certificates");
        }
        var usage = signer.getKeyUsage();
        if (usage != null && !usage[5]) {
            throw new CaSetupException(where + ": its key usage does not allow keyCertSign; it cannot sign certificates");
        }
        try {
            signer.checkValidity(Date.from(now));
        } catch (CertificateExpiredException e) {
            throw new CaSetupException(where + ": expired on " + signer.getNotAfter().toInstant());
        } catch (CertificateNotYetValidException e) {
            throw new CaSetupException(where + ": not valid before " + signer.getNotBefore().toInstant());
        }
        if (!"EC".equals(signer.getPublicKey().getAlgorithm()) && !"RSA".equals(signer.getPublicKey().getAlgorithm())) {
            throw new CaSetupException(where + ": a " + signer.getPublicKey().getAlgorithm() + " key cannot be used (EC or RSA)");
        }
    }

    private static List<X509Certificate> certificates(CaFiles files, String name, String text) throws CaSetupException {
        try {
            return Pem.certificates(text);
        } catch (CertificateException e) {
            throw new CaSetupException(files.where(name) + ": " + e.getMessage(), e);
        }
    }

    private static PrivateKey key(CaFiles files) throws CaSetupException {
        try {
            return Pem.privateKey(files.require(CaFiles.CA_KEY));
        } catch (CertificateException e) {
            throw new CaSetupException(files.where(CaFiles.CA_KEY) + ": " + e.getMessage(), e);
        }
    }

    /** Whether the key belongs to the certificate; a key the JDK cannot sign with does not. */
    static boolean belongs(PrivateKey key, X509Certificate certificate) {
        try {
            return KeyPairCheck.belongs(key, certificate.getPublicKey());
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
