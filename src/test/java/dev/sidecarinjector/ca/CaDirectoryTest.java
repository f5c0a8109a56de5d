package dev.sidecarinjector.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The root with no cluster: made once in the CA directory and reused, unless a plug-in directory holds one. */
class CaDirectoryTest {

    private static final Duration TEN_YEARS = Duration.ofDays(3650);

    @TempDir
    Path dir;

    private CaDirectory.Loaded load(Optional<Path> plugIn) throws CaSetupException {
        return CaDirectory.load(plugIn, dir.resolve("ca"), "cluster.local", TEN_YEARS, Instant.now());
    }

    @Test
    void theRootIsMadeOnceAndKeptAcrossStarts() throws Exception {
        var first = load(Optional.empty());
        var kept = dir.resolve("ca");
        assertEquals(kept.resolve("root-cert.pem"), first.rootCertFile());
        assertEquals(Pem.encode(first.bundle().root()), Files.readString(first.rootCertFile()));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(kept.resolve("ca-key.pem"))));

        var second = load(Optional.empty());
        assertEquals(first.bundle().root(), second.bundle().root());
        assertEquals(first.bundle().key(), second.bundle().key());
        assertEquals("directory " + kept, second.bundle().origin());
    }

    @Test
    void replicasSharingTheDirectoryAgreeOnOneRoot() throws Exception {
        var pool = Executors.newFixedThreadPool(4);
        try {
            var results = new ArrayList<Future<CaDirectory.Loaded>>();
            for (var i = 0; i < 4; i++) {
                results.add(pool.submit((Callable<CaDirectory.Loaded>) () -> load(Optional.empty())));
            }
            var root = results.getFirst().get().bundle().root();
            for (var result : results) {
                assertEquals(root, result.get().bundle().root());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aPlugInDirectoryWinsAndAnEmptyOneIsIgnored() throws Exception {
        var kept = load(Optional.empty());
        var pluginDir = dir.resolve("cacerts");
        Files.createDirectories(pluginDir);
        assertEquals(kept.bundle().root(), load(Optional.of(pluginDir)).bundle().root(), "no files: the kept root");

        var pki = TestPki.Hierarchy.make();
        pki.write(pluginDir);
        var plugged = load(Optional.of(pluginDir));
        assertEquals(pki.root(), plugged.bundle().root());
        assertEquals(pluginDir.resolve("root-cert.pem"), plugged.rootCertFile());
        assertNotEquals(kept.bundle().root(), plugged.bundle().root());
    }

    @Test
    void badFilesStopTheStartNamingTheFile() throws Exception {
        var pluginDir = TestPki.Hierarchy.make().write(dir.resolve("cacerts"));
        Files.delete(pluginDir.resolve("root-cert.pem"));
        assertEquals(pluginDir.resolve("root-cert.pem") + ": missing",
                assertThrows(CaSetupException.class, () -> load(Optional.of(pluginDir))).getMessage());

        load(Optional.empty());
        Files.writeString(dir.resolve("ca/ca-key.pem"), "garbage");
        assertEquals(dir.resolve("ca/ca-key.pem") + ": holds no PEM private key",
                assertThrows(CaSetupException.class, () -> load(Optional.empty())).getMessage());
    }
}
