package dev.sidecarinjector.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;

/** A CA and a serving certificate for localhost and 127.0.0.1 from hack/dev-certs.sh, for the tests' TLS servers. */
public final class DevCerts {

    private DevCerts() {
    }

    /** {@code dir}'s ca.crt, tls.crt and tls.key, made by hack/dev-certs.sh unless they are there already. */
    public static void in(Path dir) throws Exception {
        if (Files.exists(dir.resolve("tls.crt"))) {
            return;
        }
        var process = new ProcessBuilder("../hack/dev-certs.sh", dir.toString()).inheritIO().start();
        assertEquals(0, process.waitFor(), "hack/dev-certs.sh");
    }
}
