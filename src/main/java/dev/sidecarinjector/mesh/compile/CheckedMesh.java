package dev.sidecarinjector.mesh.compile;

import dev.sidecarinjector.mesh.index.MeshIndex;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one index compiles to before any client namespace is known: the Service registry, every VirtualService for
 * sidecars and every DestinationRule checked once, the DestinationRules by namespace, and the problems found.
 * Shared by the compiles of every namespace and proxy of that index.
 */
final class CheckedMesh {

    final MeshIndex index;
    final String rootNamespace;
    final ServiceRegistry registry;
    final List<CheckedVirtualService> virtualServices = new ArrayList<>();
    final Map<String, List<CheckedDestinationRule>> rulesByNamespace = new HashMap<>();
    /** Per namespace: the rules for each exact host (oldest first), and the wildcard rules, so a lookup is a map hit. */
    private final Map<String, Map<String, List<CheckedDestinationRule>>> exactRules = new HashMap<>();
    private final Map<String, List<CheckedDestinationRule>> wildcardRules = new HashMap<>();
    final List<Problem> problems = new ArrayList<>();

    CheckedMesh(MeshIndex index, String domain, String rootNamespace) {
        this.index = index;
        this.rootNamespace = rootNamespace;
        this.registry = new ServiceRegistry(index, domain);
        var vsChecker = new VirtualServiceChecker(domain);
        for (var resource : index.virtualServices().values()) {
            var gateways = resource.getSpec() == null ? null : resource.getSpec().getGateways();
            if (gateways != null && !gateways.isEmpty() && !gateways.contains("mesh")) {
                continue;
            }
            var checked = vsChecker.check(resource, problems);
            if (checked != null) {
                virtualServices.add(checked);
            }
        }
        virtualServices.sort(CheckedVirtualService::olderFirst);
        var drChecker = new DestinationRuleChecker(domain);
        for (var resource : index.destinationRules().values()) {
            var checked = drChecker.check(resource, problems);
            if (checked != null) {
                rulesByNamespace.computeIfAbsent(checked.namespace(), k -> new ArrayList<>()).add(checked);
            }
        }
        for (var rules : rulesByNamespace.values()) {
            rules.sort(CheckedDestinationRule::olderFirst);
            var seen = new HashMap<String, CheckedDestinationRule>();
            for (var rule : rules) {
                if (Hosts.isWildcard(rule.host())) {
                    wildcardRules.computeIfAbsent(rule.namespace(), k -> new ArrayList<>()).add(rule);
                } else {
                    exactRules.computeIfAbsent(rule.namespace(), k -> new HashMap<>()).computeIfAbsent(rule.host(), k -> new ArrayList<>()).add(rule);
                }
                var older = seen.putIfAbsent(rule.host(), rule);
                if (older != null) {
                    problems.add(Problem.ignored(DestinationRuleChecker.KIND, rule.namespace(), rule.name(), "spec.host", rule.host(),
                            "is also the host of the older DestinationRule " + older.key() + ", which is used instead"));
                }
            }
        }
    }

    /**
     * The DestinationRule that applies to {@code host} for clients in {@code clientNamespace}, as Istio looks it up:
     * the client's namespace, then the Service's, then the root namespace; in each the exact host before the most
     * specific wildcard, the oldest first; only rules exported to the client. Null when none applies.
     */
    CheckedDestinationRule destinationRule(String clientNamespace, String host, String serviceNamespace) {
        for (var namespace : new String[] {clientNamespace, serviceNamespace, rootNamespace}) {
            var found = bestIn(namespace, clientNamespace, host);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private CheckedDestinationRule bestIn(String namespace, String clientNamespace, String host) {
        var exact = exactRules.getOrDefault(namespace, Map.of()).getOrDefault(host, List.of());
        for (var rule : exact) {
            if (ExportTo.visible(rule.exportTo(), rule.namespace(), clientNamespace)) {
                return rule;
            }
        }
        CheckedDestinationRule wildcard = null;
        for (var rule : wildcardRules.getOrDefault(namespace, List.of())) {
            if (ExportTo.visible(rule.exportTo(), rule.namespace(), clientNamespace) && Hosts.covers(rule.host(), host)
                    && (wildcard == null || Hosts.specificity(rule.host()) > Hosts.specificity(wildcard.host()))) {
                wildcard = rule;
            }
        }
        return wildcard;
    }

    /** The namespace part of a Service FQDN ({@code name.ns.svc.domain}), or the client's for other hosts. */
    static String namespaceOf(String host, String fallback) {
        var first = host.indexOf('.');
        var second = first < 0 ? -1 : host.indexOf('.', first + 1);
        return second < 0 ? fallback : host.substring(first + 1, second);
    }
}
