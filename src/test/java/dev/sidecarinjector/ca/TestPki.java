package dev.sidecarinjector.ca;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** Keys, CSRs, CA hierarchies and openssl for the CA's tests, made with the JDK and Bouncy Castle. */
final class TestPki {

    private TestPki() {
    }

    static KeyPair ec(String curve) throws Exception {
        var generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec(curve));
        return generator.generateKeyPair();
    }

    static KeyPair rsa(int bits) throws Exception {
        var generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(bits);
        return generator.generateKeyPair();
    }

    /** A PEM CSR signed by the key, asking for subject CN=admin and the URI SANs given (which the CA must ignore). */
    static String csr(KeyPair keys, String... uris) throws Exception {
        var builder = new JcaPKCS10CertificationRequestBuilder(new X500Principal("CN=admin,O=attacker"), keys.getPublic());
        if (uris.length > 0) {
            var extensions = new ExtensionsGenerator();
            var names = new ArrayList<GeneralName>();
            for (var uri : uris) {
                names.add(new GeneralName(GeneralName.uniformResourceIdentifier, uri));
            }
            extensions.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
            builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
        }
        var algorithm = keys.getPrivate().getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        return Pem.encode(builder.build(new JcaContentSignerBuilder(algorithm).build(keys.getPrivate())));
    }

    static String csr() throws Exception {
        return csr(ec("secp256r1"));
    }

    /** A CA certificate for {@code keys}, signed by {@code issuerKeys} (itself when {@code issuer} is null). */
    static X509Certificate ca(String name, KeyPair keys, X509Certificate issuer, KeyPair issuerKeys, Instant notBefore, Instant notAfter)
            throws Exception {
        var subject = new X500Principal("CN=" + name + ",O=cluster.local");
        var builder = issuer == null
                ? new JcaX509v3CertificateBuilder(subject, BigInteger.valueOf(System.nanoTime()), Date.from(notBefore), Date.from(notAfter), subject, keys.getPublic())
                : new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(System.nanoTime()), Date.from(notBefore), Date.from(notAfter), subject, keys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        var signingKey = issuer == null ? keys.getPrivate() : issuerKeys.getPrivate();
        var algorithm = signingKey.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder(algorithm).build(signingKey)));
    }

    /** Istio's plug-in layout as its tools/certs make it: a root, an intermediate signed by it, cert-chain = intermediate + root. */
    record Hierarchy(KeyPair rootKeys, X509Certificate root, KeyPair intermediateKeys, X509Certificate intermediate) {

        static Hierarchy make() throws Exception {
            var now = Instant.now();
            var rootKeys = rsa(2048);
            var root = ca("Root CA", rootKeys, null, null, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(3650)));
            var intermediateKeys = ec("secp256r1");
            var intermediate = ca("Intermediate CA", intermediateKeys, root, rootKeys, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)));
            return new Hierarchy(rootKeys, root, intermediateKeys, intermediate);
        }

        /** Writes ca-cert.pem, ca-key.pem, cert-chain.pem and root-cert.pem into the directory. */
        Path write(Path directory) throws Exception {
            Files.createDirectories(directory);
            Files.writeString(directory.resolve(CaFiles.CA_CERT), Pem.encode(intermediate));
            Files.writeString(directory.resolve(CaFiles.CA_KEY), Pem.encode(intermediateKeys.getPrivate()));
            Files.writeString(directory.resolve(CaFiles.CERT_CHAIN), Pem.encode(intermediate, root));
            Files.writeString(directory.resolve(CaFiles.ROOT_CERT), Pem.encode(root));
            return directory;
        }
    }

    /** {@code openssl verify -CAfile root -untrusted intermediates leaf}; returns its output, asserting exit 0. */
    static String opensslVerify(Path directory, List<X509Certificate> chain, String... options) throws Exception {
        var leaf = Files.writeString(directory.resolve("leaf.pem"), Pem.encode(chain.getFirst()));
        var root = Files.writeString(directory.resolve("root.pem"), Pem.encode(chain.getLast()));
        var command = new ArrayList<>(List.of("openssl", "verify"));
        command.addAll(List.of(options));
        command.addAll(List.of("-CAfile", root.toString()));
        if (chain.size() > 2) {
            var untrusted = Files.writeString(directory.resolve("untrusted.pem"), Pem.encode(chain.subList(1, chain.size() - 1)));
            command.addAll(List.of("-untrusted", untrusted.toString()));
        }
        command.add(leaf.toString());
        var process = new ProcessBuilder(command).redirectErrorStream(true).start();
        var output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed:\n" + output);
        }
        return output;
    }
}
