package dev.sidecarinjector.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

/**
 * Down while the heap is still nearly full after garbage collection: the process then spends its time in GC, answers
 * admissions in seconds and is close to an OutOfMemoryError, so kube-apiserver should be sent to another replica.
 * Measured from each heap pool's collection usage (what the last collection of that pool left), the same figure
 * the JVM compares with a pool's collection-usage threshold.
 */
@Readiness
@ApplicationScoped
public class MemoryReadiness implements HealthCheck {

    private static final Logger LOG = Logger.getLogger(MemoryReadiness.class);

    private final List<MemoryPoolMXBean> pools;
    private final long maxHeap;
    private final double limit;
    private final AtomicBoolean down = new AtomicBoolean();

    @Inject
    public MemoryReadiness(MemoryConfig config) {
        this(ManagementFactory.getMemoryPoolMXBeans(), Runtime.getRuntime().maxMemory(), config.heapAfterGcPercent() / 100.0);
        if (config.heapAfterGcPercent() < 1 || config.heapAfterGcPercent() > 100) {
            throw new IllegalArgumentException("injector.health.memory.heap-after-gc-percent: \"" + config.heapAfterGcPercent()
                    + "\" is not a percentage from 1 to 100");
        }
    }

    /** {@code limit} is the fraction of {@code maxHeap} at which the check goes down. */
    MemoryReadiness(List<MemoryPoolMXBean> pools, long maxHeap, double limit) {
        this.pools = List.copyOf(pools);
        this.maxHeap = maxHeap;
        this.limit = limit;
    }

    @Override
    public HealthCheckResponse call() {
        var retained = heapAfterGc();
        var builder = HealthCheckResponse.named("memory")
                .withData("heapMaxBytes", maxHeap)
                .withData("downAtPercent", Math.round(limit * 100));
        if (retained < 0) {
            return builder.up().withData("heapAfterGc", "not measured by this garbage collector").build();
        }
        var percent = Math.round(retained * 1000.0 / maxHeap) / 10.0;
        var trouble = retained >= limit * maxHeap;
        if (down.compareAndSet(!trouble, trouble)) {
            if (trouble) {
                LOG.warnf("readiness DOWN: %.1f %% of the heap is still in use after garbage collection", percent);
            } else {
                LOG.infof("readiness UP again: %.1f %% of the heap in use after garbage collection", percent);
            }
        }
        return builder.status(!trouble).withData("heapAfterGcBytes", retained).withData("heapAfterGcPercent", String.valueOf(percent)).build();
    }

    /**
     * What the last collections left in the heap pools, or -1 when no pool reports it. A pool's collection usage
     * is only refreshed when that pool is collected (the old generation only by mixed or full collections), so
     * each pool counts the smaller of it and its current usage: data freed since, e.g. a large array reclaimed
     * by a young collection, brings the check back up without waiting for a full collection.
     */
    long heapAfterGc() {
        var total = -1L;
        for (var pool : pools) {
            if (pool.getType() != MemoryType.HEAP || !pool.isCollectionUsageThresholdSupported() || !pool.isValid()) {
                continue;
            }
            var afterGc = pool.getCollectionUsage();
            var now = pool.getUsage();
            if (afterGc == null || now == null) {
                continue;
            }
            total = Math.max(total, 0) + Math.min(afterGc.getUsed(), now.getUsed());
        }
        return total;
    }
}
