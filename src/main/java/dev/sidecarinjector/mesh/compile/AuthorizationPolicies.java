package dev.sidecarinjector.mesh.compile;

import dev.sidecarinjector.api.snapshot.AuthzAction;
import dev.sidecarinjector.api.snapshot.AuthzAttribute;
import dev.sidecarinjector.api.snapshot.AuthzCondition;
import dev.sidecarinjector.api.snapshot.AuthzPolicy;
import dev.sidecarinjector.api.snapshot.AuthzRule;
import dev.sidecarinjector.api.snapshot.InboundPort;
import dev.sidecarinjector.api.snapshot.Protocol;
import dev.sidecarinjector.mesh.index.MeshIndex;
import io.fabric8.istio.api.api.security.v1beta1.AuthorizationPolicyAction;
import io.fabric8.istio.api.api.security.v1beta1.Condition;
import io.fabric8.istio.api.api.security.v1beta1.Operation;
import io.fabric8.istio.api.api.security.v1beta1.Rule;
import io.fabric8.istio.api.api.security.v1beta1.Source;
import io.fabric8.istio.api.security.v1.AuthorizationPolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AuthorizationPolicies checked once per index, and those that select one workload, as Istio selects them for a
 * sidecar: the root namespace's and the workload's own namespace's, each without a selector or with one whose labels
 * the workload has, oldest first; a policy with {@code targetRefs} is for gateways and waypoints, not sidecars.
 *
 * <p>What cannot be enforced exactly (a value that is not valid, an unknown field or {@code when} key) is reported on
 * the resource and handled as istiod handles an error in one rule: an ALLOW rule is dropped (it matches nothing, so it
 * lets nothing in), a DENY or AUDIT rule is applied without the value or field (it matches more). CUSTOM, which needs
 * an external authorizer, is reported and compiled as DENY, as istiod does when it cannot find the provider.
 */
final class AuthorizationPolicies {

    static final String KIND = "AuthorizationPolicy";
    static final String DRY_RUN = "istio.io/dry-run";

    private final String rootNamespace;
    private final Map<String, List<CheckedAuthorizationPolicy>> byNamespace = new HashMap<>();

    AuthorizationPolicies(MeshIndex index, String rootNamespace, List<Problem> problems) {
        this.rootNamespace = rootNamespace;
        for (var resource : index.authorizationPolicies().values()) {
            var checked = check(resource, problems);
            if (checked != null) {
                byNamespace.computeIfAbsent(checked.namespace(), k -> new ArrayList<>()).add(checked);
            }
        }
        byNamespace.values().forEach(list -> list.sort(CheckedAuthorizationPolicy::olderFirst));
    }

    /** The policies that select a workload with {@code labels} in {@code namespace}, in Istio's order. */
    List<CheckedAuthorizationPolicy> forWorkload(String namespace, Map<String, String> labels) {
        var selected = new ArrayList<CheckedAuthorizationPolicy>();
        for (var space : namespace.equals(rootNamespace) ? List.of(namespace) : List.of(rootNamespace, namespace)) {
            for (var policy : byNamespace.getOrDefault(space, List.of())) {
                if (labels.entrySet().containsAll(policy.selector().entrySet())) {
                    selected.add(policy);
                }
            }
        }
        selected.sort(CheckedAuthorizationPolicy::olderFirst);
        return selected;
    }

    /**
     * The HTTP-only fields of {@code policies} on a workload with a TCP port among {@code inbound}, as warnings: there an
     * ALLOW rule with one matches nothing and a DENY rule applies without it, as Istio's TCP filter does.
     */
    static void reportHttpOnly(List<CheckedAuthorizationPolicy> policies, List<InboundPort> inbound, List<Problem> problems) {
        var tcpPort = 0;
        for (var port : inbound) {
            if (port.protocol() != Protocol.HTTP) {
                tcpPort = port.port();
                break;
            }
        }
        if (tcpPort == 0) {
            return;
        }
        for (var policy : policies) {
            var consequence = policy.policy().action() == AuthzAction.ALLOW ? "its ALLOW rule matches nothing there"
                    : "its " + policy.policy().action() + " rule applies there without it";
            for (var field : policy.httpOnlyFields()) {
                problems.add(Problem.ignored(KIND, policy.namespace(), policy.name(), field, null,
                        "is HTTP only and the workloads it selects serve TCP on port " + tcpPort + ": " + consequence + ", as Istio's"));
            }
        }
    }

