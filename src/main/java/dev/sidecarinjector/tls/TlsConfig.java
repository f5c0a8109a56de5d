package dev.sidecarinjector.tls;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How the serving certificate is kept current. The PEM files themselves are {@code quarkus.tls.key-store.pem.0.*}. */
@ConfigMapping(prefix = "injector.tls")
public interface TlsConfig {

    /** How often the certificate and key files are checked; a changed, matching pair is served on the next handshake. */
    @WithDefault("10s")
    Duration reloadPeriod();
}
