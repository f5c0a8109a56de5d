package dev.sidecarinjector.mesh.compile;

import dev.sidecarinjector.mesh.index.MeshIndex;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one index compiles to before any client namespace is known: the Service registry, every VirtualService for
 * sidecars and every DestinationRule checked once, the DestinationRules by namespace, the PeerAuthentications,
 * AuthorizationPolicies and HTTPLocalRateLimitPolicies, and the problems found.
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
    final PeerAuthentications peerAuthentications;
    final AuthorizationPolicies authorizationPolicies;
    final RateLimitPolicies rateLimitPolicies;
    final RequestAuthentications requestAuthentications;

    CheckedMesh(MeshIndex index, String domain, String rootNamespace, LastGood lastGood) {
        this.index = index;
        this.rootNamespace = rootNamespace;
        this.peerAuthentications = new PeerAuthentications(index, rootNamespace, problems, lastGood);
        this.authorizationPolicies = new AuthorizationPolicies(index, rootNamespace, problems, lastGood);
        this.rateLimitPolicies = new RateLimitPolicies(index, problems, lastGood);
        this.requestAuthentications = new RequestAuthentications(index, rootNamespace, problems, lastGood);
        this.registry = new ServiceRegistry(index, domain, peerAuthentications, problems);
        var vsChecker = new VirtualServiceChecker(domain);
        for (var resource : index.virtualServices().values()) {
            var gateways = resource.getSpec() == null ? null : resource.getSpec().getGateways();
            if (gateways != null && !gateways.isEmpty() && !gateways.contains("mesh")) {
                continue;
            }
            var checked = lastGood.check(resource, problems, vsChecker::check);
            if (checked != null) {
                virtualServices.add(checked);
            }
        }
        virtualServices.sort(CheckedVirtualService::olderFirst);
        var drChecker = new DestinationRuleChecker(domain);
        for (var resource : index.destinationRules().values()) {
            var checked = lastGood.check(resource, problems, drChecker::check);
            if (checked != null) {
                rulesByNamespace.computeIfAbsent(checked.namespace(), k -> new ArrayList<>()).add(checked);
            }
        }
        for (var entry : rulesByNamespace.entrySet()) {
            var rules = entry.getValue();
            rules.sort(CheckedDestinationRule::olderFirst);
            var merged = mergeSameHost(rules, problems);
            rules.clear();
            rules.addAll(merged);
            for (var rule : merged) {
                if (Hosts.isWildcard(rule.host())) {
                    wildcardRules.computeIfAbsent(rule.namespace(), k -> new ArrayList<>()).add(rule);
                } else {
                    exactRules.computeIfAbsent(rule.namespace(), k -> new HashMap<>()).computeIfAbsent(rule.host(), k -> new ArrayList<>()).add(rule);
                }
            }
        }
    }

    /**
     * Istio's merge of the DestinationRules of one namespace for one host (oldest first): a rule exported to the same
     * namespaces as an older one is folded into it: its subsets are added unless the older rule has a subset of that
     * name (reported, the older one's is kept), and its top-level traffic policy is used only when the older rule has
     * none. Rules exported differently stay apart, so each keeps its own visibility.
     */
    static List<CheckedDestinationRule> mergeSameHost(List<CheckedDestinationRule> oldestFirst, List<Problem> problems) {
        var byHost = new LinkedHashMap<String, List<CheckedDestinationRule>>();
        for (var rule : oldestFirst) {
            var sameHost = byHost.computeIfAbsent(rule.host(), k -> new ArrayList<>());
            var into = -1;
            for (var i = 0; i < sameHost.size() && into < 0; i++) {
                if (Set.copyOf(sameHost.get(i).exportTo()).equals(Set.copyOf(rule.exportTo()))) {
                    into = i;
                }
            }
            if (into < 0) {
                sameHost.add(rule);
            } else {
                sameHost.set(into, merge(sameHost.get(into), rule, problems));
            }
        }
        var merged = new ArrayList<CheckedDestinationRule>();
        for (var rules : byHost.values()) {
            merged.addAll(rules);
        }
        return merged;
    }

    private static CheckedDestinationRule merge(CheckedDestinationRule older, CheckedDestinationRule newer, List<Problem> problems) {
        var subsets = new HashMap<>(older.subsets());
        for (var subset : new java.util.TreeMap<>(newer.subsets()).entrySet()) {
            if (subsets.putIfAbsent(subset.getKey(), subset.getValue()) != null) {
                problems.add(Problem.ignored(DestinationRuleChecker.KIND, newer.namespace(), newer.name(), "spec.subsets", subset.getKey(),
                        "is also a subset of the older DestinationRule " + older.key() + " for " + older.host() + ", whose subset is used"));
            }
        }
        var policy = older.policy().equals(TrafficPolicySpec.NONE) ? newer.policy() : older.policy();
        return new CheckedDestinationRule(older.namespace(), older.name(), older.created(), older.host(), older.exportTo(), policy,
                Map.copyOf(subsets));
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
