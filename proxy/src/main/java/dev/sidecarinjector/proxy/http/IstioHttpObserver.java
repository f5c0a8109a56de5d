package dev.sidecarinjector.proxy.http;

import dev.sidecarinjector.api.snapshot.ServiceRef;
import dev.sidecarinjector.api.snapshot.Workload;
import dev.sidecarinjector.proxy.mesh.ResponseFlag;
import dev.sidecarinjector.proxy.metrics.IstioMetrics;
import dev.sidecarinjector.proxy.policy.Verdict;

/**
 * Counts every finished HTTP request in Istio's standard metrics (reporter source outbound, destination inbound), and
 * the inbound AuthorizationPolicies' verdicts.
 */
public record IstioHttpObserver(IstioMetrics istio) implements HttpObserver {

    private static final String PROTOCOL = "http";

    @Override
    public void completed(boolean inbound, ServiceRef service, Workload peer, int status, ResponseFlag flag,
                          long durationNanos, long requestBytes, long responseBytes, String mtlsPrincipal) {
        var series = inbound ? istio.inboundHttp(service, null, PROTOCOL, mtlsPrincipal)
                : istio.outboundHttp(peer, service, null, PROTOCOL, mtlsPrincipal);
        series.record(status, flag, durationNanos, requestBytes, responseBytes);
    }

    @Override
    public void authorized(Verdict verdict) {
        istio.rbac().record(verdict, false);
    }

    @Override
    public void rateLimited(String policy, String scope) {
        istio.rateLimits().limited(policy, scope);
    }
}
