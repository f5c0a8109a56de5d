package dev.sidecarinjector.proxy.retry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.api.snapshot.ConnectionPool;
import dev.sidecarinjector.api.snapshot.RetryPolicy;
import dev.sidecarinjector.proxy.cluster.CircuitBreaker;
import dev.sidecarinjector.proxy.mesh.RandomSource;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RetryRulesTest {

    /** Outcomes in the table's columns: 500, 502, 503, 504, 409, 200, connect failure, reset, refused stream, per-try timeout. */
    private static final String[] OUTCOMES = {"500", "502", "503", "504", "409", "200", "CONNECT_FAILURE", "RESET", "REFUSED_STREAM", "PER_TRY_TIMEOUT"};

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // retryOn                  | 500 502 503 504 409 200 CF  RST RS  PTT
            "5xx                        | y   y   y   y   n   n   y   y   y   y",
            "gateway-error              | n   y   y   y   n   n   y   y   y   y",
            "reset                      | n   n   n   n   n   n   y   y   y   y",
            "connect-failure            | n   n   n   n   n   n   y   n   n   n",
            "refused-stream             | n   n   n   n   n   n   n   n   y   n",
            "retriable-4xx              | n   n   n   n   y   n   n   n   n   n",
            "retriable-status-codes:503 | n   n   y   n   n   n   n   n   n   n",
            "unavailable                | n   n   n   n   n   n   n   n   n   n",
            "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes | n n n n n n y n y n",
    })
    void retryConditionsAsEnvoyHasThem(String retryOn, String expected) {
        var codes = retryOn.contains(":") ? List.of(Integer.parseInt(retryOn.substring(retryOn.indexOf(':') + 1))) : List.<Integer>of();
        var conditions = Arrays.asList(retryOn.replaceAll(":.*", "").split(","));
        var policy = new RetryPolicy(2, 0, conditions, codes);
        var want = expected.trim().split("\\s+");
        for (var i = 0; i < OUTCOMES.length; i++) {
            var outcome = Character.isDigit(OUTCOMES[i].charAt(0)) ? TryOutcome.RESPONSE : TryOutcome.valueOf(OUTCOMES[i]);
            var status = outcome == TryOutcome.RESPONSE ? Integer.parseInt(OUTCOMES[i]) : 0;
            assertEquals(want[i].equals("y"), RetryRules.retriable(policy, outcome, status), retryOn + " on " + OUTCOMES[i]);
        }
    }

    @Test
    void attemptsCountTheRetriesAfterTheFirstTry() {
        var policy = new RetryPolicy(3, 2_000, List.of("5xx"), List.of());
        for (var done = 0; done < 3; done++) {
            assertEquals(RetryDecision.RETRY, RetryRules.decide(policy, TryOutcome.RESPONSE, 503, done, true, null));
        }
        assertEquals(RetryDecision.EXHAUSTED, RetryRules.decide(policy, TryOutcome.RESPONSE, 503, 3, true, null));
        assertEquals(RetryDecision.DONE, RetryRules.decide(policy, TryOutcome.RESPONSE, 200, 0, true, null));
        assertEquals(RetryDecision.DONE, RetryRules.decide(RetryPolicy.NONE, TryOutcome.RESET, 0, 0, true, null));
    }

    @Test
    void anUnbufferedBodyIsNotRetried() {
        var policy = new RetryPolicy(3, 0, List.of("5xx"), List.of());
        assertEquals(RetryDecision.BODY_NOT_BUFFERED, RetryRules.decide(policy, TryOutcome.RESPONSE, 503, 0, false, null));
        assertEquals(64 * 1024, RetryRules.MAX_BUFFERED_BODY);
    }

    @Test
    void theClustersRetryBudgetBoundsConcurrentRetries() {
        var breaker = new CircuitBreaker(new ConnectionPool(0, 1_000, 0, 0, 0, 1, 0));
        var policy = new RetryPolicy(3, 0, List.of("reset"), List.of());
        assertEquals(RetryDecision.RETRY, RetryRules.decide(policy, TryOutcome.RESET, 0, 0, true, breaker));
        assertEquals(RetryDecision.BUDGET_EXHAUSTED, RetryRules.decide(policy, TryOutcome.RESET, 0, 0, true, breaker));
        breaker.releaseRetry();
        assertEquals(RetryDecision.RETRY, RetryRules.decide(policy, TryOutcome.RESET, 0, 0, true, breaker));
        assertEquals(RetryDecision.DONE, RetryRules.decide(policy, TryOutcome.RESPONSE, 200, 0, true, breaker));
        assertEquals(1, breaker.activeRetries(), "a decision not to retry takes no slot");
    }

    @Test
    void backoffIsJitteredExponentialFrom25MsCappedAt250() {
        var random = RandomSource.seeded(9);
        long[] upper = {0, 25, 75, 175, 250, 250, 250};
        for (var retry = 1; retry <= 6; retry++) {
            var most = 0L;
            for (var i = 0; i < 2_000; i++) {
                var delay = RetryBackoff.delayMs(retry, random);
                assertTrue(delay >= 0 && delay < upper[retry], "retry " + retry + ": " + delay);
                most = Math.max(most, delay);
            }
            assertTrue(most >= upper[retry] * 9 / 10, "retry " + retry + " reaches near its bound: " + most);
        }
    }
}
