package dev.sidecarinjector.proxy.policy;

/** One compiled condition of a rule: true when the request passes it. Named classes, no lambdas (docs/proxy.md). */
interface Check {

    boolean passes(AccessRequest request);

    /** Every check of a list passes (an empty list: always). */
    static boolean all(Check[] checks, AccessRequest request) {
        for (var check : checks) {
            if (!check.passes(request)) {
                return false;
            }
        }
        return true;
    }
}
