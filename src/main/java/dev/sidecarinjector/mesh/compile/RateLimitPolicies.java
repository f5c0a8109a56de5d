package dev.sidecarinjector.mesh.compile;

import dev.sidecarinjector.api.snapshot.Limits;
import dev.sidecarinjector.api.snapshot.RateLimit;
import dev.sidecarinjector.mesh.index.MeshIndex;
import dev.sidecarinjector.mesh.model.HttpLocalRateLimitPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * HTTPLocalRateLimitPolicies checked once per index, and the one that applies to a workload's inbound HTTP port: among
 * the policies of the workload's namespace whose selector matches it (no selector: every workload of the namespace),
 * one naming the port beats one for all ports, then the oldest wins (Istio's tie-break), then the name.
 */
final class RateLimitPolicies {

    static final String KIND = "HTTPLocalRateLimitPolicy";

    private record Checked(String namespace, String name, Instant created, Map<String, String> selector, int port, RateLimit limit) {

        boolean beats(Checked other) {
            if ((port > 0) != (other.port > 0)) {
                return port > 0;
            }
            var byAge = created.compareTo(other.created);
            return byAge != 0 ? byAge < 0 : name.compareTo(other.name) < 0;
        }
    }

    private final Map<String, List<Checked>> byNamespace = new HashMap<>();

    RateLimitPolicies(MeshIndex index, List<Problem> problems, LastGood lastGood) {
        for (var resource : index.rateLimitPolicies().values()) {
            var checked = lastGood.check(resource, problems, RateLimitPolicies::check);
            if (checked != null) {
                byNamespace.computeIfAbsent(checked.namespace(), k -> new ArrayList<>()).add(checked);
            }
        }
    }

    /** The limit of a workload's HTTP port {@code port}, or null. */
    RateLimit limit(String namespace, Map<String, String> labels, int port) {
        Checked best = null;
        for (var policy : byNamespace.getOrDefault(namespace, List.of())) {
            if ((policy.port() == 0 || policy.port() == port) && labels.entrySet().containsAll(policy.selector().entrySet())
                    && (best == null || policy.beats(best))) {
                best = policy;
            }
        }
        return best == null ? null : best.limit();
    }

    /** Whether a policy of the namespace names {@code port} for a workload with {@code labels} (to report a TCP port). */
    String namingPort(String namespace, Map<String, String> labels, int port) {
        for (var policy : byNamespace.getOrDefault(namespace, List.of())) {
            if (policy.port() == port && labels.entrySet().containsAll(policy.selector().entrySet())) {
                return policy.name();
            }
        }
        return null;
    }

    private static Checked check(HttpLocalRateLimitPolicy resource, List<Problem> problems) {
        var namespace = MeshIndex.namespace(resource);
        var name = resource.getMetadata().getName();
        try {
            var spec = resource.getSpec();
            if (spec == null) {
                throw new InvalidField("spec", null, "is missing");
            }
            var selector = spec.selector == null || spec.selector.matchLabels == null ? Map.<String, String>of()
                    : Map.copyOf(spec.selector.matchLabels);
            var port = 0;
            if (spec.port != null) {
                if (!Limits.isPort(spec.port)) {
                    throw new InvalidField("spec.port", String.valueOf(spec.port), "is not a port (1-65535)");
                }
                port = spec.port;
            }
            var total = rate(spec.total, "spec.total.requestsPerSecond");
            var identity = rate(spec.identity, "spec.identity.requestsPerSecond");
            if (total > 0 && identity > total) {
                throw new InvalidField("spec.identity.requestsPerSecond", String.valueOf(identity),
                        "is more than spec.total.requestsPerSecond (" + total + ")");
            }
            var overrides = new ArrayList<RateLimit.ClientOverride>();
            var overrideList = spec.overrides == null ? List.<HttpLocalRateLimitPolicy.Override>of() : spec.overrides;
            for (var i = 0; i < overrideList.size(); i++) {
                overrides.add(override(overrideList.get(i), "spec.overrides[" + i + "]", namespace, total));
            }
            if (total == 0 && identity == 0 && overrides.isEmpty()) {
                throw new InvalidField("spec", null, "sets no limit: give total, identity or overrides a requestsPerSecond");
            }
            return new Checked(namespace, name, DestinationRuleChecker.created(resource.getMetadata().getCreationTimestamp()), selector, port,
                    new RateLimit(namespace + "/" + name, total, identity, overrides));
        } catch (InvalidField e) {
            problems.add(Problem.invalid(KIND, namespace, name, e.field, e.value, e.getMessage()));
            return null;
        }
    }

    /** A limit's rate, 0 when the limit is not set. */
    private static int rate(HttpLocalRateLimitPolicy.Limit limit, String field) {
        if (limit == null) {
            return 0;
        }
        return positive(limit.requestsPerSecond, field);
    }

    private static int positive(Integer rate, String field) {
        if (rate == null) {
            throw new InvalidField(field, null, "is missing");
        }
        if (rate < 1 || rate > RateLimit.MAX_RPS) {
            throw new InvalidField(field, String.valueOf(rate), "is not a rate of 1 to " + RateLimit.MAX_RPS + " requests a second");
        }
        return rate;
    }

    private static RateLimit.ClientOverride override(HttpLocalRateLimitPolicy.Override override, String field, String namespace, int total) {
        if (override == null) {
            throw new InvalidField(field, null, "is empty");
        }
        var rate = positive(override.requestsPerSecond, field + ".requestsPerSecond");
        if (total > 0 && rate > total) {
            throw new InvalidField(field + ".requestsPerSecond", String.valueOf(rate), "is more than spec.total.requestsPerSecond (" + total + ")");
        }
        if (override.clientRefs == null || override.clientRefs.isEmpty()) {
            throw new InvalidField(field + ".clientRefs", null, "is missing: name the ServiceAccounts this rate is for");
        }
        var clients = new ArrayList<RateLimit.Client>();
        for (var i = 0; i < override.clientRefs.size(); i++) {
            var ref = override.clientRefs.get(i);
            var at = field + ".clientRefs[" + i + "]";
            if (ref == null) {
                throw new InvalidField(at, null, "is empty");
            }
            if (!"ServiceAccount".equals(ref.kind) || ref.group != null && !ref.group.isEmpty()) {
                throw new InvalidField(at + ".kind", ref.kind, "is not ServiceAccount (of the core group), the only kind a client can be");
            }
            if (ref.name == null || ref.name.isEmpty()) {
                throw new InvalidField(at + ".name", ref.name, "is missing");
            }
            clients.add(new RateLimit.Client(ref.namespace == null || ref.namespace.isEmpty() ? namespace : ref.namespace, ref.name));
        }
        return new RateLimit.ClientOverride(rate, clients);
    }
}
