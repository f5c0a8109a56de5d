package dev.sidecarinjector.ca;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.time.Duration;
import java.time.Instant;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
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
    private static final String P256 = "secp256r1";

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
            var builder = new JcaX509v3CertificateBuilder(subject, serial(), CertificateTime.of(notBefore), CertificateTime.of(now.plus(lifetime)), subject,
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

    /**
     * A fresh ECDSA P-256 key pair (the control plane's serving key), made by Bouncy Castle's generator (a fixed-point
     * comb over its P-256 field) and handed over as JDK keys. The JDK's own generator builds its P-256 generator
     * tables on first use, in the interpreter at start: about 0.2 s of the start on one CPU against 0.04 s.
     */
    static KeyPair ecKeyPair() throws GeneralSecurityException {
        var generator = new ECKeyPairGenerator();
        generator.init(new ECKeyGenerationParameters(new ECDomainParameters(CustomNamedCurves.getByName(P256)), RANDOM));
        var pair = generator.generateKeyPair();
        var d = ((ECPrivateKeyParameters) pair.getPrivate()).getD();
        var q = ((ECPublicKeyParameters) pair.getPublic()).getQ();
        var parameters = AlgorithmParameters.getInstance("EC");
        parameters.init(new ECGenParameterSpec(P256));
        var spec = parameters.getParameterSpec(ECParameterSpec.class);
        var keys = KeyFactory.getInstance("EC");
        var point = new ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
        return new KeyPair(keys.generatePublic(new ECPublicKeySpec(point, spec)), keys.generatePrivate(new ECPrivateKeySpec(d, spec)));
    }

    /** A random positive 128-bit serial, as Istio's. */
    static BigInteger serial() {
        return new BigInteger(128, RANDOM).setBit(127);
    }
}
