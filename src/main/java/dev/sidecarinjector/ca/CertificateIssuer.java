package dev.sidecarinjector.ca;

import dev.sidecarinjector.api.ca.SpiffeId;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Signs certificates with a {@link SigningBundle}, as Istio's {@code GenCertFromCSR}: an empty subject and the
 * identity only in a critical subjectAltName, CA:FALSE, digitalSignature (and keyEncipherment for an RSA key),
 * not-before two minutes in the past for clock skew, not-after at most the end of the CA's own validity, a random
 * 128-bit serial. The identity and names always come from the caller, never from a CSR.
 */
public final class CertificateIssuer {

    /** Istio's ClockSkewGracePeriod: a certificate is valid this long before it was issued. */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(2);
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final SigningBundle bundle;
    private final Clock clock;

    public CertificateIssuer(SigningBundle bundle, Clock clock) {
        this.bundle = bundle;
        this.clock = clock;
    }

    public SigningBundle bundle() {
        return bundle;
    }

    /** A workload certificate: exactly one URI SAN, the SPIFFE identity; serverAuth and clientAuth (mTLS both ways). */
    public List<X509Certificate> workload(SubjectPublicKeyInfo key, SpiffeId identity, Duration lifetime) {
        var names = new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, identity.uri()));
        return bundle.chainOf(issue(key, names, new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}, lifetime));
    }

    /** A TLS server certificate for DNS names and IP addresses (the control plane's port 15012). */
    public List<X509Certificate> server(SubjectPublicKeyInfo key, List<String> names, Duration lifetime) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("a server certificate needs at least one name");
        }
        var general = names.stream().map(name -> IPV4.matcher(name).matches() || name.contains(":")
                ? new GeneralName(GeneralName.iPAddress, name) : new GeneralName(GeneralName.dNSName, name)).toArray(GeneralName[]::new);
        return bundle.chainOf(issue(key, new GeneralNames(general), new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth}, lifetime));
    }

    private X509Certificate issue(SubjectPublicKeyInfo key, GeneralNames names, KeyPurposeId[] purposes, Duration lifetime) {
        var now = clock.instant();
        var end = bundle.notAfter();
        if (!now.isBefore(end)) {
            throw new IllegalStateException("the CA's signing certificate (" + bundle.origin() + ") expired on " + end);
        }
        var notAfter = now.plus(lifetime);
        if (notAfter.isAfter(end)) {
            notAfter = end;
        }
        try {
            var issuer = new JcaX509CertificateHolder(bundle.signer()).getSubject();
            var builder = new X509v3CertificateBuilder(issuer, SelfSignedRoot.serial(), CertificateTime.of(now.minus(CLOCK_SKEW)), CertificateTime.of(notAfter),
                    new X500Name(new RDN[0]), key);
            var extensions = new JcaX509ExtensionUtils();
            var rsa = PKCSObjectIdentifiers.rsaEncryption.equals(key.getAlgorithm().getAlgorithm());
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(rsa ? KeyUsage.digitalSignature | KeyUsage.keyEncipherment : KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(key));
            builder.addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(bundle.signer()));
            // The subject is empty, so the names are the certificate's identity: RFC 5280 makes them critical.
            builder.addExtension(Extension.subjectAlternativeName, true, names);
            var signer = new JcaContentSignerBuilder(bundle.signatureAlgorithm()).build(bundle.key());
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot sign a certificate with " + bundle.origin() + ": " + e.getMessage(), e);
        }
    }
}
