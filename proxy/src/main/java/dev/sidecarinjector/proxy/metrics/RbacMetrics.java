package dev.sidecarinjector.proxy.metrics;

import dev.sidecarinjector.proxy.policy.Verdict;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The AuthorizationPolicy counters, named after the statistics of Envoy's RBAC filters as Istio's sidecars export them
 * ({@code http.<prefix>.rbac.*} for HTTP, Istio's {@code tcp.rbac.*} for TCP): {@code allowed}, {@code denied},
 * {@code logged} (AUDIT) and {@code shadow_denied} (dry-run). Envoy has no per-policy count; here every count but
 * {@code allowed} carries the rule as Envoy names it in {@code rbac_access_denied_matched_policy[...]}, as the label
 * {@code policy} ({@code none}: ALLOW policies exist and no rule matched). Counted only on ports a policy applies to.
 */
public final class RbacMetrics {

    private final LongAdder httpAllowed = new LongAdder();
    private final LongAdder tcpAllowed = new LongAdder();
    private final ConcurrentHashMap<String, LongAdder> counts = new ConcurrentHashMap<>();

    /** Counts one request ({@code tcp}: connection) by its verdict. */
    public void record(Verdict verdict, boolean tcp) {
        var prefix = tcp ? "envoy_tcp_rbac_" : "envoy_http_rbac_";
        if (verdict.allowed()) {
            (tcp ? tcpAllowed : httpAllowed).increment();
        } else {
            count(prefix + "denied", verdict.denied());
        }
        if (verdict.audited() != null) {
            count(prefix + "logged", verdict.audited());
        }
        if (verdict.shadowDenied() != null) {
            count(prefix + "shadow_denied", verdict.shadowDenied());
        }
    }

    private void count(String family, String rule) {
        counts.computeIfAbsent(series(family, rule), NewAdder.INSTANCE).increment();
    }

    private static String series(String family, String rule) {
        var out = new StringBuilder(family.length() + rule.length() + 12).append(family).append("{policy=\"");
        IstioLabels.escape(out, rule);
        return out.append("\"}").toString();
    }

    /** The count of one family ({@code denied}, {@code logged}, {@code shadow_denied}) for one rule. */
    public long count(String family, boolean tcp, String rule) {
        var adder = counts.get(series((tcp ? "envoy_tcp_rbac_" : "envoy_http_rbac_") + family, rule));
        return adder == null ? 0 : adder.sum();
    }

    public long allowed(boolean tcp) {
        return (tcp ? tcpAllowed : httpAllowed).sum();
    }

    /** Appends the families that have counts, in Prometheus text format. */
    public void render(StringBuilder out) {
        // Sorted, so that a family's series follow its TYPE line.
        var all = new TreeMap<String, Long>();
        if (httpAllowed.sum() > 0) {
            all.put("envoy_http_rbac_allowed", httpAllowed.sum());
        }
        if (tcpAllowed.sum() > 0) {
            all.put("envoy_tcp_rbac_allowed", tcpAllowed.sum());
        }
        for (Map.Entry<String, LongAdder> entry : counts.entrySet()) {
            all.put(entry.getKey(), entry.getValue().sum());
        }
        String family = null;
        for (Map.Entry<String, Long> entry : all.entrySet()) {
            var brace = entry.getKey().indexOf('{');
            var name = brace < 0 ? entry.getKey() : entry.getKey().substring(0, brace);
            if (!name.equals(family)) {
                family = name;
                out.append("# TYPE ").append(name).append(" counter\n");
            }
            out.append(entry.getKey()).append(' ').append(entry.getValue()).append('\n');
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
