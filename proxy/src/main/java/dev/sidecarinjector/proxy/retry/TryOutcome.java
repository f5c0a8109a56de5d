package dev.sidecarinjector.proxy.retry;

/**
 * How one try ended, for the retry decision: a response came back ({@link #RESPONSE}, with its status), or it
 * failed before one did. Envoy's reset reasons, as far as HTTP/1.1 has them ({@link #REFUSED_STREAM} comes with
 * HTTP/2).
 */
public enum TryOutcome {
    RESPONSE,
    /** The upstream connection could not be opened (flag UF). */
    CONNECT_FAILURE,
    /** The connection was reset or closed before the response was complete (flag UC). */
    RESET,
    /** HTTP/2 REFUSED_STREAM: the upstream did not process the request. */
    REFUSED_STREAM,
    /** The per-try timeout passed (Envoy resets the try: a reset with a timeout). */
    PER_TRY_TIMEOUT
}