    private static CheckedAuthorizationPolicy check(AuthorizationPolicy resource, List<Problem> problems) {
        var namespace = MeshIndex.namespace(resource);
        var name = resource.getMetadata().getName();
        try {
            var created = DestinationRuleChecker.created(resource.getMetadata().getCreationTimestamp());
            var spec = resource.getSpec();
            var report = new Report(namespace, name, problems);
            if (spec != null && (spec.getTargetRef() != null || spec.getTargetRefs() != null && !spec.getTargetRefs().isEmpty())) {
                problems.add(Problem.ignored(KIND, namespace, name, spec.getTargetRef() != null ? "spec.targetRef" : "spec.targetRefs", null,
                        "attaches the policy to gateways or waypoints; sidecars do not apply it, as Istio's do not"));
                return null;
            }
            var selector = spec == null || spec.getSelector() == null || spec.getSelector().getMatchLabels() == null
                    ? Map.<String, String>of() : Map.copyOf(spec.getSelector().getMatchLabels());
            if (spec != null) {
                report.unknown("spec", spec.getAdditionalProperties(), "ignored");
            }
            var action = action(spec == null ? null : spec.getAction(), report);
            var rules = new ArrayList<AuthzRule>();
            var httpOnly = new ArrayList<String>();
            var written = spec == null || spec.getRules() == null ? List.<Rule>of() : spec.getRules();
            for (var i = 0; i < written.size(); i++) {
                if (written.get(i) == null) {
                    continue;
                }
                var rule = new RuleChecker(report, action, namespace, "spec.rules[" + i + "]").check(written.get(i), httpOnly);
                if (rule != null) {
                    rules.add(rule);
                }
            }
            var policy = new AuthzPolicy(namespace, name, action, dryRun(resource, report), rules);
            return new CheckedAuthorizationPolicy(namespace, name, created, selector, policy, List.copyOf(httpOnly));
        } catch (InvalidField e) {
            problems.add(Problem.invalid(KIND, namespace, name, e.field, e.value, e.getMessage()));
            return null;
        }
    }

    private static AuthzAction action(AuthorizationPolicyAction written, Report report) {
        if (written == null) {
            return AuthzAction.ALLOW;
        }
        return switch (written) {
            case ALLOW -> AuthzAction.ALLOW;
            case DENY -> AuthzAction.DENY;
            case AUDIT -> AuthzAction.AUDIT;
            case CUSTOM -> {
                report.problems.add(Problem.ignored(KIND, report.namespace, report.name, "spec.action", "CUSTOM",
                        "is not supported (this mesh has no external authorizer): the policy's rules deny, as istiod's do when it cannot find"
                                + " the CUSTOM provider"));
                yield AuthzAction.DENY;
            }
        };
    }

    /** Istio's {@code istio.io/dry-run} annotation, read as Go's strconv.ParseBool; anything else is reported and is false. */
    private static boolean dryRun(AuthorizationPolicy resource, Report report) {
        var annotations = resource.getMetadata().getAnnotations();
        var value = annotations == null ? null : annotations.get(DRY_RUN);
        if (value == null) {
            return false;
        }
        return switch (value) {
            case "1", "t", "T", "true", "TRUE", "True" -> true;
            case "0", "f", "F", "false", "FALSE", "False" -> false;
            default -> {
                report.problems.add(Problem.ignored(KIND, report.namespace, report.name, "metadata.annotations[" + DRY_RUN + "]", value,
                        "is not a boolean; the policy is enforced"));
                yield false;
            }
        };
    }

