package dev.sidecarinjector.proxy.run;

import java.time.Instant;

/**
 * One plain line per event on stderr, which the kubelet collects. No logging framework: it would
 * cost more heap and startup than the rest of the proxy. Only rare events (refusals, failures,
 * lifecycle) are logged, so the synchronous write does not slow the event loops.
 */
public final class EventLog {
    private EventLog() {
    }

    public static void info(String message) {
        System.err.println(Instant.now() + " " + message);
    }
}
