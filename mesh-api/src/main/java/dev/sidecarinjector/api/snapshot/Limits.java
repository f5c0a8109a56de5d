package dev.sidecarinjector.api.snapshot;

/**
 * The bounds of a snapshot's numbers, in one place: the proxy's reader refuses a snapshot with a value outside them,
 * and the control plane refuses (names and leaves out) the resource that would give one, so the two cannot drift.
 */
public final class Limits {

    /** The lowest port a listener, endpoint or inbound port may have (0 is "any" to a socket, not a destination). */
    public static final int MIN_PORT = 1;
    /** The highest TCP port. */
    public static final int MAX_PORT = 65535;
    /**
     * The longest duration, in milliseconds: what Go's {@code time.Duration} holds (int64 nanoseconds,
     * 2562047h47m16.854s), past which the API server's CEL check of Istio's duration fields ({@code duration(self)})
     * fails.
     */
    public static final long MAX_DURATION_MS = Long.MAX_VALUE / 1_000_000;
    /**
     * The most retries a route may make after the first try. Istio sets no bound and Envoy's is a uint32; this cap is
     * ours: a thousand tries of one request is already a mistake, not a policy.
     */
    public static final int MAX_RETRY_ATTEMPTS = 1000;
    /** The largest body of a VirtualService {@code directResponse}: Istio's validation refuses 1 MB and more. */
    public static final int MAX_DIRECT_RESPONSE_BYTES = 1024 * 1024 - 1;

    private Limits() {
    }

    /** Whether {@code port} is one a connection can go to: {@value #MIN_PORT}-{@value #MAX_PORT}. */
    public static boolean isPort(long port) {
        return port >= MIN_PORT && port <= MAX_PORT;
    }
}
