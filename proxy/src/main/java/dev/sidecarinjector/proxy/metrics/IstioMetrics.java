package dev.sidecarinjector.proxy.metrics;

import dev.sidecarinjector.api.snapshot.ServiceRef;
import dev.sidecarinjector.api.snapshot.Workload;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Istio's standard metrics ({@code istio_requests_total}, the request histograms and the four TCP counters) with
 * Istio's labels, in its order, so that Istio's Grafana dashboards and Kiali read this proxy as they read Envoy. The
 * traffic path asks for a series once per request or connection (or keeps it) and records into it without locks.
 * Labels, and what is "unknown" and why: docs/proxy.md, "Istio metrics".
 */
public final class IstioMetrics {
    static final String REQUESTS = "istio_requests_total";
    static final String DURATION = "istio_request_duration_milliseconds";
    static final String REQUEST_BYTES = "istio_request_bytes";
    static final String RESPONSE_BYTES = "istio_response_bytes";
    static final String TCP_SENT = "istio_tcp_sent_bytes_total";
    static final String TCP_RECEIVED = "istio_tcp_received_bytes_total";
    static final String TCP_OPENED = "istio_tcp_connections_opened_total";
    static final String TCP_CLOSED = "istio_tcp_connections_closed_total";
    /**
     * Distinct authorities (Host headers) that may name a series when there is no service. The client chooses them, so
     * without a bound a client could grow the proxy's heap one series at a time; past it they are "unknown".
     */
    static final int MAX_AUTHORITIES = 256;

    private final SeriesTable<HttpSeries> http = new SeriesTable<>();
    private final SeriesTable<TcpSeries> tcp = new SeriesTable<>();
    private final ConcurrentHashMap<String, Boolean> authorities = new ConcurrentHashMap<>();
    private volatile Workload self;

    public IstioMetrics() {
    }

    /** The proxy's own workload, set on each snapshot swap (null: unknown). Handles made afterwards use it. */
    public void self(Workload self) {
        this.self = self;
    }

    /**
     * Handle for HTTP requests this proxy sends (reporter=source) to a destination workload (null: unknown) of a
     * service (null: unknown). protocol "http" (later "grpc").
     */
    public HttpSeries outboundHttp(Workload destination, ServiceRef service, String protocol) {
        return outboundHttp(destination, service, null, protocol);
    }

    /**
     * As {@link #outboundHttp(Workload, ServiceRef, String)}; without a service, {@code authority} (the request's
     * Host) names the destination service, as Istio's Host header fallback does. Ignored when there is a service.
     */
    public HttpSeries outboundHttp(Workload destination, ServiceRef service, String authority, String protocol) {
        return http(false, destination, service, authority, protocol);
    }

    /** Handle for HTTP requests this proxy receives for its own workload (reporter=destination); source unknown without mTLS. */
    public HttpSeries inboundHttp(ServiceRef service, String protocol) {
        return inboundHttp(service, null, protocol);
    }

    /** As {@link #inboundHttp(ServiceRef, String)}, with the request's Host for when there is no service. */
    public HttpSeries inboundHttp(ServiceRef service, String authority, String protocol) {
        return http(true, null, service, authority, protocol);
    }

    /** Handle for TCP connections this proxy opens (reporter=source) to a destination workload (null: unknown) of a service (null: unknown). */
    public TcpSeries outboundTcp(Workload destination, ServiceRef service) {
        return tcp(false, destination, service);
    }

    /** Handle for TCP connections this proxy accepts for its own workload (reporter=destination). */
    public TcpSeries inboundTcp(ServiceRef service) {
        return tcp(true, null, service);
    }

    private HttpSeries http(boolean inbound, Workload peer, ServiceRef service, String authority, String protocol) {
        Workload me = self;
        String host = service != null || authority == null || authority.isEmpty() ? null : authority;
        var key = new SeriesKey(inbound, me, peer, service, host, protocol);
        HttpSeries series = http.get(key);
        if (series != null) {
            return series;
        }
        if (host != null && !admitted(host)) {
            return http(inbound, peer, service, null, protocol);
        }
        String labels = inbound ? IstioLabels.inbound(me, service, host, protocol)
                : IstioLabels.outbound(me, peer, service, host, protocol);
        String policy = inbound ? IstioLabels.POLICY_INBOUND : IstioLabels.POLICY_OUTBOUND;
        return http.intern(key, labels, new HttpSeries(labels, policy));
    }

    private TcpSeries tcp(boolean inbound, Workload peer, ServiceRef service) {
        Workload me = self;
        var key = new SeriesKey(inbound, me, peer, service, null, "tcp");
        TcpSeries series = tcp.get(key);
        if (series != null) {
            return series;
        }
        String labels = inbound ? IstioLabels.inbound(me, service, null, "tcp")
                : IstioLabels.outbound(me, peer, service, null, "tcp");
        String policy = inbound ? IstioLabels.POLICY_INBOUND : IstioLabels.POLICY_OUTBOUND;
        return tcp.intern(key, labels, new TcpSeries(labels, policy));
    }

    private boolean admitted(String authority) {
        if (authorities.containsKey(authority)) {
            return true;
        }
        if (authorities.size() >= MAX_AUTHORITIES) {
            return false;
        }
        authorities.putIfAbsent(authority, Boolean.TRUE);
        return true;
    }

    /** Appends every istio_* family (HELP/TYPE once per family) in Prometheus text format; a family with no series is left out. */
    public void render(StringBuilder out) {
        if (!http.isEmpty()) {
            header(out, REQUESTS, "counter", "Requests handled, by source, destination and outcome.");
            for (HttpSeries s : http.all()) {
                s.renderRequests(out, REQUESTS);
            }
            histogram(out, DURATION, "Request duration in milliseconds, until the response is complete.",
                    RequestOutcome.DURATION);
            histogram(out, REQUEST_BYTES, "Request size in bytes, as received from the client.", RequestOutcome.REQUEST_BYTES);
            histogram(out, RESPONSE_BYTES, "Response size in bytes, as sent to the client.", RequestOutcome.RESPONSE_BYTES);
        }
        if (!tcp.isEmpty()) {
            header(out, TCP_SENT, "counter", "Bytes sent to the downstream client on TCP connections.");
            for (TcpSeries s : tcp.all()) {
                s.renderSent(out, TCP_SENT);
            }
            header(out, TCP_RECEIVED, "counter", "Bytes received from the downstream client on TCP connections.");
            for (TcpSeries s : tcp.all()) {
                s.renderReceived(out, TCP_RECEIVED);
            }
            header(out, TCP_OPENED, "counter", "TCP connections opened.");
            for (TcpSeries s : tcp.all()) {
                s.renderOpened(out, TCP_OPENED);
            }
            header(out, TCP_CLOSED, "counter", "TCP connections closed, by response flag.");
            for (TcpSeries s : tcp.all()) {
                s.renderClosed(out, TCP_CLOSED);
            }
        }
    }

    private void histogram(StringBuilder out, String name, String help, int histogram) {
        header(out, name, "histogram", help);
        for (HttpSeries s : http.all()) {
            s.renderHistogram(out, name, histogram);
        }
    }

    private static void header(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }
}
