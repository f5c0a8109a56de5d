package dev.sidecarinjector.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plug-in layout read and checked: what holds together is used, anything else stops the CA naming the file. */
class SigningBundleReaderTest {

    @TempDir
    Path dir;

    private SigningBundle read(Path directory) throws CaSetupException {
        return SigningBundleReader.plugIn(CaFiles.directory(directory), Instant.now());
    }

    private String refusal(Path directory) {
        return assertThrows(CaSetupException.class, () -> read(directory)).getMessage();
    }

    @Test
    void istiosLayoutGivesTheIntermediateAsSignerAndItsRoot() throws Exception {
        var pki = TestPki.Hierarchy.make();
        var bundle = read(pki.write(dir));
        assertEquals(pki.intermediate(), bundle.signer());
        assertEquals(List.of(pki.intermediate()), bundle.caChain());
        assertEquals(pki.root(), bundle.root());
        assertEquals(Files.readString(dir.resolve("root-cert.pem")), bundle.rootPem());
        assertEquals("directory " + dir, bundle.origin());
    }

    @Test
    void certChainMayBeLeftOutOrHoldOnlyTheIntermediates() throws Exception {
        var pki = TestPki.Hierarchy.make();
        pki.write(dir);
        Files.delete(dir.resolve(CaFiles.CERT_CHAIN));
        assertEquals(List.of(pki.intermediate()), read(dir).caChain());
        Files.writeString(dir.resolve(CaFiles.CERT_CHAIN), Pem.encode(pki.intermediate()));
        assertEquals(pki.root(), read(dir).root());
    }

    @Test
    void aRootMayBePluggedInAsItsOwnSigner() throws Exception {
        var keys = TestPki.ec("secp384r1");
        var root = TestPki.ca("My Root", keys, null, null, Instant.now().minusSeconds(60), Instant.now().plus(Duration.ofDays(30)));
        Files.writeString(dir.resolve(CaFiles.CA_CERT), Pem.encode(root));
        Files.writeString(dir.resolve(CaFiles.CA_KEY), Pem.encode(keys.getPrivate()));
        Files.writeString(dir.resolve(CaFiles.ROOT_CERT), Pem.encode(root));
        var bundle = read(dir);
        assertEquals(List.of(), bundle.caChain());
        assertEquals("SHA384withECDSA", bundle.signatureAlgorithm());
    }

    @Test
    void filesMadeWithOpensslAreRead() throws Exception {
        // As Istio's docs make them: an RSA root, an intermediate with a traditional (PKCS#1 / SEC1) key.
        for (var keyType : List.of("rsa", "ec")) {
            var out = Files.createDirectories(dir.resolve(keyType));
            run(out, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30", "-subj", "/O=Istio/CN=Root CA",
                    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                    "-keyout", "root-key.pem", "-out", "root-cert.pem");
            if (keyType.equals("rsa")) {
                run(out, "openssl", "genrsa", "-traditional", "-out", "ca-key.pem", "2048");
            } else {
                run(out, "openssl", "ecparam", "-name", "prime256v1", "-genkey", "-out", "ca-key.pem");
            }
            run(out, "openssl", "req", "-new", "-key", "ca-key.pem", "-subj", "/O=Istio/CN=Intermediate CA", "-out", "ca.csr");
            Files.writeString(out.resolve("ext.cnf"), "basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign,digitalSignature\n");
            run(out, "openssl", "x509", "-req", "-in", "ca.csr", "-CA", "root-cert.pem", "-CAkey", "root-key.pem", "-CAcreateserial",
                    "-days", "20", "-extfile", "ext.cnf", "-out", "ca-cert.pem");
            Files.writeString(out.resolve("cert-chain.pem"), Files.readString(out.resolve("ca-cert.pem")) + Files.readString(out.resolve("root-cert.pem")));
            var bundle = read(out);
            assertEquals(keyType.equals("rsa") ? "RSA" : "EC", bundle.key().getAlgorithm());
            assertEquals("CN=Root CA,O=Istio", bundle.root().getSubjectX500Principal().getName());
        }
    }

    @Test
    void aMissingFileIsNamed() throws Exception {
        TestPki.Hierarchy.make().write(dir);
        Files.delete(dir.resolve(CaFiles.CA_KEY));
        assertEquals(dir.resolve("ca-key.pem") + ": missing", refusal(dir));
    }

    @Test
    void aKeyOfAnotherCertificateIsRefusedNamingTheKeyFile() throws Exception {
        TestPki.Hierarchy.make().write(dir);
        Files.writeString(dir.resolve(CaFiles.CA_KEY), Pem.encode(TestPki.ec("secp256r1").getPrivate()));
        assertEquals(dir.resolve("ca-key.pem") + ": the key does not belong to the certificate of " + dir.resolve("ca-cert.pem"), refusal(dir));
    }

