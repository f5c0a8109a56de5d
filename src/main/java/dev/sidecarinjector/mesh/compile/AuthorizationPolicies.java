package dev.sidecarinjector.mesh.compile;

import dev.sidecarinjector.api.snapshot.AuthzAction;
import dev.sidecarinjector.api.snapshot.AuthzPolicy;
import dev.sidecarinjector.api.snapshot.AuthzRule;
import dev.sidecarinjector.api.snapshot.InboundPort;
import dev.sidecarinjector.api.snapshot.Protocol;
import dev.sidecarinjector.mesh.index.MeshIndex;
import io.fabric8.istio.api.api.security.v1beta1.AuthorizationPolicyAction;
import io.fabric8.istio.api.api.security.v1beta1.Rule;
import io.fabric8.istio.api.security.v1.AuthorizationPolicy;
import java.util.ArrayList;
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

    private final WorkloadPolicies<CheckedAuthorizationPolicy> policies;

    AuthorizationPolicies(MeshIndex index, String rootNamespace, List<Problem> problems, LastGood lastGood) {
        this.policies = new WorkloadPolicies<>(rootNamespace);
        for (var resource : index.authorizationPolicies().values()) {
            var checked = lastGood.check(resource, problems, AuthorizationPolicies::check);
            if (checked != null) {
                policies.add(checked);
            }
        }
    }

    /** The policies that select a workload with {@code labels} in {@code namespace}, in Istio's order. */
    List<CheckedAuthorizationPolicy> forWorkload(String namespace, Map<String, String> labels) {
        return policies.forWorkload(namespace, labels);
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
            var report = new AuthorizationRuleChecker.Report(namespace, name, problems);
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
                var rule = new AuthorizationRuleChecker(report, action, namespace, "spec.rules[" + i + "]").check(written.get(i), httpOnly);
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

    private static AuthzAction action(AuthorizationPolicyAction written, AuthorizationRuleChecker.Report report) {
        if (written == null) {
            return AuthzAction.ALLOW;
        }
        return switch (written) {
            case ALLOW -> AuthzAction.ALLOW;
            case DENY -> AuthzAction.DENY;
            case AUDIT -> AuthzAction.AUDIT;
            case CUSTOM -> {
                report.problems().add(Problem.ignored(KIND, report.namespace(), report.name(), "spec.action", "CUSTOM",
                        "is not supported (this mesh has no external authorizer): the policy's rules deny, as istiod's do when it cannot find"
                                + " the CUSTOM provider"));
                yield AuthzAction.DENY;
            }
        };
    }

    /** Istio's {@code istio.io/dry-run} annotation, read as Go's strconv.ParseBool; anything else is reported and is false. */
    private static boolean dryRun(AuthorizationPolicy resource, AuthorizationRuleChecker.Report report) {
        var annotations = resource.getMetadata().getAnnotations();
        var value = annotations == null ? null : annotations.get(DRY_RUN);
        if (value == null) {
            return false;
        }
        return switch (value) {
            case "1", "t", "T", "true", "TRUE", "True" -> true;
            case "0", "f", "F", "false", "FALSE", "False" -> false;
            default -> {
                report.problems().add(Problem.ignored(KIND, report.namespace(), report.name(), "metadata.annotations[" + DRY_RUN + "]", value,
                        "is not a boolean; the policy is enforced"));
                yield false;
            }
        };
    }
}
