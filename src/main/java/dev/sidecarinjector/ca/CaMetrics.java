package dev.sidecarinjector.ca;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

/** {@code mesh_ca_certificates_issued_total} and {@code mesh_ca_refusals_total{reason}} at /q/metrics. */
@ApplicationScoped
public class CaMetrics {

    private final MeterRegistry registry;
    private final Counter issued;

    public CaMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.issued = Counter.builder("mesh.ca.certificates.issued").description("Workload certificates issued by the mesh CA").register(registry);
    }

    public void issued() {
        issued.increment();
    }

    public void refused(String reason) {
        Counter.builder("mesh.ca.refusals").description("Certificate requests the mesh CA refused, by reason").tag("reason", reason)
                .register(registry).increment();
    }
}
