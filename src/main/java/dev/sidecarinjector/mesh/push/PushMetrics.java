package dev.sidecarinjector.mesh.push;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The stream's figures at {@code /q/metrics}: connected proxies, versions and bytes sent (by kind, full or delta),
 * acks, nacks, push time.
 */
final class PushMetrics {

    private final Counter fullPushes;
    private final Counter deltaPushes;
    private final Counter fullBytes;
    private final Counter deltaBytes;
    private final Counter acks;
    private final Counter nacks;
    private final Counter rejected;
    private final Timer pushTime;

    PushMetrics(MeterRegistry registry, Supplier<Number> connected) {
        Gauge.builder("mesh.stream.connected.proxies", connected, s -> s.get().doubleValue())
                .description("Proxies connected to the stream").strongReference(true).register(registry);
        fullPushes = pushes(registry, "full");
        deltaPushes = pushes(registry, "delta");
        fullBytes = pushedBytes(registry, "full");
        deltaBytes = pushedBytes(registry, "delta");
        acks = Counter.builder("mesh.stream.acks").description("Snapshot versions proxies applied").register(registry);
        nacks = Counter.builder("mesh.stream.nacks").description("Snapshot versions proxies rejected").register(registry);
        rejected = Counter.builder("mesh.stream.rejected.connections")
                .description("Connections closed for bad input, an unknown proxy or no hello").register(registry);
        pushTime = Timer.builder("mesh.stream.push.duration")
                .description("From a debounced change to every changed snapshot handed to its connection: compile, encode, queue")
                .publishPercentileHistogram().register(registry);
    }

    /** {@code kind}: {@code full} snapshots or {@code delta}s. */
    private static Counter pushes(MeterRegistry registry, String kind) {
        return Counter.builder("mesh.stream.pushes").description("Versions sent to proxies, by kind: full snapshots or deltas")
                .tag("kind", kind).register(registry);
    }

    private static Counter pushedBytes(MeterRegistry registry, String kind) {
        return Counter.builder("mesh.stream.pushed.bytes").description("Bytes of the snapshot and delta messages sent to proxies")
                .baseUnit("bytes").tag("kind", kind).register(registry);
    }

    void pushed(boolean delta, long bytes) {
        (delta ? deltaPushes : fullPushes).increment();
        (delta ? deltaBytes : fullBytes).increment(bytes);
    }

    void acked() {
        acks.increment();
    }

    void nacked() {
        nacks.increment();
    }

    void rejected() {
        rejected.increment();
    }

    void pushTook(Duration duration) {
        pushTime.record(duration);
    }
}