    /** Where a resource's problems go. */
    private record Report(String namespace, String name, List<Problem> problems) {

        void unknown(String at, Map<String, Object> additional, String consequence) {
            if (additional != null) {
                for (var field : additional.keySet()) {
                    problems.add(Problem.ignored(KIND, namespace, name, at + "." + field, null, "is not a field this mesh knows; " + consequence));
                }
            }
        }
    }

    /**
     * One rule: its conditions, checked value by value. {@code dropped} is set when the rule is an ALLOW rule with
     * something it cannot enforce; the rule is then left out.
     */
    private static final class RuleChecker {
        private final Report report;
        private final AuthzAction action;
        private final String policyNamespace;
        private final String at;
        private boolean dropped;

        RuleChecker(Report report, AuthzAction action, String policyNamespace, String at) {
            this.report = report;
            this.action = action;
            this.policyNamespace = policyNamespace;
            this.at = at;
        }

        AuthzRule check(Rule rule, List<String> httpOnly) {
            unknown(at, rule.getAdditionalProperties());
            var from = new ArrayList<List<AuthzCondition>>();
            var sources = rule.getFrom() == null ? List.<io.fabric8.istio.api.api.security.v1beta1.RuleFrom>of() : rule.getFrom();
            for (var j = 0; j < sources.size(); j++) {
                var field = at + ".from[" + j + "]";
                var entry = sources.get(j);
                unknown(field, entry == null ? null : entry.getAdditionalProperties());
                var source = entry == null ? null : entry.getSource();
                if (source != null) {
                    unknown(field + ".source", source.getAdditionalProperties());
                }
                from.add(section(field + ".source", AuthzAttribute.Section.SOURCE, source == null ? Map.of() : fields(source), httpOnly));
            }
            var to = new ArrayList<List<AuthzCondition>>();
            var operations = rule.getTo() == null ? List.<io.fabric8.istio.api.api.security.v1beta1.RuleTo>of() : rule.getTo();
            for (var j = 0; j < operations.size(); j++) {
                var field = at + ".to[" + j + "]";
                var entry = operations.get(j);
                unknown(field, entry == null ? null : entry.getAdditionalProperties());
                var operation = entry == null ? null : entry.getOperation();
                if (operation != null) {
                    unknown(field + ".operation", operation.getAdditionalProperties());
                }
                to.add(section(field + ".operation", AuthzAttribute.Section.OPERATION, operation == null ? Map.of() : fields(operation), httpOnly));
            }
            var when = new ArrayList<AuthzCondition>();
            var conditions = rule.getWhen() == null ? List.<Condition>of() : rule.getWhen();
            for (var k = 0; k < conditions.size(); k++) {
                var condition = when(at + ".when[" + k + "]", conditions.get(k), httpOnly);
                if (condition != null) {
                    when.add(condition);
                }
            }
            return dropped ? null : new AuthzRule(from, to, when);
        }

        private List<AuthzCondition> section(String field, AuthzAttribute.Section section, Map<String, List<String>> written,
                                             List<String> httpOnly) {
            var conditions = new ArrayList<AuthzCondition>();
            for (var attribute : AuthzAttribute.values()) {
                if (attribute.section() != section) {
                    continue;
                }
                var values = values(field + "." + attribute.field(), attribute, written.get(attribute.field()));
                var notValues = values(field + "." + attribute.notField(), attribute, written.get(attribute.notField()));
                if (values.isEmpty() && notValues.isEmpty()) {
                    continue;
                }
                if (attribute.httpOnly()) {
                    httpOnly.add(field + "." + (values.isEmpty() ? attribute.notField() : attribute.field()));
                }
                conditions.add(new AuthzCondition(attribute, List.of(), values, notValues));
            }
            return conditions;
        }

