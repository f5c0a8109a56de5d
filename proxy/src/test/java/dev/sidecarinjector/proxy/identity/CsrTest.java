package dev.sidecarinjector.proxy.identity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CsrTest {

    @Test
    void derLengthsUseTheShortAndLongForms() {
        assertArrayEquals(new byte[] {0x04, 0x02, 1, 2}, Csr.tagged(0x04, new byte[] {1, 2}));
        var mid = Csr.tagged(0x04, new byte[200]);
        assertEquals((byte) 0x81, mid[1]);
        assertEquals((byte) 200, mid[2]);
        var large = Csr.tagged(0x04, new byte[300]);
        assertEquals((byte) 0x82, large[1]);
        assertEquals(1, large[2]);
        assertEquals(44, large[3]);
    }

    /** openssl parses the request and checks its self-signature with the public key inside. */
    @Test
    void opensslVerifiesTheRequestsSignature() throws Exception {
        var openssl = new ProcessBuilder("sh", "-c", "command -v openssl").start();
        assumeTrue(openssl.waitFor() == 0 || "true".equals(System.getenv("CI")), "openssl is not installed");
        var file = Files.createTempFile("csr", ".pem");
        try {
            Files.writeString(file, Csr.pem(Csr.newKey()));
            var verify = new ProcessBuilder("openssl", "req", "-in", file.toString(), "-verify", "-noout", "-text")
                    .redirectErrorStream(true).start();
            var out = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(verify.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, verify.exitValue(), out);
            assertTrue(out.contains("verify OK"), out);
            assertTrue(out.contains("ASN1 OID: prime256v1"), out);
            assertTrue(out.contains("Signature Algorithm: ecdsa-with-SHA256"), out);
        } finally {
            Files.delete(file);
        }
    }
}
