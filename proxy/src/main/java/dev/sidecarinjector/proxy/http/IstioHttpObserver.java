package dev.sidecarinjector.proxy.http;

import dev.sidecarinjector.api.snapshot.ServiceRef;
import dev.sidecarinjector.api.snapshot.Workload;
import dev.sidecarinjector.proxy.mesh.ResponseFlag;
import dev.sidecarinjector.proxy.metrics.IstioMetrics;

/** Counts every finished HTTP request in Istio's standard metrics: reporter source outbound, destination inbound. */
public record IstioHttpObserver(IstioMetrics istio) implements HttpObserver {

    private static final String PROTOCOL = "http";

    @Override
    public void completed(boolean inbound, ServiceRef service, Workload peer, int status, ResponseFlag flag,
                          long durationNanos, long requestBytes, long responseBytes) {
        var series = inbound ? istio.inboundHttp(service, PROTOCOL) : istio.outboundHttp(peer, service, PROTOCOL);
        series.record(status, flag, durationNanos, requestBytes, responseBytes);
    }
}
