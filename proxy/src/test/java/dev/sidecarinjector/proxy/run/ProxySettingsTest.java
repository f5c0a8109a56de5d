package dev.sidecarinjector.proxy.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.proxy.cli.Flags;
import dev.sidecarinjector.proxy.cli.UsageException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The drain settings come from the flags or, as in Istio, from the pilot-agent variables; a flag wins. */
class ProxySettingsTest {

    @Test
    void defaultsAreIstiosFiveSecondsWithoutExitOnZero() throws Exception {
        ProxySettings settings = settings(List.of(), Map.of());
        assertEquals(Duration.ofSeconds(5), settings.drain());
        assertFalse(settings.exitOnZeroActiveConnections());
    }

    @Test
    void istiosVariablesSetTheDrain() throws Exception {
        ProxySettings settings = settings(List.of(), Map.of("TERMINATION_DRAIN_DURATION_SECONDS", "20",
                "EXIT_ON_ZERO_ACTIVE_CONNECTIONS", "true"));
        assertEquals(Duration.ofSeconds(20), settings.drain());
        assertTrue(settings.exitOnZeroActiveConnections());
        assertTrue(settings(List.of(), Map.of("EXIT_ON_ZERO_ACTIVE_CONNECTIONS", "1")).exitOnZeroActiveConnections());
        assertFalse(settings(List.of(), Map.of("EXIT_ON_ZERO_ACTIVE_CONNECTIONS", "False")).exitOnZeroActiveConnections());
    }

    @Test
    void aFlagWinsOverItsVariable() throws Exception {
        ProxySettings settings = settings(List.of("--drain-seconds", "7", "--exit-on-zero-active-connections=false"),
                Map.of("TERMINATION_DRAIN_DURATION_SECONDS", "20", "EXIT_ON_ZERO_ACTIVE_CONNECTIONS", "true"));
        assertEquals(Duration.ofSeconds(7), settings.drain());
        assertFalse(settings.exitOnZeroActiveConnections());
        assertTrue(settings(List.of("--exit-on-zero-active-connections"), Map.of()).exitOnZeroActiveConnections());
    }

    /** A flag that wins makes a bad variable irrelevant; otherwise a bad value is an error naming it, never a default. */
    @Test
    void badValuesNameTheVariableOrFlagAndTheValue() throws Exception {
        assertEquals("TERMINATION_DRAIN_DURATION_SECONDS: \"5s\" is not a number of seconds (0-3600)",
                assertThrows(UsageException.class, () -> settings(List.of(), Map.of("TERMINATION_DRAIN_DURATION_SECONDS", "5s")))
                        .getMessage());
        assertEquals("TERMINATION_DRAIN_DURATION_SECONDS: \"-1\" is not a number of seconds (0-3600)",
                assertThrows(UsageException.class, () -> settings(List.of(), Map.of("TERMINATION_DRAIN_DURATION_SECONDS", "-1")))
                        .getMessage());
        assertEquals("EXIT_ON_ZERO_ACTIVE_CONNECTIONS: \"yes\" is not true or false",
                assertThrows(UsageException.class, () -> settings(List.of(), Map.of("EXIT_ON_ZERO_ACTIVE_CONNECTIONS", "yes")))
                        .getMessage());
        assertEquals("--drain-seconds: \"3601\" is not a number of seconds (0-3600)",
                assertThrows(UsageException.class, () -> settings(List.of("--drain-seconds", "3601"), Map.of())).getMessage());
        assertEquals("--exit-on-zero-active-connections: \"yes\" is not true or false",
                assertThrows(UsageException.class, () -> settings(List.of("--exit-on-zero-active-connections=yes"), Map.of()))
                        .getMessage());
        assertEquals(Duration.ofSeconds(3), settings(List.of("--drain-seconds=3"),
                Map.of("TERMINATION_DRAIN_DURATION_SECONDS", "5s")).drain());
    }

    private static ProxySettings settings(List<String> args, Map<String, String> env) throws UsageException {
        return ProxySettings.from(Flags.parse(args, ProxySettings.FLAGS, ProxySettings.SWITCHES), env);
    }
}
