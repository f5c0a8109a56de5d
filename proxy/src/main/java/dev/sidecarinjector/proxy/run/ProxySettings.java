package dev.sidecarinjector.proxy.run;

import dev.sidecarinjector.api.net.DrainPeriod;
import dev.sidecarinjector.api.net.MeshPorts;

import dev.sidecarinjector.proxy.cli.Flags;
import dev.sidecarinjector.proxy.cli.UsageException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The {@code run} flags, read and validated once. Port 0 (tests only) binds an ephemeral port. The two drain
 * settings may also come from Istio's environment variables; a flag wins over its variable.
 */
public record ProxySettings(
        int inboundPort,
        int outboundPort,
        int healthPort,
        int metricsPort,
        Duration drain,
        boolean exitOnZeroActiveConnections,
        int connectTimeoutMillis,
        Duration idleTimeout,
        long maxRequestBodyBytes,
        int statusPort) {

    public static final Set<String> FLAGS = Set.of("--inbound-port", "--outbound-port", "--health-port",
            "--metrics-port", "--drain-seconds", "--connect-timeout-ms", "--idle-timeout-seconds", "--max-request-body-bytes", "--status-port");
    public static final Set<String> SWITCHES = Set.of("--exit-on-zero-active-connections", "--dry-run");
    /** Istio's pilot-agent variables, so a pod spec written for Istio drains the same way here. */
    static final String DRAIN_ENV = "TERMINATION_DRAIN_DURATION_SECONDS";
    static final String EXIT_ON_ZERO_ENV = "EXIT_ON_ZERO_ACTIVE_CONNECTIONS";
    private static final String DRAIN_FLAG = "--drain-seconds";
    private static final String EXIT_ON_ZERO_FLAG = "--exit-on-zero-active-connections";
    private static final String SECONDS = "a number of seconds (0-" + DrainPeriod.MAX_SECONDS + ")";

    public static ProxySettings defaults() {
        return new ProxySettings(MeshPorts.INBOUND, MeshPorts.OUTBOUND, MeshPorts.HEALTH, MeshPorts.METRICS, Duration.ofSeconds(5), false, 10_000, Duration.ofHours(1), 0, MeshPorts.STATUS);
    }

    public static ProxySettings from(Flags flags, Map<String, String> env) throws UsageException {
        ProxySettings d = defaults();
        int drainSeconds = (int) d.drain().toSeconds();
        String drainEnv = env.get(DRAIN_ENV);
        if (drainEnv != null && flags.find(DRAIN_FLAG).isEmpty()) {
            drainSeconds = seconds(DRAIN_ENV, drainEnv);
        }
        boolean exitOnZero = d.exitOnZeroActiveConnections();
        String exitOnZeroEnv = env.get(EXIT_ON_ZERO_ENV);
        if (flags.find(EXIT_ON_ZERO_FLAG).isPresent()) {
            exitOnZero = flags.isSet(EXIT_ON_ZERO_FLAG);
        } else if (exitOnZeroEnv != null) {
            exitOnZero = bool(EXIT_ON_ZERO_ENV, exitOnZeroEnv);
        }
        return new ProxySettings(
                flags.port("--inbound-port", d.inboundPort()),
                flags.port("--outbound-port", d.outboundPort()),
                flags.port("--health-port", d.healthPort()),
                flags.port("--metrics-port", d.metricsPort()),
                Duration.ofSeconds(flags.number(DRAIN_FLAG, drainSeconds, 0, DrainPeriod.MAX_SECONDS, SECONDS)),
                exitOnZero,
                flags.number("--connect-timeout-ms", d.connectTimeoutMillis(), 1, 600_000,
                        "a number of milliseconds (1-600000)"),
                Duration.ofSeconds(flags.number("--idle-timeout-seconds", (int) d.idleTimeout().toSeconds(), 1,
                        Integer.MAX_VALUE, "a positive number of seconds")),
                flags.number("--max-request-body-bytes", 0, 0, Integer.MAX_VALUE, "a number of bytes (0 for no limit)"),
                flags.port("--status-port", d.statusPort()));
    }

    private static int seconds(String name, String raw) throws UsageException {
        try {
            int value = Integer.parseInt(raw.trim());
            if (value >= 0 && value <= DrainPeriod.MAX_SECONDS) {
                return value;
            }
        } catch (NumberFormatException e) {
            // answered below with the variable and the value
        }
        throw UsageException.badValue(name, raw, SECONDS);
    }

    /** Go's strconv.ParseBool spellings, as Istio reads the variable; anything else is an error, not false. */
    private static boolean bool(String name, String raw) throws UsageException {
        return switch (raw.trim()) {
            case "1", "t", "T", "true", "TRUE", "True" -> true;
            case "0", "f", "F", "false", "FALSE", "False" -> false;
            default -> throw UsageException.badValue(name, raw, "true or false");
        };
    }
}
