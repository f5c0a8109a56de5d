package dev.sidecarinjector.proxy.policy;

/**
 * The outcome of the inbound AuthorizationPolicies for one request or connection: {@code denied} names the rule that
 * denied it (Envoy's {@code ns[NS]-policy[NAME]-rule[N]}, or {@code none} when ALLOW policies exist and no rule
 * matched), null when it is allowed; {@code audited} the first AUDIT rule that matched; {@code shadowDenied} what a
 * dry-run policy would have done (the same names), for the log and the metrics only.
 */
public record Verdict(String denied, String audited, String shadowDenied) {

    /** Allowed, nothing audited, no dry-run opinion. */
    public static final Verdict ALLOWED = new Verdict(null, null, null);
    /** Envoy's name when ALLOW policies exist and none matched. */
    public static final String NO_MATCH = "none";

    public boolean allowed() {
        return denied == null;
    }
}
