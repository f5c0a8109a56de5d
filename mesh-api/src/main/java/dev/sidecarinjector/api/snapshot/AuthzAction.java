package dev.sidecarinjector.api.snapshot;

/**
 * What an AuthorizationPolicy does with a request its rules match, as Istio evaluates them: any matching DENY
 * denies; AUDIT only logs; with at least one ALLOW policy for the workload a matching ALLOW rule is needed. Istio's
 * CUSTOM needs an external authorizer this mesh does not have: the control plane compiles it as DENY, as istiod does
 * for a CUSTOM policy whose provider it cannot find.
 */
public enum AuthzAction {
    ALLOW,
    DENY,
    AUDIT
}
