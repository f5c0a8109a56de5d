package dev.sidecarinjector.tls;

import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.KeyCertOptions;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Builds the HTTPS server with {@link ServingKeyManager} in place of the key pair from the TLS registry, starting
 * with that pair, so the server's SSL options never change afterwards and a rotation refuses no connection; its TLS
 * contexts are made by {@link JdkServerTls}.
 */
@ApplicationScoped
public class ServingCertificateOptions implements HttpServerOptionsCustomizer {

    private final ServingKeyManager serving;
    private final Vertx vertx;

    public ServingCertificateOptions(ServingKeyManager serving, Vertx vertx) {
        this.serving = serving;
        this.vertx = vertx;
    }

    @Override
    public void customizeHttpsServer(HttpServerOptions options) {
        options.setSslEngineOptions(new JdkServerTls());
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
