package dev.sidecarinjector.mesh.compile;

import dev.sidecarinjector.api.snapshot.ClusterTls;
import dev.sidecarinjector.api.snapshot.ConnectionPool;
import dev.sidecarinjector.api.snapshot.ConsistentHash;
import dev.sidecarinjector.api.snapshot.Limits;
import dev.sidecarinjector.api.snapshot.LoadBalancer;
import dev.sidecarinjector.api.snapshot.OutlierDetection;
import dev.sidecarinjector.inject.KubernetesNames;
import dev.sidecarinjector.mesh.index.MeshIndex;
import io.fabric8.istio.api.api.networking.v1alpha3.ClientTLSSettings;
import io.fabric8.istio.api.api.networking.v1alpha3.ConnectionPoolSettings;
import io.fabric8.istio.api.api.networking.v1alpha3.LoadBalancerSettings;
import io.fabric8.istio.api.api.networking.v1alpha3.LoadBalancerSettingsConsistentHash;
import io.fabric8.istio.api.api.networking.v1alpha3.LoadBalancerSettingsConsistentHashLB;
import io.fabric8.istio.api.api.networking.v1alpha3.LoadBalancerSettingsConsistentHashLBHttpCookie;
import io.fabric8.istio.api.api.networking.v1alpha3.LoadBalancerSettingsConsistentHashLBHttpHeaderName;
import io.fabric8.istio.api.api.networking.v1alpha3.LoadBalancerSettingsConsistentHashLBHttpQueryParameterName;
import io.fabric8.istio.api.api.networking.v1alpha3.LoadBalancerSettingsConsistentHashLBMaglev;
import io.fabric8.istio.api.api.networking.v1alpha3.LoadBalancerSettingsConsistentHashLBRingHash;
import io.fabric8.istio.api.api.networking.v1alpha3.LoadBalancerSettingsConsistentHashLBUseSourceIp;
import io.fabric8.istio.api.api.networking.v1alpha3.LoadBalancerSettingsSimple;
import io.fabric8.istio.api.api.networking.v1alpha3.TrafficPolicy;
import io.fabric8.istio.api.networking.v1.DestinationRule;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a DestinationRule field by field and reads its traffic policies with Istio's defaults; the first bad
 * field leaves the whole resource out with a {@link Problem}. Valid Istio that the proxy does not run yet
 * (consistent hashing, TLS settings) is ignored with a warning.
 */
final class DestinationRuleChecker {

    static final String KIND = "DestinationRule";

    private final String domain;

    DestinationRuleChecker(String domain) {
        this.domain = domain;
    }

    CheckedDestinationRule check(DestinationRule resource, List<Problem> problems) {
        var namespace = MeshIndex.namespace(resource);
        var name = resource.getMetadata().getName();
        var warnings = new java.util.ArrayList<Problem>();
        try {
            var spec = resource.getSpec();
            if (spec == null || spec.getHost() == null || spec.getHost().isBlank()) {
                throw new InvalidField("spec.host", null, "is missing");
            }
            var hostProblem = Hosts.problem(spec.getHost());
            if (hostProblem != null) {
                throw new InvalidField("spec.host", spec.getHost(), hostProblem);
            }
            var subsets = new LinkedHashMap<String, CheckedDestinationRule.Subset>();
            var given = spec.getSubsets() == null ? List.<io.fabric8.istio.api.api.networking.v1alpha3.Subset>of() : spec.getSubsets();
            for (var i = 0; i < given.size(); i++) {
                var subset = given.get(i);
                var field = "spec.subsets[" + i + "]";
                if (subset.getName() == null || subset.getName().isBlank()) {
                    throw new InvalidField(field + ".name", null, "is missing");
                }
                if (!KubernetesNames.isLabel(subset.getName(), true)) {
                    // Istio's rule: the name becomes part of a cluster name (outbound|9080|v1|reviews...).
                    throw new InvalidField(field + ".name", subset.getName(), "is not a DNS label (letters, digits and -, at most 63)");
                }
                if (subsets.containsKey(subset.getName())) {
                    throw new InvalidField(field + ".name", subset.getName(), "is a duplicate");
                }
                subsets.put(subset.getName(), new CheckedDestinationRule.Subset(
                        subset.getLabels() == null ? Map.of() : Map.copyOf(subset.getLabels()),
                        subset.getTrafficPolicy() == null ? null : policy(subset.getTrafficPolicy(), field + ".trafficPolicy", true, namespace, name, warnings)));
            }
            var created = resource.getMetadata().getCreationTimestamp();
            var policy = spec.getTrafficPolicy() == null ? TrafficPolicySpec.NONE
                    : policy(spec.getTrafficPolicy(), "spec.trafficPolicy", true, namespace, name, warnings);
            problems.addAll(warnings);
            return new CheckedDestinationRule(namespace, name, created(created), Hosts.fqdn(spec.getHost(), namespace, domain),
                    ExportTo.checked(spec.getExportTo()), policy, Map.copyOf(subsets));
        } catch (InvalidField e) {
            problems.add(Problem.invalid(KIND, namespace, name, e.field, e.value, e.getMessage()));
            return null;
        }
    }

