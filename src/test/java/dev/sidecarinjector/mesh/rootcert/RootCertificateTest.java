package dev.sidecarinjector.mesh.rootcert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.testing.DevCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the publisher takes from the root certificate file, and what it refuses. */
class RootCertificateTest {

    @TempDir
    Path dir;

    @Test
    void onlyWholePemCertificatesArePublishedAndABadFileKeepsTheLastGood() throws Exception {
        DevCertificates.create();
        var ca = Files.readString(DevCertificates.DIR.resolve("ca.crt"));
        var file = dir.resolve("ca.crt");
        var root = new RootCertificate(file);

        assertFalse(root.reload(), "a missing file");
        assertEquals(Optional.empty(), root.pem());
        Files.writeString(file, ca);
        assertTrue(root.reload());
        assertEquals(Optional.of(ca), root.pem());
        assertFalse(root.reload(), "unchanged");

        for (var bad : new String[] {"", "-----BEGIN CERTIFICATE-----\nhalf writ", Files.readString(DevCertificates.DIR.resolve("ca.key"))}) {
            Files.writeString(file, bad);
            assertFalse(root.reload(), bad);
            assertEquals(Optional.of(ca), root.pem(), "the last good one stays");
        }
        Files.write(file, java.util.Base64.getMimeDecoder().decode(ca.replaceAll("-----[A-Z ]+-----", "")));
        assertFalse(root.reload(), "DER is not what a ConfigMap of PEM carries");

        var next = Files.readString(DevCertificates.DIR.resolve("current/tls.crt"));
        Files.writeString(file, next);
        assertTrue(root.reload());
        assertEquals(Optional.of(next), root.pem());
    }
}
