package dev.sidecarinjector.proxy.policy;

import dev.sidecarinjector.api.snapshot.AuthzAction;
import dev.sidecarinjector.api.snapshot.AuthzCondition;
import dev.sidecarinjector.api.snapshot.AuthzPolicy;
import dev.sidecarinjector.api.snapshot.AuthzRule;
import java.util.ArrayList;
import java.util.List;

/**
 * A workload's AuthorizationPolicies compiled once per snapshot for one kind of port (HTTP, or TCP), and evaluated in
 * Istio's order: AUDIT rules are only noted; any matching DENY rule denies; when the workload has ALLOW policies, a
 * matching ALLOW rule is needed (an ALLOW policy without rules allows nothing). Dry-run policies are evaluated beside
 * the enforced ones and never change the outcome.
 *
 * <p>On a TCP port Istio's HTTP-only attributes cannot be known, and istiod's TCP filter treats a rule using one as it
 * treats any rule it cannot build: an ALLOW rule is dropped (it matches nothing), a DENY or AUDIT rule is applied
 * without those conditions (it matches more). Pure: no I/O, no Netty, safe from any thread.
 */
public final class Authorizer {

    /** No policy: every request is allowed, nothing is evaluated. */
    public static final Authorizer NONE = new Authorizer(new Rule[0], new Rule[0], new Rule[0], false, new Rule[0], new Rule[0], false);

    private final Rule[] audit;
    private final Rule[] deny;
    private final Rule[] allow;
    private final boolean enforcesAllow;
    private final Rule[] shadowDeny;
    private final Rule[] shadowAllow;
    private final boolean shadowsAllow;

    private Authorizer(Rule[] audit, Rule[] deny, Rule[] allow, boolean enforcesAllow, Rule[] shadowDeny, Rule[] shadowAllow,
                       boolean shadowsAllow) {
        this.audit = audit;
        this.deny = deny;
        this.allow = allow;
        this.enforcesAllow = enforcesAllow;
        this.shadowDeny = shadowDeny;
        this.shadowAllow = shadowAllow;
        this.shadowsAllow = shadowsAllow;
    }

    /** Compiles {@code policies} (in Istio's order) for an HTTP port, or a TCP port when {@code tcp}. */
    public static Authorizer compile(List<AuthzPolicy> policies, boolean tcp) {
        if (policies.isEmpty()) {
            return NONE;
        }
        var audit = new ArrayList<Rule>();
        var deny = new ArrayList<Rule>();
        var allow = new ArrayList<Rule>();
        var shadowDeny = new ArrayList<Rule>();
        var shadowAllow = new ArrayList<Rule>();
        var enforcesAllow = false;
        var shadowsAllow = false;
        for (var policy : policies) {
            var into = switch (policy.action()) {
                case AUDIT -> policy.dryRun() ? null : audit;
                case DENY -> policy.dryRun() ? shadowDeny : deny;
                case ALLOW -> policy.dryRun() ? shadowAllow : allow;
            };
            if (policy.action() == AuthzAction.ALLOW) {
                enforcesAllow |= !policy.dryRun();
                shadowsAllow |= policy.dryRun();
            }
            if (into == null) {
                continue;
            }
            for (var i = 0; i < policy.rules().size(); i++) {
                var rule = Rule.compile(policy, i, tcp);
                if (rule != null) {
                    into.add(rule);
                }
            }
        }
        return new Authorizer(audit.toArray(Rule[]::new), deny.toArray(Rule[]::new), allow.toArray(Rule[]::new), enforcesAllow,
                shadowDeny.toArray(Rule[]::new), shadowAllow.toArray(Rule[]::new), shadowsAllow);
    }

    /** Whether any policy applies: without one the caller need not build a request at all. */
    public boolean isEmpty() {
        return this == NONE;
    }

    public Verdict check(AccessRequest request) {
        var audited = first(audit, request);
        var denied = first(deny, request);
        if (denied == null && enforcesAllow && first(allow, request) == null) {
            denied = Verdict.NO_MATCH;
        }
        String shadow = null;
        if (shadowDeny.length > 0 || shadowsAllow) {
            shadow = first(shadowDeny, request);
            if (shadow == null && shadowsAllow && first(shadowAllow, request) == null) {
                shadow = Verdict.NO_MATCH;
            }
        }
        return denied == null && audited == null && shadow == null ? Verdict.ALLOWED : new Verdict(denied, audited, shadow);
    }

    /** The id of the first rule of {@code rules} that matches, or null. */
    private static String first(Rule[] rules, AccessRequest request) {
        for (var rule : rules) {
            if (rule.matches(request)) {
                return rule.id;
            }
        }
        return null;
    }

    /** One rule: every {@code when} check, one of the {@code to} entries (if any), one of the {@code from} entries (if any). */
    private static final class Rule {
        final String id;
        private final Check[] when;
        private final Check[][] to;
        private final Check[][] from;

        private Rule(String id, Check[] when, Check[][] to, Check[][] from) {
            this.id = id;
            this.when = when;
            this.to = to;
            this.from = from;
        }

        /** Null when the rule is dropped: an ALLOW rule with an HTTP-only condition on a TCP port. */
        static Rule compile(AuthzPolicy policy, int index, boolean tcp) {
            var rule = policy.rules().get(index);
            if (tcp && policy.action() == AuthzAction.ALLOW && usesHttp(rule)) {
                return null;
            }
            return new Rule(policy.ruleId(index), checks(rule.when(), tcp), entries(rule.to(), tcp), entries(rule.from(), tcp));
        }

        private static boolean usesHttp(AuthzRule rule) {
            for (var entries : List.of(rule.from(), rule.to(), List.of(rule.when()))) {
                for (var entry : entries) {
                    for (var condition : entry) {
                        if (condition.attribute().httpOnly()) {
                            return true;
                        }
                    }
                }
            }
            return false;
        }

        private static Check[][] entries(List<List<AuthzCondition>> entries, boolean tcp) {
            var out = new Check[entries.size()][];
            for (var i = 0; i < out.length; i++) {
                out[i] = checks(entries.get(i), tcp);
            }
            return out;
        }

        private static Check[] checks(List<AuthzCondition> conditions, boolean tcp) {
            var out = new ArrayList<Check>(conditions.size());
            for (var condition : conditions) {
                if (!(tcp && condition.attribute().httpOnly())) {
                    out.add(ValueCheck.compile(condition));
                }
            }
            return out.toArray(Check[]::new);
        }

        boolean matches(AccessRequest request) {
            return Check.all(when, request) && any(to, request) && any(from, request);
        }

        private static boolean any(Check[][] entries, AccessRequest request) {
            if (entries.length == 0) {
                return true;
            }
            for (var entry : entries) {
                if (Check.all(entry, request)) {
                    return true;
                }
            }
            return false;
        }
    }
}