    /** A resource's creationTimestamp (the epoch when unset), for Istio's oldest-first order. */
    static Instant created(String text) {
        try {
            return text == null ? Instant.EPOCH : Instant.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            throw new InvalidField("metadata.creationTimestamp", text, "is not an RFC 3339 time");
        }
    }

    private TrafficPolicySpec policy(TrafficPolicy policy, String field, boolean withPorts, String namespace, String name,
                                     List<Problem> warnings) {
        var ports = new HashMap<Integer, TrafficPolicySpec>();
        if (withPorts && policy.getPortLevelSettings() != null) {
            for (var i = 0; i < policy.getPortLevelSettings().size(); i++) {
                var level = policy.getPortLevelSettings().get(i);
                var at = field + ".portLevelSettings[" + i + "]";
                var number = level.getPort() == null || level.getPort().getNumber() == null ? 0L : level.getPort().getNumber();
                if (!Limits.isPort(number)) {
                    throw new InvalidField(at + ".port.number", level.getPort() == null ? null : level.getPort().getNumber(), "is not a port");
                }
                ports.put((int) number, new TrafficPolicySpec(pool(level.getConnectionPool(), at + ".connectionPool"),
                        loadBalancer(level.getLoadBalancer(), at + ".loadBalancer", namespace, name, warnings),
                        outlier(level.getOutlierDetection(), at + ".outlierDetection"),
                        tls(level.getTls(), at + ".tls", namespace, name, warnings), Map.of()));
            }
        }
        return new TrafficPolicySpec(pool(policy.getConnectionPool(), field + ".connectionPool"),
                loadBalancer(policy.getLoadBalancer(), field + ".loadBalancer", namespace, name, warnings),
                outlier(policy.getOutlierDetection(), field + ".outlierDetection"),
                tls(policy.getTls(), field + ".tls", namespace, name, warnings), Map.copyOf(ports));
    }

    /**
     * {@code tls.mode}: ISTIO_MUTUAL and DISABLE as Istio; SIMPLE and MUTUAL (TLS with certificates of one's own, to
     * services outside the mesh) are not supported: reported and left to auto mTLS.
     */
    private static ClusterTls tls(ClientTLSSettings settings, String field, String namespace, String name, List<Problem> warnings) {
        if (settings == null || settings.getMode() == null) {
            return null;
        }
        return switch (settings.getMode()) {
            case ISTIO_MUTUAL -> ClusterTls.ISTIO_MUTUAL;
            case DISABLE -> ClusterTls.DISABLE;
            case SIMPLE, MUTUAL -> {
                warnings.add(Problem.ignored(KIND, namespace, name, field + ".mode", settings.getMode().name(),
                        "is not supported yet (TLS origination with certificates of one's own); auto mTLS is used"));
                yield null;
            }
        };
    }

    private static TrafficPolicySpec.Balancing loadBalancer(LoadBalancerSettings settings, String field, String namespace, String name,
                                                            List<Problem> warnings) {
        if (settings == null || settings.getLbPolicy() == null) {
            return null;
        }
        if (settings.getLbPolicy() instanceof LoadBalancerSettingsConsistentHash consistent && consistent.getConsistentHash() != null) {
            return consistentHash(consistent.getConsistentHash(), field + ".consistentHash", namespace, name, warnings);
        }
        if (!(settings.getLbPolicy() instanceof LoadBalancerSettingsSimple simple) || simple.getSimple() == null) {
            return null;
        }
        return new TrafficPolicySpec.Balancing(switch (simple.getSimple()) {
            case UNSPECIFIED, LEAST_REQUEST, LEAST_CONN -> LoadBalancer.LEAST_REQUEST;
            case ROUND_ROBIN -> LoadBalancer.ROUND_ROBIN;
            case RANDOM -> LoadBalancer.RANDOM;
            case PASSTHROUGH -> LoadBalancer.PASSTHROUGH;
        }, null);
    }

