package dev.sidecarinjector.proxy.run;

import dev.sidecarinjector.proxy.cli.Flags;
import dev.sidecarinjector.proxy.cli.UsageException;
import java.time.Duration;
import java.util.Set;

/** The {@code run} flags, read and validated once. Port 0 (tests only) binds an ephemeral port. */
public record ProxySettings(
        int inboundPort,
        int outboundPort,
        int healthPort,
        int metricsPort,
        Duration drain,
        int connectTimeoutMillis,
        Duration idleTimeout) {

    public static final Set<String> FLAGS = Set.of("--inbound-port", "--outbound-port", "--health-port",
            "--metrics-port", "--drain-seconds", "--connect-timeout-ms", "--idle-timeout-seconds");

    public static ProxySettings defaults() {
        return new ProxySettings(15006, 15001, 15021, 15090, Duration.ofSeconds(5), 10_000, Duration.ofHours(1));
    }

    public static ProxySettings from(Flags flags) throws UsageException {
        ProxySettings d = defaults();
        return new ProxySettings(
                flags.port("--inbound-port", d.inboundPort()),
                flags.port("--outbound-port", d.outboundPort()),
                flags.port("--health-port", d.healthPort()),
                flags.port("--metrics-port", d.metricsPort()),
                Duration.ofSeconds(flags.number("--drain-seconds", (int) d.drain().toSeconds(), 0, 3600,
                        "a number of seconds (0-3600)")),
                flags.number("--connect-timeout-ms", d.connectTimeoutMillis(), 1, 600_000,
                        "a number of milliseconds (1-600000)"),
                Duration.ofSeconds(flags.number("--idle-timeout-seconds", (int) d.idleTimeout().toSeconds(), 1,
                        Integer.MAX_VALUE, "a positive number of seconds")));
    }
}
