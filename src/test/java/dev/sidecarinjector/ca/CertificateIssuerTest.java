package dev.sidecarinjector.ca;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.api.ca.SpiffeId;
import java.nio.file.Path;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issued certificates as a verifier sees them: the JDK's PKIX validator, openssl, and every field Istio sets. */
class CertificateIssuerTest {

    private static final SpiffeId IDENTITY = new SpiffeId("cluster.local", "default", "productpage");
    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

    @TempDir
    Path dir;

    private static SubjectPublicKeyInfo key(java.security.KeyPair keys) {
        return SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded());
    }

    private static CertificateIssuer selfSigned(Instant now) {
        var root = SelfSignedRoot.make("cluster.local", Duration.ofDays(3650), now, "test");
        return new CertificateIssuer(root.bundle(), Clock.fixed(now, ZoneOffset.UTC));
    }

    static void pkixValidate(List<X509Certificate> chain, Instant at) throws Exception {
        var parameters = new PKIXParameters(Set.of(new TrustAnchor(chain.getLast(), null)));
        parameters.setRevocationEnabled(false);
        parameters.setDate(java.util.Date.from(at));
        var path = CertificateFactory.getInstance("X.509").generateCertPath(chain.subList(0, chain.size() - 1));
        CertPathValidator.getInstance("PKIX").validate(path, parameters);
    }

    @Test
    void aWorkloadCertificateVerifiesWithTheJdkAndOpenssl() throws Exception {
        var issuer = selfSigned(Instant.now());
        var chain = issuer.workload(key(TestPki.ec("secp256r1")), IDENTITY, Duration.ofHours(24));
        assertEquals(2, chain.size());
        assertEquals(issuer.bundle().root(), chain.getLast());
        pkixValidate(chain, Instant.now());
        assertTrue(TestPki.opensslVerify(dir, chain, "-purpose", "sslclient").contains("leaf.pem: OK"));
        assertTrue(TestPki.opensslVerify(dir, chain, "-purpose", "sslserver").contains("leaf.pem: OK"));
    }

    @Test
    void underAPluggedIntermediateTheChainIsLeafIntermediateRoot() throws Exception {
        var pki = TestPki.Hierarchy.make();
        var bundle = SigningBundleReader.plugIn(CaFiles.directory(pki.write(dir.resolve("cacerts"))), Instant.now());
        var chain = new CertificateIssuer(bundle, Clock.systemUTC()).workload(key(TestPki.rsa(2048)), IDENTITY, Duration.ofHours(1));
        assertEquals(List.of(pki.intermediate(), pki.root()), chain.subList(1, 3));
        pkixValidate(chain, Instant.now());
        assertTrue(TestPki.opensslVerify(dir, chain, "-purpose", "sslclient").contains("leaf.pem: OK"));
        // The leaf is signed by the intermediate's EC key although the root is RSA.
        assertEquals("SHA256withECDSA", chain.getFirst().getSigAlgName());
    }

    @Test
    void theLeafCarriesOnlyTheIdentityItWasGivenAndIstiosUsages() throws Exception {
        var leaf = selfSigned(NOW).workload(key(TestPki.ec("secp256r1")), IDENTITY, Duration.ofHours(24)).getFirst();
        assertEquals("", leaf.getSubjectX500Principal().getName());
        assertEquals(List.of(List.of(6, "spiffe://cluster.local/ns/default/sa/productpage")), List.copyOf(leaf.getSubjectAlternativeNames()));
        assertTrue(leaf.getCriticalExtensionOIDs().contains("2.5.29.17"), "SAN critical: the subject is empty");
        assertEquals(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"), leaf.getExtendedKeyUsage());
        // digitalSignature only for an EC key; keyEncipherment makes no sense without RSA key transport.
        assertArrayEquals(new boolean[] {true, false, false, false, false, false, false, false, false}, leaf.getKeyUsage());
        assertEquals(-1, leaf.getBasicConstraints());
        assertEquals(NOW.minus(Duration.ofMinutes(2)), leaf.getNotBefore().toInstant());
        assertEquals(NOW.plus(Duration.ofHours(24)), leaf.getNotAfter().toInstant());
        assertTrue(leaf.getSerialNumber().bitLength() >= 120, "a random serial");

        var rsaLeaf = selfSigned(NOW).workload(key(TestPki.rsa(2048)), IDENTITY, Duration.ofHours(1)).getFirst();
        assertTrue(rsaLeaf.getKeyUsage()[0] && rsaLeaf.getKeyUsage()[2], "digitalSignature and keyEncipherment for RSA, as Istio");
    }

    @Test
    void noCertificateOutlivesTheCa() throws Exception {
        var now = Instant.now();
        var root = SelfSignedRoot.make("cluster.local", Duration.ofHours(10), now, "test");
        var issuer = new CertificateIssuer(root.bundle(), Clock.fixed(now, ZoneOffset.UTC));
        var leaf = issuer.workload(key(TestPki.ec("secp256r1")), IDENTITY, Duration.ofHours(24)).getFirst();
        assertEquals(root.bundle().root().getNotAfter(), leaf.getNotAfter());
        var expired = new CertificateIssuer(root.bundle(), Clock.fixed(now.plus(Duration.ofHours(11)), ZoneOffset.UTC));
        var error = assertThrows(IllegalStateException.class, () -> expired.workload(key(TestPki.ec("secp256r1")), IDENTITY, Duration.ofHours(1)));
        assertTrue(error.getMessage().startsWith("the CA's signing certificate (test) expired on "), error.getMessage());
    }

    @Test
    void theSelfSignedRootIsIstiosShape() throws Exception {
        var root = SelfSignedRoot.make("example.org", Duration.ofDays(3650), NOW, "test").bundle().root();
        assertEquals("O=example.org", root.getSubjectX500Principal().getName());
        assertEquals(root.getSubjectX500Principal(), root.getIssuerX500Principal());
        assertEquals(Integer.MAX_VALUE, root.getBasicConstraints());
        assertArrayEquals(new boolean[] {false, false, false, false, false, true, true, false, false}, root.getKeyUsage());
        assertEquals("SHA256withRSA", root.getSigAlgName());
        assertEquals(2048, ((java.security.interfaces.RSAPublicKey) root.getPublicKey()).getModulus().bitLength());
        assertEquals(NOW.plus(Duration.ofDays(3650)), root.getNotAfter().toInstant());
        root.verify(root.getPublicKey());
    }

    @Test
    void aServerCertificateNamesItsHostsAndServesOnly() throws Exception {
        var issuer = selfSigned(Instant.now());
        var chain = issuer.server(key(TestPki.ec("secp256r1")), List.of("sidecar-injector.mesh.svc", "localhost", "127.0.0.1", "::1"), Duration.ofHours(1));
        var leaf = chain.getFirst();
        assertEquals(List.of(List.of(2, "sidecar-injector.mesh.svc"), List.of(2, "localhost"), List.of(7, "127.0.0.1"), List.of(7, "0:0:0:0:0:0:0:1")),
                List.copyOf(leaf.getSubjectAlternativeNames()));
        assertEquals(List.of("1.3.6.1.5.5.7.3.1"), leaf.getExtendedKeyUsage());
        assertNull(leaf.getSubjectAlternativeNames().stream().filter(name -> (int) name.get(0) == 6).findFirst().orElse(null));
        assertTrue(TestPki.opensslVerify(dir, chain, "-purpose", "sslserver", "-verify_hostname", "sidecar-injector.mesh.svc").contains("OK"));
    }
}
