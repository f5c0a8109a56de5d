package dev.sidecarinjector.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.runtime.LaunchMode;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EventLoopsTest {

    @Test
    void inProductionOneEventLoopPerProcessorAtTheLowestOrdinal() {
        for (int processors : new int[] {1, 4}) {
            var source = new EventLoops(() -> LaunchMode.NORMAL, () -> processors);

            assertEquals(Integer.toString(processors), source.getValue("quarkus.vertx.event-loops-pool-size"));
            assertEquals(Map.of("quarkus.vertx.event-loops-pool-size", Integer.toString(processors)), source.getProperties());
            assertEquals(Set.of("quarkus.vertx.event-loops-pool-size"), source.getPropertyNames());
            assertNull(source.getValue("quarkus.http.host"));
        }
        assertTrue(new EventLoops(() -> LaunchMode.NORMAL, () -> 1).getOrdinal() < 250, "application.properties, the environment and -D win");
    }

    @Test
    void devAndTestModesKeepQuarkusDefault() {
        for (var mode : new LaunchMode[] {LaunchMode.DEVELOPMENT, LaunchMode.TEST}) {
            var source = new EventLoops(() -> mode, () -> 2);

            assertNull(source.getValue("quarkus.vertx.event-loops-pool-size"), mode.name());
            assertEquals(Set.of(), source.getPropertyNames());
            assertEquals(Map.of(), source.getProperties());
        }
    }
}
