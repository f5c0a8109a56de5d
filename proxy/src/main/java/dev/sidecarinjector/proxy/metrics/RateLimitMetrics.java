package dev.sidecarinjector.proxy.metrics;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The local rate limit counters, named after Envoy's local rate limit filter statistics ({@code
 * http_local_rate_limit.rate_limited}): {@code envoy_http_local_rate_limit_rate_limited}, with the policy
 * ({@code namespace/name}) and the limit that refused ({@code total}, {@code identity}, {@code override}) as labels.
 */
public final class RateLimitMetrics {

    static final String FAMILY = "envoy_http_local_rate_limit_rate_limited";

    private final ConcurrentHashMap<String, LongAdder> counts = new ConcurrentHashMap<>();

    /** Counts one refused request. */
    public void limited(String policy, String scope) {
        counts.computeIfAbsent(series(policy, scope), NewAdder.INSTANCE).increment();
    }

    /** Requests {@code policy} refused by its {@code scope} limit. */
    public long count(String policy, String scope) {
        var adder = counts.get(series(policy, scope));
        return adder == null ? 0 : adder.sum();
    }

    private static String series(String policy, String scope) {
        var out = new StringBuilder(FAMILY.length() + policy.length() + 32).append(FAMILY).append("{policy=\"");
        IstioLabels.escape(out, policy);
        return out.append("\",scope=\"").append(scope).append("\"}").toString();
    }

    /** Appends the family when a request was refused, in Prometheus text format. */
    public void render(StringBuilder out) {
        if (counts.isEmpty()) {
            return;
        }
        out.append("# TYPE ").append(FAMILY).append(" counter\n");
        for (Map.Entry<String, LongAdder> entry : new TreeMap<>(counts).entrySet()) {
            out.append(entry.getKey()).append(' ').append(entry.getValue().sum()).append('\n');
        }
    }

    private static final class NewAdder implements java.util.function.Function<String, LongAdder> {
        static final NewAdder INSTANCE = new NewAdder();

        @Override
        public LongAdder apply(String key) {
            return new LongAdder();
        }
    }
}
