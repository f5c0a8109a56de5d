package floor;

import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import jakarta.enterprise.context.ApplicationScoped;

/** The webhook's TLS implementation by default (injector.tls.implementation=boringssl): BoringSSL through netty-tcnative. */
@ApplicationScoped
public class FloorTls implements HttpServerOptionsCustomizer {

    @Override
    public void customizeHttpsServer(HttpServerOptions options) {
        options.setSslEngineOptions(new OpenSSLEngineOptions());
    }
}
