package dev.sidecarinjector.health;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import jakarta.inject.Singleton;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

/**
 * The JVM's meters at /q/metrics, every one read from the JVM's MXBeans when it is scraped. Quarkus's own JVM binder
 * (turned off: {@code quarkus.micrometer.binder.jvm=false}) times each collection through the JVM's GC notifications
 * instead: a JMX notification built and delivered on a thread of its own for every young collection, which under load
 * is every few milliseconds (about 2 % of a review's CPU, and 4 MB more resident memory in the dev loop's runs). The
 * memory, thread, class-loading and {@code jvm_info} meters are Micrometer's as before; for the collectors:
 * <ul>
 * <li>{@code jvm_gc_pause_seconds_count} and {@code _sum}, tag {@code gc} (the collector's name): its collections
 * and the time they took, so {@code rate(_sum) / rate(_count)} is the mean pause as with the notification timer (which
 * also had {@code _max} and the tags {@code action} and {@code cause});</li>
 * <li>{@code jvm_gc_memory_allocated_bytes_total}: the bytes the process's threads allocated.</li>
 * </ul>
 */
@Singleton
public class JvmMetrics implements MeterBinder {

    @Override
    public void bindTo(MeterRegistry registry) {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmInfoMetrics().bindTo(registry);
        for (var collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            FunctionTimer.builder("jvm.gc.pause", collector, GarbageCollectorMXBean::getCollectionCount,
                            GarbageCollectorMXBean::getCollectionTime, TimeUnit.MILLISECONDS)
                    .tag("gc", collector.getName())
                    .description("Collections by this collector and the time they took, from its MXBean")
                    .register(registry);
        }
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean counting
                && counting.isThreadAllocatedMemorySupported() && counting.isThreadAllocatedMemoryEnabled()) {
            FunctionCounter.builder("jvm.gc.memory.allocated", counting, com.sun.management.ThreadMXBean::getTotalThreadAllocatedBytes)
                    .baseUnit(BaseUnits.BYTES)
                    .description("Bytes allocated in the heap by the process's threads")
                    .register(registry);
        }
    }
}
