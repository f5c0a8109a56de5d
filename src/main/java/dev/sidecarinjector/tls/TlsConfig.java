package dev.sidecarinjector.tls;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * How the serving certificate is kept current, and which TLS serves it. The PEM files themselves are
 * {@code quarkus.tls.key-store.pem.0.*}.
 */
@ConfigMapping(prefix = "injector.tls")
public interface TlsConfig {

    /** How often the certificate and key files are checked; a changed, matching pair is served on the next handshake. */
    @WithDefault("10s")
    Duration reloadPeriod();

    /**
     * The TLS implementation of the HTTPS port and the mesh stream: {@code boringssl} (netty-tcnative; the JDK's where
     * its library does not load) or {@code jdk}.
     */
    @WithDefault("boringssl")
    ServerTls.Implementation implementation();

    /** The servers' TLS: the configured implementation, or the JDK's where BoringSSL does not load. */
    default ServerTls serverTls() {
        return new ServerTls(ServerTls.available(implementation()));
    }
}
