package dev.sidecarinjector.proxy.config;

import dev.sidecarinjector.proxy.mesh.SnapshotHolder;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.proxy.admin.Readiness;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ConfigReadinessTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final SnapshotHolder holder = new SnapshotHolder();
    private final ConfigReadiness gate = new ConfigReadiness(holder, Duration.ofSeconds(30), now::get, "istiod:15012");

    @Test
    void notReadyUntilTheFirstSnapshot() {
        assertFalse(gate.ready());
        assertEquals("waiting for the first configuration from istiod:15012 (at most 30s)", gate.describe());
        holder.swap(StreamSessionTest.snapshot("1-1", 5432, false));
        assertTrue(gate.ready());
        assertEquals("configured", gate.describe());
    }

    @Test
    void readyWithoutConfigurationOnceTheGraceIsOver() {
        now.addAndGet(Duration.ofSeconds(29).toNanos());
        assertFalse(gate.ready());
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertTrue(gate.ready());
        assertEquals("ready without configuration (grace over)", gate.describe());
    }

    @Test
    void theProxyIsReadyOnlyWhenTheGateIsOpenToo() {
        var readiness = new Readiness(new dev.sidecarinjector.proxy.run.DrainState());
        readiness.gate(new Readiness.Gate() {
            public boolean ready() {
                return gate.ready();
            }

            public String describe() {
                return gate.describe();
            }
        });
        readiness.inboundBound(true);
        readiness.outboundBound(true);
        assertFalse(readiness.isReady());
        assertEquals("waiting for the first configuration from istiod:15012 (at most 30s)", readiness.describe());
        holder.swap(StreamSessionTest.snapshot("1-1", 5432, false));
        assertTrue(readiness.isReady());
    }
}
