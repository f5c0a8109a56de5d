package dev.sidecarinjector.tls;

import io.quarkus.tls.TlsConfiguration;
import io.quarkus.tls.TlsConfigurationRegistry;
import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.KeyCertOptions;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import javax.net.ssl.X509KeyManager;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * Builds the HTTPS server with {@link ServingKeyManager} in place of the key pair from the TLS registry, starting
 * with that pair, so the server's SSL options never change afterwards and a rotation refuses no connection; its TLS
 * contexts are made by {@link ServerTls}, with the implementation {@code injector.tls.implementation} names. A key
 * that does not belong to the certificate (every handshake would fail while the server looked healthy) stops the start.
 */
@ApplicationScoped
public class ServingCertificateOptions implements HttpServerOptionsCustomizer {

    private static final Logger LOG = Logger.getLogger(ServingCertificateOptions.class);

    private final ServingKeyManager serving;
    private final Vertx vertx;
    private final TlsConfig config;
    private final TlsConfigurationRegistry registry;
    private final Config all;

    public ServingCertificateOptions(ServingKeyManager serving, Vertx vertx, TlsConfig config, TlsConfigurationRegistry registry, Config all) {
        this.serving = serving;
        this.vertx = vertx;
        this.config = config;
        this.registry = registry;
        this.all = all;
    }

    @Override
    public void customizeHttpsServer(HttpServerOptions options) {
        options.setSslEngineOptions(config.serverTls());
        LOG.infof("TLS of the HTTPS port and the mesh stream: %s", ServerTls.describe(config.implementation()));
        var configured = options.getKeyCertOptions();
        if (configured == null) {
            return;
        }
        X509KeyManager keys;
        try {
            keys = ServingKeyManager.x509(configured.getKeyManagerFactory(vertx));
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the serving key pair: " + e.getMessage(), e);
        }
        var mismatch = registry.getDefault().map(TlsConfiguration::getKeyStore).flatMap(store -> KeyPairCheck.mismatch(store, keys));
        if (mismatch.isPresent()) {
            throw new ServingCertificateException("the serving certificate and key" + shownFiles(all) + " are not a pair: " + mismatch.get()
                    + " (TLS_CERT_FILE and TLS_KEY_FILE: the certificate and the key it was made for)");
        }
        serving.use(keys);
        options.setKeyCertOptions(KeyCertOptions.wrap(serving));
    }

    /** The PEM files of the serving pair as a message shows them, {@code " (tls.crt, tls.key)"}, or nothing when it comes from elsewhere. */
    public static String shownFiles(Config all) {
        var paths = pemFiles(all);
        return paths.isEmpty() ? "" : " (" + String.join(", ", paths) + ")";
    }

    /**
     * The serving pair's PEM files, certificate then key, as application.properties declares them
     * ({@code quarkus.tls.key-store.pem.0.*}, from TLS_CERT_FILE and TLS_KEY_FILE); the TLS registry keeps their
     * contents, not their paths.
     */
    public static List<String> pemFiles(Config all) {
        return Stream.of("cert", "key").map(part -> all.getOptionalValue("quarkus.tls.key-store.pem.0." + part, String.class))
                .flatMap(Optional::stream).toList();
    }
}
