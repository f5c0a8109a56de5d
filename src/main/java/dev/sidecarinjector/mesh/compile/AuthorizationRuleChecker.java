package dev.sidecarinjector.mesh.compile;

import dev.sidecarinjector.api.snapshot.AuthzAction;
import dev.sidecarinjector.api.snapshot.AuthzAttribute;
import dev.sidecarinjector.api.snapshot.AuthzCondition;
import dev.sidecarinjector.api.snapshot.AuthzRule;
import io.fabric8.istio.api.api.security.v1beta1.Condition;
import io.fabric8.istio.api.api.security.v1beta1.Operation;
import io.fabric8.istio.api.api.security.v1beta1.Rule;
import io.fabric8.istio.api.api.security.v1beta1.Source;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One AuthorizationPolicy rule checked value by value into the snapshot's form. What cannot be enforced is reported
 * on the resource and, in an ALLOW rule, drops the rule (it then matches nothing); a DENY or AUDIT rule goes without
 * it, as istiod's builder does with a rule error ({@link AuthorizationPolicies}).
 */
final class AuthorizationRuleChecker {

    /** Where a resource's problems go. */
    record Report(String namespace, String name, List<Problem> problems) {

        void unknown(String at, Map<String, Object> additional, String consequence) {
            if (additional != null) {
                for (var field : additional.keySet()) {
                    problems.add(Problem.ignored(AuthorizationPolicies.KIND, namespace, name, at + "." + field, null,
                            "is not a field this mesh knows; " + consequence));
                }
            }
        }
    }

    private final Report report;
    private final AuthzAction action;
    private final String policyNamespace;
    private final String at;
    private boolean dropped;

    AuthorizationRuleChecker(Report report, AuthzAction action, String policyNamespace, String at) {
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
                if (attribute == AuthzAttribute.METHOD && !value.equals(value.toUpperCase(Locale.ROOT))) {
                    // Istio compares methods as written too; a request's method is upper case, so this value matches none.
                    report.problems().add(Problem.ignored(AuthorizationPolicies.KIND, report.namespace(), report.name(), field + "[" + i + "]", value,
                            "matches no request: methods are compared as written, and requests send them in upper case; did you mean "
                                    + value.toUpperCase(Locale.ROOT) + "?"));
                }
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
        report.problems().add(Problem.ignored(AuthorizationPolicies.KIND, report.namespace(), report.name(), field, value, why + "; "
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
