package dev.sidecarinjector.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

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

            var first = server.certificate();
            var renewAt = server.renew();
            assertNotEquals(first, server.certificate());
            assertEquals(server.certificate(), keys.getCertificateChain(keys.chooseEngineServerAlias("EC", null, null))[0],
                    "the next handshake gets the new certificate");
            var issued = server.certificate().getNotBefore().toInstant().plus(CertificateIssuer.CLOCK_SKEW);
            assertEquals(issued.plus(Duration.ofHours(2)), renewAt, "renewed after two thirds of its 3 hours");
        }
    }
}
