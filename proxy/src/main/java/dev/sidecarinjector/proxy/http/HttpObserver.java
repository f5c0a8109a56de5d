package dev.sidecarinjector.proxy.http;

import dev.sidecarinjector.api.snapshot.ServiceRef;
import dev.sidecarinjector.api.snapshot.Workload;
import dev.sidecarinjector.proxy.mesh.ResponseFlag;
import dev.sidecarinjector.proxy.policy.Verdict;

/**
 * Told of every HTTP request the engine finished, on the event loop that served it: the Istio metrics (and,
 * later, the access log) hang off this. {@code service} and {@code peer} may be null (unknown); {@code status}
 * is 0 when no response was sent (the client went away first); {@code mtlsPrincipal} is the mutual TLS peer's
 * principal (the client inbound, the endpoint outbound), null when the connection was plaintext.
 */
public interface HttpObserver {

    void completed(boolean inbound, ServiceRef service, Workload peer, int status, ResponseFlag flag, long durationNanos,
                   long requestBytes, long responseBytes, String mtlsPrincipal);

    /** Told of the inbound AuthorizationPolicies' verdict on a request, on a port some policy applies to. */
    default void authorized(Verdict verdict) {
    }

    /** Told of a request an inbound local rate limit refused (429): the policy and the limit ({@code total}, ...). */
    default void rateLimited(String policy, String scope) {
    }

    HttpObserver NONE = new Ignore();

    /** A named class, not a lambda: see docs/proxy.md. */
    final class Ignore implements HttpObserver {
        @Override
        public void completed(boolean inbound, ServiceRef service, Workload peer, int status, ResponseFlag flag,
                              long durationNanos, long requestBytes, long responseBytes, String mtlsPrincipal) {
        }
    }
}
