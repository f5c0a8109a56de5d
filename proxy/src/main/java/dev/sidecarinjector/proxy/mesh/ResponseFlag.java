package dev.sidecarinjector.proxy.mesh;

/**
 * Why a request ended as it did, in Envoy's short codes: the {@code response_flags} label of Istio's metrics and
 * the flag of the access log. {@link #NONE} ({@code -}) when nothing went wrong.
 */
public enum ResponseFlag {
    NONE("-"),
    /** No healthy upstream: the cluster has no endpoint, or every one is ejected. */
    NO_HEALTHY_UPSTREAM("UH"),
    /** No route: no listener for the destination, or no route of its table matched. */
    NO_ROUTE("NR"),
    /** Upstream overflow: a circuit breaker (connection pool limit) refused the request. */
    UPSTREAM_OVERFLOW("UO"),
    /** The upstream connection could not be opened. */
    UPSTREAM_CONNECTION_FAILURE("UF"),
    /** Retries exhausted: the last try's answer is passed on. */
    UPSTREAM_RETRY_LIMIT_EXCEEDED("URX"),
    /** The route timeout (or the last per-try timeout) passed: 504. */
    UPSTREAM_REQUEST_TIMEOUT("UT"),
    /** The upstream connection closed before the response was complete. */
    UPSTREAM_CONNECTION_TERMINATION("UC"),
    /** A fault delay was injected. */
    DELAY_INJECTED("DI"),
    /** A fault abort was injected. */
    FAULT_INJECTED("FI"),
    /** The downstream connection closed before the response was complete. */
    DOWNSTREAM_CONNECTION_TERMINATION("DC"),
    /** An inbound local rate limit refused the request: 429. */
    RATE_LIMITED("RL");

    private final String code;

    ResponseFlag(String code) {
        this.code = code;
    }

    /** The short code as the metrics label and the access log write it. */
    public String code() {
        return code;
    }
}
