package dev.sidecarinjector.proxy.retry;

import dev.sidecarinjector.api.snapshot.RetryPolicy;
import dev.sidecarinjector.proxy.cluster.CircuitBreaker;

/**
 * Envoy's router retry conditions for a {@link RetryPolicy} and one try's outcome ({@code attempts} counts the
 * retries after the first try):
 * <ul>
 *   <li>{@code 5xx}: any 5xx, and every failure with no response (connect failure, reset, refused stream,
 *       per-try timeout); {@code gateway-error}: 502, 503, 504 and those same failures (Envoy counts a reset
 *       as a 5xx and as a gateway error);</li>
 *   <li>{@code reset}: every failure with no response (a connect failure and a per-try timeout are resets too);
 *       {@code connect-failure}; {@code refused-stream};</li>
 *   <li>{@code retriable-status-codes}: the codes listed ({@code retriableStatusCodes} also applies on its own,
 *       as Istio turns bare codes in {@code retryOn} into that condition); {@code retriable-4xx}: 409.</li>
 * </ul>
 * gRPC's conditions ({@code unavailable}, {@code cancelled}, ...) read {@code grpc-status}, which comes with HTTP/2;
 * on HTTP/1.1 they never hold. The engine keeps request bodies up to {@link #MAX_BUFFERED_BODY} bytes for a retry.
 */
public final class RetryRules {

    /** Request bodies up to this size are kept for a retry; larger ones stream through and are not retried. */
    public static final int MAX_BUFFERED_BODY = 64 * 1024;

    private RetryRules() {
    }

    /** Whether the policy retries this outcome at all ({@code status} is read only for {@link TryOutcome#RESPONSE}). */
    public static boolean retriable(RetryPolicy policy, TryOutcome outcome, int status) {
        var conditions = policy.retryOn();
        if (outcome != TryOutcome.RESPONSE) {
            return conditions.contains("5xx") || conditions.contains("gateway-error") || conditions.contains("reset")
                    || (outcome == TryOutcome.CONNECT_FAILURE && conditions.contains("connect-failure"))
                    || (outcome == TryOutcome.REFUSED_STREAM && conditions.contains("refused-stream"));
        }
        return (status >= 500 && status <= 599 && conditions.contains("5xx"))
                || ((status == 502 || status == 503 || status == 504) && conditions.contains("gateway-error"))
                || (status == 409 && conditions.contains("retriable-4xx"))
                || policy.retriableStatusCodes().contains(status);
    }

    /**
     * The decision after try number {@code retriesDone + 1}. A {@link RetryDecision#RETRY} holds one of the
     * cluster's retry slots ({@code breaker} may be null for none): the engine releases it when that retry ends.
     */
    public static RetryDecision decide(RetryPolicy policy, TryOutcome outcome, int status, int retriesDone,
                                       boolean bodyBuffered, CircuitBreaker breaker) {
        if (!retriable(policy, outcome, status)) {
            return RetryDecision.DONE;
        }
        if (retriesDone >= policy.attempts()) {
            return RetryDecision.EXHAUSTED;
        }
        if (!bodyBuffered) {
            return RetryDecision.BODY_NOT_BUFFERED;
        }
        if (breaker != null && !breaker.tryAcquireRetry()) {
            return RetryDecision.BUDGET_EXHAUSTED;
        }
        return RetryDecision.RETRY;
    }
}
