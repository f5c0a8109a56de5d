package dev.sidecarinjector.tls;

import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.KeyCertOptions;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Builds the HTTPS server with {@link ServingKeyManager} in place of the key pair from the TLS registry, starting
 * with that pair, so the server's SSL options never change afterwards and a rotation refuses no connection; its TLS
 * contexts are made by {@link ServerTls}, with the implementation {@code injector.tls.implementation} names.
 */
@ApplicationScoped
public class ServingCertificateOptions implements HttpServerOptionsCustomizer {

    private static final Logger LOG = Logger.getLogger(ServingCertificateOptions.class);

    private final ServingKeyManager serving;
    private final Vertx vertx;
    private final TlsConfig config;

    public ServingCertificateOptions(ServingKeyManager serving, Vertx vertx, TlsConfig config) {
        this.serving = serving;
        this.vertx = vertx;
        this.config = config;
    }

    @Override
    public void customizeHttpsServer(HttpServerOptions options) {
        options.setSslEngineOptions(config.serverTls());
        LOG.infof("TLS of the HTTPS port and the mesh stream: %s", ServerTls.describe(config.implementation()));
        var configured = options.getKeyCertOptions();
        if (configured == null) {
            return;
        }
        try {
            serving.use(ServingKeyManager.x509(configured.getKeyManagerFactory(vertx)));
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the serving key pair: " + e.getMessage(), e);
        }
        options.setKeyCertOptions(KeyCertOptions.wrap(serving));
    }
}
