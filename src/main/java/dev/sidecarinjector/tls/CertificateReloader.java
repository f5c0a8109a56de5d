package dev.sidecarinjector.tls;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.tls.TlsConfiguration;
import io.quarkus.tls.TlsConfigurationRegistry;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.X509KeyManager;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * Re-reads the serving certificate when its PEM files change, and hands a new pair to {@link ServingKeyManager}
 * for the next handshakes. The server's SSL options stay as they are: Vert.x 4.5 refuses the connections accepted
 * while it swaps them, which is what Quarkus's own reload (a {@code CertificateUpdatedEvent}) does. A new pair
 * takes effect only once the key matches the certificate, so a rotation caught between writing the key and the
 * certificate waits a period instead of breaking handshakes.
 */
@ApplicationScoped
public class CertificateReloader {

    private static final Logger LOG = Logger.getLogger(CertificateReloader.class);

    private final TlsConfigurationRegistry registry;
    private final ServingKeyManager serving;
    private final TlsConfig config;
    private final List<Path> files;
    private final Vertx vertx;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("certificate-reload").factory());
    private byte[] loaded = new byte[0];

    public CertificateReloader(TlsConfigurationRegistry registry, ServingKeyManager serving, TlsConfig config, Config all, Vertx vertx) {
        this.vertx = vertx;
        this.registry = registry;
        this.serving = serving;
        this.config = config;
        this.files = ServingCertificateOptions.pemFiles(all).stream().map(Path::of).toList();
    }

    void start(@Observes StartupEvent startup) {
        registry.getDefault().filter(tls -> !files.isEmpty()).ifPresent(tls -> {
            loaded = fingerprint(files);
            var period = config.reloadPeriod().toMillis();
            timer.scheduleWithFixedDelay(this::check, period, period, TimeUnit.MILLISECONDS);
        });
    }

    void stop(@Observes ShutdownEvent shutdown) {
        timer.shutdownNow();
    }

    /** Reloads when the files changed and the new pair is whole; true when the server got a new certificate. */
    synchronized boolean check() {
        try {
            var tls = registry.getDefault().orElseThrow();
            var now = fingerprint(files);
            if (now.length == 0 || Arrays.equals(now, loaded)) {
                return false;
            }
            if (!tls.reload()) {
                LOG.warnf("serving certificate files changed but could not be loaded; keeping the current certificate");
                return false;
            }
            var keys = keyManager(tls);
            var mismatch = KeyPairCheck.mismatch(tls.getKeyStore(), keys);
            if (mismatch.isPresent()) {
                LOG.warnf("serving certificate files changed but are not a pair yet (%s); checking again in %s", mismatch.get(), config.reloadPeriod());
                return false;
            }
            loaded = now;
            serving.use(keys);
            LOG.infof("serving certificate reloaded from %s", files);
            return true;
        } catch (RuntimeException e) {
            LOG.errorf(e, "serving certificate reload failed; keeping the current certificate");
            return false;
        }
    }

    private X509KeyManager keyManager(TlsConfiguration tls) {
        try {
            return ServingKeyManager.x509(tls.getKeyStoreOptions().getKeyManagerFactory(vertx));
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the reloaded key pair: " + e.getMessage(), e);
        }
    }

    /** A digest of the files' contents; empty when one cannot be read (mid-rotation), which means "try later". */
    private static byte[] fingerprint(List<Path> files) {
        try {
            var digest = MessageDigest.getInstance("SHA-256");
            for (var file : files) {
                digest.update(Files.readAllBytes(file));
            }
            return digest.digest();
        } catch (IOException e) {
            return new byte[0];
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