    /**
     * {@code consistentHash}: its key ({@code httpHeaderName}, {@code httpCookie}, {@code useSourceIp} or
     * {@code httpQueryParameterName}) and table ({@code maglev.tableSize}, a prime; else a ring of
     * {@code ringHash.minimumRingSize} or the deprecated {@code minimumRingSize}, Envoy's defaults 65537 and 1024).
     * With no key Envoy picks at random, and so does the proxy, with a warning.
     */
    private static TrafficPolicySpec.Balancing consistentHash(LoadBalancerSettingsConsistentHashLB settings, String field, String namespace,
                                                              String name, List<Problem> warnings) {
        ConsistentHash.Source source;
        String key = null;
        String cookiePath = null;
        Long cookieTtl = null;
        switch (settings.getHashKey()) {
            case LoadBalancerSettingsConsistentHashLBHttpHeaderName header -> {
                source = ConsistentHash.Source.HEADER;
                key = HeaderFields.name(header.getHttpHeaderName(), field + ".httpHeaderName");
            }
            case LoadBalancerSettingsConsistentHashLBHttpCookie holder when holder.getHttpCookie() != null -> {
                var cookie = holder.getHttpCookie();
                source = ConsistentHash.Source.COOKIE;
                key = HeaderFields.cookieName(cookie.getName(), field + ".httpCookie.name");
                cookiePath = cookie.getPath() == null || cookie.getPath().isEmpty() ? null : HeaderFields.value(cookie.getPath(), field + ".httpCookie.path");
                cookieTtl = cookie.getTtl() == null ? null : Durations.millis(field + ".httpCookie.ttl", cookie.getTtl(), 0);
                if (cookie.getAttributes() != null && !cookie.getAttributes().isEmpty()) {
                    warnings.add(Problem.ignored(KIND, namespace, name, field + ".httpCookie.attributes", null,
                            "is not supported yet: a generated cookie has Max-Age, Path and HttpOnly only"));
                }
            }
            case LoadBalancerSettingsConsistentHashLBUseSourceIp sourceIp when Boolean.TRUE.equals(sourceIp.getUseSourceIp()) ->
                    source = ConsistentHash.Source.SOURCE_IP;
            case LoadBalancerSettingsConsistentHashLBHttpQueryParameterName query -> {
                source = ConsistentHash.Source.QUERY_PARAMETER;
                key = query.getHttpQueryParameterName();
                if (key == null || key.isEmpty()) {
                    throw new InvalidField(field + ".httpQueryParameterName", null, "is missing");
                }
            }
            case null, default -> {
                warnings.add(Problem.ignored(KIND, namespace, name, field, null,
                        "has no hash key (httpHeaderName, httpCookie, useSourceIp: true or httpQueryParameterName): requests are balanced at random, as Envoy does"));
                return new TrafficPolicySpec.Balancing(LoadBalancer.RANDOM, null);
            }
        }
        var table = LoadBalancer.RING_HASH;
        long size = ConsistentHash.DEFAULT_RING_SIZE;
        var sizeField = field + ".minimumRingSize";
        long max = ConsistentHash.MAX_RING_SIZE;
        if (settings.getHashAlgorithm() instanceof LoadBalancerSettingsConsistentHashLBMaglev maglev) {
            table = LoadBalancer.MAGLEV;
            sizeField = field + ".maglev.tableSize";
            max = ConsistentHash.MAX_MAGLEV_SIZE;
            size = maglev.getMaglev() == null || maglev.getMaglev().getTableSize() == null ? ConsistentHash.DEFAULT_MAGLEV_SIZE
                    : maglev.getMaglev().getTableSize();
            if (!ConsistentHash.isPrime(size)) {
                throw new InvalidField(sizeField, size, "is not a prime number (Envoy's Maglev table size must be)");
            }
        } else if (settings.getHashAlgorithm() instanceof LoadBalancerSettingsConsistentHashLBRingHash ring) {
            // Istio's order: ringHash's size when ringHash is given (its value's additional properties hold it:
            // IstioModelMapping), else the default; the deprecated top-level field only when neither table is named.
            if (ring.getRingHash() != null && ring.getRingHash().getAdditionalProperties().get("minimumRingSize") instanceof Number given
                    && given.longValue() > 0) {
                size = given.longValue();
                sizeField = field + ".ringHash.minimumRingSize";
            }
        } else if (settings.getMinimumRingSize() != null && settings.getMinimumRingSize() > 0) {
            // The directory source moves ringHash.minimumRingSize here before binding (RingHashField).
            size = settings.getMinimumRingSize();
        }
        if (size > max) {
            warnings.add(Problem.ignored(KIND, namespace, name, sizeField, String.valueOf(size), "is more than the proxy builds; "
                    + (table == LoadBalancer.MAGLEV ? "a table of " : "a ring of ") + max + " is used"));
            size = max;
        }
        return new TrafficPolicySpec.Balancing(table, new ConsistentHash(source, key, cookiePath, cookieTtl, (int) size));
    }

