package dev.sidecarinjector.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Creates a CA and a serving certificate with hack/dev-certs.sh (the script {@code make run} uses) before
 * Quarkus starts, and points the HTTPS server at them with a fast reload period for the rotation test.
 * Like a Kubernetes Secret volume, the key pair is reached through a symlink that a rotation swaps
 * atomically, so the server never reads a new key with an old certificate.
 */
public class DevCertificates implements QuarkusTestResourceLifecycleManager {

    /** Holds ca.crt and ca.key, and {@code current}, the symlink to the serving key pair in force. */
    public static final Path DIR = Path.of("target/test-certs").toAbsolutePath();
    private static final AtomicInteger VERSION = new AtomicInteger();

    @Override
    public Map<String, String> start() {
        create();
        return Map.of(
                "quarkus.tls.key-store.pem.0.cert", DIR.resolve("current/tls.crt").toString(),
                "quarkus.tls.key-store.pem.0.key", DIR.resolve("current/tls.key").toString(),
                "injector.tls.reload-period", "1s");
    }

    @Override
    public void stop() {
    }

    /** Creates the CA once, and a fresh serving key pair signed by it on every call (a rotation). */
    public static synchronized void create() {
        try {
            var version = newPair();
            var link = DIR.resolve("current.tmp");
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, version.getFileName());
            Files.move(link, DIR.resolve("current"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create test certificates in " + DIR, e);
        }
    }

    /**
     * A careless rotation: the new key is written over the one in force, and the certificate only after
     * {@code gap}, the window in which a reload would pair a new key with an old certificate.
     */
    public static synchronized void rotateKeyThenCertificate(java.time.Duration gap) throws InterruptedException {
        try {
            var version = newPair();
            var current = DIR.resolve("current").toRealPath();
            Files.copy(version.resolve("tls.key"), current.resolve("tls.key"), StandardCopyOption.REPLACE_EXISTING);
            Thread.sleep(gap);
            Files.copy(version.resolve("tls.crt"), current.resolve("tls.crt"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IllegalStateException("cannot rotate test certificates in " + DIR, e);
        }
    }

    private static Path newPair() throws IOException {
        try {
            Files.createDirectories(DIR);
            var version = DIR.resolve("v" + ProcessHandle.current().pid() + "-" + VERSION.incrementAndGet());
            Files.createDirectories(version);
            for (var file : new String[] {"ca.crt", "ca.key"}) {
                if (Files.exists(DIR.resolve(file))) {
                    Files.copy(DIR.resolve(file), version.resolve(file), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            var process = new ProcessBuilder("hack/dev-certs.sh", version.toString()).inheritIO().start();
            if (process.waitFor() != 0) {
                throw new IllegalStateException("hack/dev-certs.sh failed with exit code " + process.exitValue());
            }
            for (var file : new String[] {"ca.crt", "ca.key"}) {
                if (!Files.exists(DIR.resolve(file))) {
                    Files.copy(version.resolve(file), DIR.resolve(file));
                }
            }
            return version;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
