package dev.sidecarinjector.admission;

import dev.sidecarinjector.inject.InjectionWarning;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;

/** The injection counters and latency histogram served at {@code /q/metrics}. */
@ApplicationScoped
public class InjectionMetrics {

    private final MeterRegistry registry;
    private final Counter requests;
    private final Counter success;
    private final Timer latency;

    public InjectionMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.requests = Counter.builder("sidecar.injection.requests").description("Admission requests received").register(registry);
        this.success = Counter.builder("sidecar.injection.success").description("Pods injected").register(registry);
        this.latency = Timer.builder("sidecar.injection.duration")
                .description("Time to answer one admission request")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
    }

    /** Counts one answered request and its latency. */
    public void record(Outcome outcome, long startNanos) {
        record(outcome, List.of(), startNanos);
    }

    /** Counts one answered request, the warnings about its pod by kind, and its latency. */
    public void record(Outcome outcome, List<InjectionWarning> warnings, long startNanos) {
        warnings.forEach(warning -> Counter.builder("sidecar.injection.warnings").description("Warnings returned about admitted pods")
                .tag("kind", warning.kind().tag()).register(registry).increment());
        requests.increment();
        switch (outcome.kind()) {
            case INJECTED -> success.increment();
            case SKIPPED -> counter("sidecar.injection.skip", "Pods admitted without injection", outcome.reason()).increment();
            case FAILED -> counter("sidecar.injection.failure", "Admission requests refused or not understood", outcome.reason()).increment();
        }
        latency.record(Duration.ofNanos(System.nanoTime() - startNanos));
    }

    private Counter counter(String name, String description, String reason) {
        return Counter.builder(name).description(description).tag("reason", reason).register(registry);
    }
}
