package dev.sidecarinjector.proxy.identity;

import dev.sidecarinjector.api.ca.CertificateResponse;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * A CA for the proxy's tests, issuing as the control plane's does: the identity from the "token" (here the token is
 * {@code NS/SA}), one URI SAN, empty subject, the lifetime asked for; it checks the request's signature.
 */
public final class TestCa implements CertificateSource {

    final KeyPair rootKey;
    final X509Certificate root;
    final AtomicInteger issued = new AtomicInteger();
    volatile Duration lifetime = Duration.ofHours(24);
    /** How far back not-before is put (the control plane's CA: two minutes, for clock skew). */
    volatile Duration backdate = Duration.ofSeconds(1);
    volatile int refuseWith;

    public TestCa() throws Exception {
        var generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        rootKey = generator.generateKeyPair();
        var now = Instant.now();
        var builder = new JcaX509v3CertificateBuilder(new X500Name("O=cluster.local"), BigInteger.ONE, Date.from(now.minusSeconds(60)),
                Date.from(now.plus(Duration.ofDays(10))), new X500Name("O=cluster.local"), rootKey.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        root = new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(rootKey.getPrivate())));
    }

    @Override
    public CompletableFuture<CertificateResponse> request(String csrPem, long validitySeconds, String token) {
        var result = new CompletableFuture<CertificateResponse>();
        try {
            if (refuseWith != 0) {
                result.completeExceptionally(new CertificateClient.Refused(refuseWith, refuseWith + " refused by the test CA"));
                return result;
            }
            var der = java.util.Base64.getMimeDecoder().decode(csrPem.replaceAll("-----[A-Z ]+-----", ""));
            var csr = new PKCS10CertificationRequest(der);
            if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(csr.getSubjectPublicKeyInfo()))) {
                throw new IllegalArgumentException("bad CSR signature");
            }
            var now = Instant.now();
            var builder = new org.bouncycastle.cert.X509v3CertificateBuilder(new X500Name("O=cluster.local"),
                    BigInteger.valueOf(issued.incrementAndGet() + 1L), Date.from(now.minus(backdate)), Date.from(now.plus(lifetime)),
                    new X500Name(new org.bouncycastle.asn1.x500.RDN[0]), csr.getSubjectPublicKeyInfo())
                    .addExtension(Extension.subjectAlternativeName, true,
                            new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, "spiffe://cluster.local/ns/"
                                    + token.substring(0, token.indexOf('/')) + "/sa/" + token.substring(token.indexOf('/') + 1))))
                    .addExtension(Extension.extendedKeyUsage, false,
                            new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            var leaf = new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(rootKey.getPrivate())));
            result.complete(new CertificateResponse(List.of(pem(leaf), pem(root))));
        } catch (Exception e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    /** A new key and a certificate for {@code spiffe://cluster.local/ns/NAMESPACE/sa/SERVICE_ACCOUNT}, as the proxy gets one. */
    public WorkloadCertificate issue(String namespace, String serviceAccount) throws Exception {
        var key = Csr.newKey();
        var response = request(Csr.pem(key), 0, namespace + "/" + serviceAccount).get();
        return WorkloadCertificate.of(key.getPrivate(), response.certChain());
    }

    static String pem(Object object) throws java.io.IOException {
        var out = new StringWriter();
        try (var writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        }
        return out.toString();
    }
}
