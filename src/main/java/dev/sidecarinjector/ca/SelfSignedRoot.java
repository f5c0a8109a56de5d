package dev.sidecarinjector.ca;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The root this CA makes for itself when none is plugged in, as istiod makes {@code istio-ca-secret}: subject
 * {@code O=<trust domain>}, CA:TRUE, keyCertSign and cRLSign, ten years by default, RSA 2048 as Istio's. Not ECDSA
 * P-256, although it signs five times faster and makes smaller certificates: the CA signs a certificate per pod
 * every few hours, but every mTLS handshake verifies a signature of this key, and the JDK (the proxy's TLS)
 * verifies RSA 2048 in 0.04 to 0.08 ms against 0.8 to 1.2 ms for P-256 (measured on the 2-core build machine,
 * docs/ca.md). The control plane's own serving key stays P-256: it is made at every renewal and used on a handful
 * of long-lived connections.
 */
public final class SelfSignedRoot {

    private static final SecureRandom RANDOM = new SecureRandom();

    private SelfSignedRoot() {
    }

    /** A made root: its bundle, and the PEM texts to keep. */
    public record Made(SigningBundle bundle, String certificatePem, String keyPem) {
    }

    public static Made make(String trustDomain, Duration lifetime, Instant now, String origin) {
        try {
            var keys = rsaKeyPair();
            var subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, trustDomain).build();
            var notBefore = now.minus(CertificateIssuer.CLOCK_SKEW);
            var builder = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(notBefore), Date.from(now.plus(lifetime)), subject,
                    keys.getPublic());
            var extensions = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            builder.addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(keys.getPublic()));
            var signer = new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate());
            var certificate = new JcaX509CertificateConverter().getCertificate(builder.build(signer));
            var pem = Pem.encode(certificate);
            return new Made(new SigningBundle(certificate, keys.getPrivate(), java.util.List.of(), certificate, pem, origin), pem,
                    Pem.encode(keys.getPrivate()));
        } catch (GeneralSecurityException | OperatorCreationException | java.io.IOException e) {
            throw new IllegalStateException("cannot make a self-signed root: " + e.getMessage(), e);
        }
    }

    static KeyPair rsaKeyPair() throws GeneralSecurityException {
        var generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048, RANDOM);
        return generator.generateKeyPair();
    }

    /** A fresh ECDSA P-256 key pair (the control plane's serving key). */
    static KeyPair ecKeyPair() throws GeneralSecurityException {
        var generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return generator.generateKeyPair();
    }

    /** A random positive 128-bit serial, as Istio's. */
    static BigInteger serial() {
        return new BigInteger(128, RANDOM).setBit(127);
    }
}
