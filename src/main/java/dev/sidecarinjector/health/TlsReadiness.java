package dev.sidecarinjector.health;

import io.quarkus.tls.TlsConfigurationRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.KeyStoreException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collections;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready while the serving certificate is loaded and not expired; reports its subject and expiry. */
@Readiness
@ApplicationScoped
public class TlsReadiness implements HealthCheck {

    private final TlsConfigurationRegistry registry;

    public TlsReadiness(TlsConfigurationRegistry registry) {
        this.registry = registry;
    }

    @Override
    public HealthCheckResponse call() {
        var builder = HealthCheckResponse.named("tls");
        var keyStore = registry.getDefault().map(tls -> tls.getKeyStore()).orElse(null);
        if (keyStore == null) {
            return builder.down().withData("error", "no serving certificate configured").build();
        }
        try {
            for (var alias : Collections.list(keyStore.aliases())) {
                if (keyStore.getCertificate(alias) instanceof X509Certificate cert) {
                    var notAfter = cert.getNotAfter().toInstant();
                    return builder.status(Instant.now().isBefore(notAfter))
                            .withData("subject", cert.getSubjectX500Principal().getName())
                            .withData("notAfter", notAfter.toString())
                            .build();
                }
            }
        } catch (KeyStoreException e) {
            return builder.down().withData("error", e.getMessage()).build();
        }
        return builder.down().withData("error", "the key store holds no X.509 certificate").build();
    }
}
