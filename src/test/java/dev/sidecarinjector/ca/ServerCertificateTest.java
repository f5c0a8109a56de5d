package dev.sidecarinjector.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The control plane's own certificate: served by its key manager, renewed after two thirds of its life. */
class ServerCertificateTest {

    @Test
    void theKeyManagerServesTheIssuedChainAndARenewalReplacesIt() throws Exception {
        var bundle = SelfSignedRoot.make("cluster.local", Duration.ofDays(3650), Instant.now(), "test").bundle();
        try (var server = new ServerCertificate(new CertificateIssuer(bundle, Clock.systemUTC()), List.of("localhost", "127.0.0.1"),
                Duration.ofHours(3)).start()) {
            var keys = server.keyManager();
            var alias = keys.chooseEngineServerAlias("EC", null, null);
            var chain = keys.getCertificateChain(alias);
            assertEquals(1, chain.length, "the leaf only: the root is the client's, not sent");
            assertEquals(server.certificate(), chain[0]);
            assertEquals(bundle.root().getSubjectX500Principal(), chain[0].getIssuerX500Principal());
            chain[0].verify(bundle.root().getPublicKey());
            var key = (ECPrivateKey) keys.getPrivateKey(alias);
            assertEquals("secp256r1 [NIST P-256,X9.62 prime256v1] (1.2.840.10045.3.1.7)", key.getParams().toString());
            var signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(key);
            signer.update(new byte[] {1, 2, 3});
            var verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(chain[0].getPublicKey());
            verifier.update(new byte[] {1, 2, 3});
            assertTrue(verifier.verify(signer.sign()), "the served key is the certificate's");

            var first = server.certificate();
            var renewAt = server.renew();
            assertNotEquals(first, server.certificate());
            assertNotEquals(first.getPublicKey(), server.certificate().getPublicKey(), "a renewal makes a new key");
            assertEquals(server.certificate(), keys.getCertificateChain(keys.chooseEngineServerAlias("EC", null, null))[0],
                    "the next handshake gets the new certificate");
            var issued = server.certificate().getNotBefore().toInstant().plus(CertificateIssuer.CLOCK_SKEW);
            assertEquals(issued.plus(Duration.ofHours(2)), renewAt, "renewed after two thirds of its 3 hours");
        }
    }
}
