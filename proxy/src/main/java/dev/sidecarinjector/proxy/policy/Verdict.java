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

    /**
     * The log line of this verdict for {@code what} (the request or connection, as the caller describes it), or null
     * when there is nothing to say (allowed, nothing audited, no dry-run opinion): one line per denial.
     */
    public String logLine(String what) {
        if (this == ALLOWED || denied == null && audited == null && shadowDenied == null) {
            return null;
        }
        var line = new StringBuilder("rbac: ");
        line.append(denied != null ? "denied " : "allowed ").append(what);
        if (denied != null) {
            line.append(denied.equals(NO_MATCH) ? ": no ALLOW rule matched" : " by " + denied);
        }
        if (audited != null) {
            line.append("; audited by ").append(audited);
        }
        if (shadowDenied != null) {
            line.append("; dry run: ").append(shadowDenied.equals(NO_MATCH) ? "no ALLOW rule would match" : "would be denied by " + shadowDenied);
        }
        return line.toString();
    }
}
