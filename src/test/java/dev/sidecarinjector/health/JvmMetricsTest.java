package dev.sidecarinjector.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class JvmMetricsTest {

    @Test
    void eachCollectorsCountAndTimeAreReadFromItsMxBean() {
        var registry = new SimpleMeterRegistry();
        new JvmMetrics().bindTo(registry);
        var collectors = ManagementFactory.getGarbageCollectorMXBeans();
        assertFalse(collectors.isEmpty());
        for (var collector : collectors) {
            var timer = registry.find("jvm.gc.pause").tag("gc", collector.getName()).functionTimer();
            assertNotNull(timer, "no jvm.gc.pause for " + collector.getName());
            assertEquals(collector.getCollectionCount(), timer.count(), 2.0, collector.getName());
        }
        var before = total(registry);
        System.gc();
        assertTrue(total(registry) > before, "a full collection is not counted");
    }

    @Test
    void allocationIsCounted() {
        var registry = new SimpleMeterRegistry();
        new JvmMetrics().bindTo(registry);
        var allocated = registry.find("jvm.gc.memory.allocated").functionCounter();
        assertNotNull(allocated);
        var before = allocated.count();
        var garbage = new byte[4 << 20];
        assertTrue(allocated.count() - before >= garbage.length, "4 MiB allocated, counted " + (allocated.count() - before));
    }

    @Test
    void theMemoryThreadAndClassMetersAreMicrometers() {
        var registry = new SimpleMeterRegistry();
        new JvmMetrics().bindTo(registry);
        for (var name : new String[] {"jvm.memory.used", "jvm.memory.max", "jvm.threads.live", "jvm.classes.loaded", "jvm.info"}) {
            assertNotNull(registry.find(name).meter(), name);
        }
    }

    private static double total(SimpleMeterRegistry registry) {
        return registry.find("jvm.gc.pause").functionTimers().stream().mapToDouble(FunctionTimer::count).sum();
    }
}