        private AuthzCondition when(String field, Condition condition, List<String> httpOnly) {
            if (condition == null) {
                return null;
            }
            unknown(field, condition.getAdditionalProperties());
            var key = condition.getKey() == null ? "" : condition.getKey();
            AuthzCondition parsed;
            try {
                parsed = AuthzCondition.when(key, List.of(), List.of());
            } catch (IllegalArgumentException e) {
                cannotEnforce(field + ".key", key, e.getMessage());
                return null;
            }
            var values = values(field + ".values", parsed.attribute(), condition.getValues());
            var notValues = values(field + ".notValues", parsed.attribute(), condition.getNotValues());
            if (values.isEmpty() && notValues.isEmpty()) {
                if (nullOrEmpty(condition.getValues()) && nullOrEmpty(condition.getNotValues())) {
                    cannotEnforce(field, key, "has neither values nor notValues");
                }
                return null;
            }
            if (parsed.attribute().httpOnly()) {
                httpOnly.add(field);
            }
            return new AuthzCondition(parsed.attribute(), parsed.names(), values, notValues);
        }

        /** The values that can be enforced; each other one is reported (and drops an ALLOW rule). */
        private List<String> values(String field, AuthzAttribute attribute, List<String> written) {
            if (written == null) {
                return List.of();
            }
            var kept = new ArrayList<String>(written.size());
            for (var i = 0; i < written.size(); i++) {
                var value = written.get(i) == null ? "" : written.get(i);
                var why = attribute.whyInvalid(value);
                if (why != null) {
                    cannotEnforce(field + "[" + i + "]", value, why);
                } else {
                    kept.add(attribute == AuthzAttribute.SOURCE_SERVICE_ACCOUNT && !value.contains("/") ? policyNamespace + "/" + value : value);
                }
            }
            return kept;
        }

        private void unknown(String field, Map<String, Object> additional) {
            if (additional != null) {
                for (var name : additional.keySet()) {
                    cannotEnforce(field + "." + name, null, "is not a field this mesh knows");
                }
            }
        }

        private void cannotEnforce(String field, String value, String why) {
            dropped |= action == AuthzAction.ALLOW;
            report.problems.add(Problem.ignored(KIND, report.namespace, report.name, field, value, why + "; "
                    + (action == AuthzAction.ALLOW ? "this ALLOW rule matches nothing" : "this " + action + " rule applies without it")));
        }

        private static boolean nullOrEmpty(List<String> list) {
            return list == null || list.isEmpty();
        }

        private static Map<String, List<String>> fields(Source source) {
            var fields = new LinkedHashMap<String, List<String>>();
            put(fields, "principals", source.getPrincipals());
            put(fields, "notPrincipals", source.getNotPrincipals());
            put(fields, "namespaces", source.getNamespaces());
            put(fields, "notNamespaces", source.getNotNamespaces());
            put(fields, "serviceAccounts", source.getServiceAccounts());
            put(fields, "notServiceAccounts", source.getNotServiceAccounts());
            put(fields, "ipBlocks", source.getIpBlocks());
            put(fields, "notIpBlocks", source.getNotIpBlocks());
            put(fields, "remoteIpBlocks", source.getRemoteIpBlocks());
            put(fields, "notRemoteIpBlocks", source.getNotRemoteIpBlocks());
            put(fields, "requestPrincipals", source.getRequestPrincipals());
            put(fields, "notRequestPrincipals", source.getNotRequestPrincipals());
            return fields;
        }

        private static Map<String, List<String>> fields(Operation operation) {
            var fields = new LinkedHashMap<String, List<String>>();
            put(fields, "hosts", operation.getHosts());
            put(fields, "notHosts", operation.getNotHosts());
            put(fields, "methods", operation.getMethods());
            put(fields, "notMethods", operation.getNotMethods());
            put(fields, "paths", operation.getPaths());
            put(fields, "notPaths", operation.getNotPaths());
            put(fields, "ports", operation.getPorts());
            put(fields, "notPorts", operation.getNotPorts());
            return fields;
        }

        private static void put(Map<String, List<String>> fields, String name, List<String> values) {
            if (values != null && !values.isEmpty()) {
                fields.put(name, values);
            }
        }
    }
}
