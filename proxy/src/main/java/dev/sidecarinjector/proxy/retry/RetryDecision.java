package dev.sidecarinjector.proxy.retry;

/** What the engine does after a try: retry (after {@link RetryBackoff}'s delay), or pass on what it has. */
public enum RetryDecision {
    /** Try again, on another endpoint when there is one; the cluster's retry budget is held until the try ends. */
    RETRY,
    /** The outcome is not one the policy retries: pass it on. */
    DONE,
    /** Retriable, but every attempt is used: pass the last outcome on with flag URX. */
    EXHAUSTED,
    /** Retriable, but the cluster's {@code maxRetries} concurrent retries are all running: pass it on. */
    BUDGET_EXHAUSTED,
    /** Retriable, but the request body was over 64 KiB and not kept for a second try: pass it on. */
    BODY_NOT_BUFFERED
}
