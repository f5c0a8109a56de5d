package dev.sidecarinjector.ca;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The CA's root with no cluster: the plug-in directory when it holds Istio's layout, else the self-signed root kept
 * in the CA directory ({@code ca-cert.pem}, {@code ca-key.pem} readable by the owner only, {@code root-cert.pem}),
 * made on the first start and read on every later one. A lock file makes processes that share the directory agree
 * on one root: the first makes it, the others read it.
 */
public final class CaDirectory {

    private static final Logger LOG = Logger.getLogger(CaDirectory.class);

    private CaDirectory() {
    }

    /** The signing bundle, and the root certificate file proxies run by hand verify the control plane with. */
    public record Loaded(SigningBundle bundle, Path rootCertFile) {
    }

    public static Loaded load(Optional<Path> pluginDirectory, Path directory, String trustDomain, Duration rootLifetime, Instant now)
            throws CaSetupException {
        if (pluginDirectory.isPresent()) {
            var plugged = CaFiles.directory(pluginDirectory.get());
            if (!plugged.isEmpty()) {
                return new Loaded(SigningBundleReader.plugIn(plugged, now), pluginDirectory.get().resolve(CaFiles.ROOT_CERT));
            }
        }
        // The file lock orders processes; the JVM grants a file's lock once per process, so threads queue here first.
        synchronized (CaDirectory.class) {
            return keep(directory, trustDomain, rootLifetime, now);
        }
    }

    private static Loaded keep(Path directory, String trustDomain, Duration rootLifetime, Instant now) throws CaSetupException {
        try {
            Files.createDirectories(directory);
            try (var lock = FileChannel.open(directory.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 var held = lock.lock()) {
                var kept = CaFiles.directory(directory);
                if (kept.get(CaFiles.CA_CERT).isPresent() || kept.get(CaFiles.CA_KEY).isPresent()) {
                    return new Loaded(SigningBundleReader.selfSigned(kept, now), directory.resolve(CaFiles.ROOT_CERT));
                }
                var made = SelfSignedRoot.make(trustDomain, rootLifetime, now, "directory " + directory);
                // The key first: a root certificate is never on disk without its key.
                write(directory.resolve(CaFiles.CA_KEY), made.keyPem(), true);
                write(directory.resolve(CaFiles.CA_CERT), made.certificatePem(), false);
                write(directory.resolve(CaFiles.ROOT_CERT), made.certificatePem(), false);
                LOG.infof("CA: made a self-signed root for trust domain %s in %s, valid until %s", trustDomain, directory,
                        made.bundle().root().getNotAfter().toInstant());
                return new Loaded(made.bundle(), directory.resolve(CaFiles.ROOT_CERT));
            }
        } catch (IOException e) {
            throw new CaSetupException("injector.ca.directory " + directory + ": cannot keep the CA's root there: " + e, e);
        }
    }

    /** Writes through a temporary file renamed into place, so a reader never sees half a file. */
    private static void write(Path file, String text, boolean secret) throws IOException {
        var temporary = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        if (secret) {
            Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.writeString(temporary, text, StandardCharsets.UTF_8);
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
