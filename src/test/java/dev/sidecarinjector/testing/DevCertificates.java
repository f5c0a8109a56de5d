package dev.sidecarinjector.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Creates a CA and a serving certificate with hack/dev-certs.sh (the script {@code make run} uses) before
 * Quarkus starts, and points the HTTPS server at them with a fast reload period for the rotation test.
 */
public class DevCertificates implements QuarkusTestResourceLifecycleManager {

    public static final Path DIR = Path.of("target/test-certs").toAbsolutePath();

    @Override
    public Map<String, String> start() {
        create();
        return Map.of(
                "quarkus.tls.key-store.pem.0.cert", DIR.resolve("tls.crt").toString(),
                "quarkus.tls.key-store.pem.0.key", DIR.resolve("tls.key").toString(),
                "quarkus.tls.reload-period", "1s");
    }

    @Override
    public void stop() {
    }

    /** Creates the CA once, and a fresh serving certificate signed by it on every call (a rotation). */
    public static void create() {
        try {
            Files.createDirectories(DIR);
            var process = new ProcessBuilder("hack/dev-certs.sh", DIR.toString()).inheritIO().start();
            if (process.waitFor() != 0) {
                throw new IllegalStateException("hack/dev-certs.sh failed with exit code " + process.exitValue());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run hack/dev-certs.sh", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