    @Test
    void aKeyOfTheSameAlgorithmThatIsAnotherCertificatesIsRefused() throws Exception {
        // RSA keys are compared by their public half, others by a signature: both must tell two keys of one kind apart.
        for (var keys : List.of(TestPki.rsa(2048), TestPki.ec("secp384r1"))) {
            var root = TestPki.ca("My Root", keys, null, null, Instant.now().minusSeconds(60), Instant.now().plus(Duration.ofDays(30)));
            var other = keys.getPrivate().getAlgorithm().equals("RSA") ? TestPki.rsa(2048) : TestPki.ec("secp384r1");
            Files.writeString(dir.resolve(CaFiles.CA_CERT), Pem.encode(root));
            Files.writeString(dir.resolve(CaFiles.ROOT_CERT), Pem.encode(root));
            Files.writeString(dir.resolve(CaFiles.CA_KEY), Pem.encode(other.getPrivate()));
            assertEquals(dir.resolve("ca-key.pem") + ": the key does not belong to the certificate of " + dir.resolve("ca-cert.pem"), refusal(dir));
            Files.writeString(dir.resolve(CaFiles.CA_KEY), Pem.encode(keys.getPrivate()));
            assertEquals(root, read(dir).root());
        }
    }

    @Test
    void aChainThatLeadsToAnotherRootIsRefused() throws Exception {
        var pki = TestPki.Hierarchy.make();
        pki.write(dir);
        Files.writeString(dir.resolve(CaFiles.ROOT_CERT), Pem.encode(TestPki.Hierarchy.make().root()));
        var message = refusal(dir);
        assertTrue(message.startsWith(dir.resolve("cert-chain.pem") + ": does not lead from " + dir.resolve("ca-cert.pem") + " to a root of "
                + dir.resolve("root-cert.pem")), message);
    }

    @Test
    void aSignerThatIsNoCaOrExpiredOrNotPemIsRefused() throws Exception {
        var pki = TestPki.Hierarchy.make();
        pki.write(dir);
        var leafKeys = TestPki.ec("secp256r1");
        var leaf = new CertificateIssuer(new SigningBundle(pki.intermediate(), pki.intermediateKeys().getPrivate(), List.of(pki.intermediate()),
                pki.root(), "", "test"), java.time.Clock.systemUTC())
                .workload(org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(leafKeys.getPublic().getEncoded()),
                        new dev.sidecarinjector.api.ca.SpiffeId("cluster.local", "default", "app"), Duration.ofHours(1)).getFirst();
        Files.writeString(dir.resolve(CaFiles.CA_CERT), Pem.encode(leaf));
        Files.writeString(dir.resolve(CaFiles.CA_KEY), Pem.encode(leafKeys.getPrivate()));
        assertEquals(dir.resolve("ca-cert.pem") + ": not a CA certificate (basicConstraints CA:TRUE is missing); it cannot sign certificates",
                refusal(dir));

        var old = TestPki.ca("Old", pki.intermediateKeys(), pki.root(), pki.rootKeys(), Instant.now().minus(Duration.ofDays(20)),
                Instant.parse("2020-01-01T00:00:00Z").plus(Duration.ofDays(365 * 5)));
        Files.writeString(dir.resolve(CaFiles.CA_CERT), Pem.encode(old));
        Files.writeString(dir.resolve(CaFiles.CA_KEY), Pem.encode(pki.intermediateKeys().getPrivate()));
        assertEquals(dir.resolve("ca-cert.pem") + ": expired on " + old.getNotAfter().toInstant(), refusal(dir));

        Files.writeString(dir.resolve(CaFiles.CA_CERT), "not a certificate");
        assertEquals(dir.resolve("ca-cert.pem") + ": holds no PEM certificate", refusal(dir));
        Files.writeString(dir.resolve(CaFiles.CA_CERT), Pem.encode(pki.intermediate(), pki.root()));
        assertTrue(refusal(dir).startsWith(dir.resolve("ca-cert.pem") + ": holds 2 certificates;"));
    }

    @Test
    void aSecretIsNamedByItsKey() throws Exception {
        var pki = TestPki.Hierarchy.make();
        var files = CaFiles.secret("istio-system", "cacerts", Map.of(CaFiles.CA_CERT, Pem.encode(pki.intermediate()),
                CaFiles.CA_KEY, Pem.encode(pki.intermediateKeys().getPrivate())));
        var error = assertThrows(CaSetupException.class, () -> SigningBundleReader.plugIn(files, Instant.now()));
        assertEquals("Secret istio-system/cacerts, key root-cert.pem: missing", error.getMessage());
    }

    @Test
    void aKeptRootMustBeSelfSigned() throws Exception {
        var made = SelfSignedRoot.make("cluster.local", Duration.ofDays(10), Instant.now(), "test");
        var kept = SigningBundleReader.selfSigned(CaFiles.secret("mesh", "istio-ca-secret", Map.of(CaFiles.CA_CERT, made.certificatePem(),
                CaFiles.CA_KEY, made.keyPem())), Instant.now());
        assertEquals(made.bundle().root(), kept.root());
        assertEquals(made.bundle().key(), kept.key());

        var pki = TestPki.Hierarchy.make();
        var error = assertThrows(CaSetupException.class, () -> SigningBundleReader.selfSigned(CaFiles.directory(pki.write(dir)), Instant.now()));
        assertTrue(error.getMessage().startsWith(dir.resolve("ca-cert.pem") + ": not a self-signed root"), error.getMessage());
    }

    private static void run(Path directory, String... command) throws Exception {
        var process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        var output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0, String.join(" ", command) + ":\n" + output);
    }
}