    private static ConnectionPool pool(ConnectionPoolSettings settings, String field) {
        if (settings == null) {
            return null;
        }
        var tcp = settings.getTcp();
        var http = settings.getHttp();
        return new ConnectionPool(limit(tcp == null ? null : tcp.getMaxConnections(), field + ".tcp.maxConnections"),
                tcp == null || tcp.getConnectTimeout() == null ? ConnectionPool.DEFAULT_CONNECT_TIMEOUT_MS
                        : Durations.millis(field + ".tcp.connectTimeout", tcp.getConnectTimeout(), 1),
                limit(http == null ? null : http.getHttp1MaxPendingRequests(), field + ".http.http1MaxPendingRequests"),
                limit(http == null ? null : http.getHttp2MaxRequests(), field + ".http.http2MaxRequests"),
                limit(http == null ? null : http.getMaxRequestsPerConnection(), field + ".http.maxRequestsPerConnection"),
                limit(http == null ? null : http.getMaxRetries(), field + ".http.maxRetries"),
                http == null || http.getIdleTimeout() == null ? 0 : Durations.millis(field + ".http.idleTimeout", http.getIdleTimeout(), 1));
    }

    private static int limit(Integer value, String field) {
        if (value == null) {
            return 0;
        }
        if (value < 0) {
            throw new InvalidField(field, value, "is negative");
        }
        return value;
    }

    /**
     * Istio's outlier detection: 5 consecutive 5xx by default; the deprecated {@code consecutiveErrors} counts
     * gateway errors instead (and turns the 5xx counter off) unless {@code consecutive5xxErrors} is given;
     * interval 10s, base ejection 30s, at most 10 % ejected, minimum health 0 %.
     */
    private static OutlierDetection outlier(io.fabric8.istio.api.api.networking.v1alpha3.OutlierDetection outlier, String field) {
        if (outlier == null) {
            return null;
        }
        var consecutive5xx = 5;
        var gateway = 0;
        if (outlier.getConsecutiveErrors() != null && outlier.getConsecutiveErrors() > 0) {
            gateway = outlier.getConsecutiveErrors();
            consecutive5xx = 0;
        }
        if (outlier.getConsecutive5xxErrors() != null) {
            consecutive5xx = limit(outlier.getConsecutive5xxErrors(), field + ".consecutive5xxErrors");
        }
        if (outlier.getConsecutiveGatewayErrors() != null) {
            gateway = limit(outlier.getConsecutiveGatewayErrors(), field + ".consecutiveGatewayErrors");
        }
        return new OutlierDetection(consecutive5xx, gateway,
                outlier.getInterval() == null ? 10_000 : Durations.millis(field + ".interval", outlier.getInterval(), 1),
                outlier.getBaseEjectionTime() == null ? 30_000 : Durations.millis(field + ".baseEjectionTime", outlier.getBaseEjectionTime(), 1),
                percent(outlier.getMaxEjectionPercent(), 10, field + ".maxEjectionPercent"),
                percent(outlier.getMinHealthPercent(), 0, field + ".minHealthPercent"));
    }

    private static int percent(Integer value, int fallback, String field) {
        if (value == null) {
            return fallback;
        }
        if (value < 0 || value > 100) {
            throw new InvalidField(field, value, "is not between 0 and 100");
        }
        return value;
    }
}
