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
    private final RbacMetrics rbac = new RbacMetrics();
    private final RateLimitMetrics rateLimits = new RateLimitMetrics();
    private volatile Workload self;
    /** This proxy's own principal from its workload certificate, for the series of mutual TLS traffic. */
    private volatile String selfPrincipal;

    public IstioMetrics() {
    }

    /** The proxy's own workload, set on each snapshot swap (null: unknown). Handles made afterwards use it. */
    public void self(Workload self) {
        this.self = self;
    }

    /**
     * This proxy's principal ({@code cluster.local/ns/NS/sa/SA}) from its workload certificate, set when one is
     * installed: mutual TLS series name it as the source (outbound) or destination (inbound) principal, as Istio's do.
     */
    public void selfPrincipal(String principal) {
        this.selfPrincipal = principal;
    }

    /**
     * Handle for HTTP requests this proxy sends (reporter=source) to a destination workload (null: unknown) of a
     * service (null: unknown). protocol "http" (later "grpc").
     */
    public HttpSeries outboundHttp(Workload destination, ServiceRef service, String protocol) {
        return outboundHttp(destination, service, null, protocol, null);
    }

    /**
     * As {@link #outboundHttp(Workload, ServiceRef, String)}; without a service, {@code authority} (the request's
     * Host) names the destination service, as Istio's Host header fallback does. Ignored when there is a service.
     */
    public HttpSeries outboundHttp(Workload destination, ServiceRef service, String authority, String protocol) {
        return outboundHttp(destination, service, authority, protocol, null);
    }

    /**
     * As {@link #outboundHttp(Workload, ServiceRef, String, String)}, over mutual TLS when {@code mtlsPrincipal} is not
     * null: it is the peer's principal ({@code cluster.local/ns/NS/sa/SA}, empty when its certificate names none), the
     * {@code destination_principal}.
     */
    public HttpSeries outboundHttp(Workload destination, ServiceRef service, String authority, String protocol, String mtlsPrincipal) {
        return http(false, destination, service, authority, protocol, mtlsPrincipal);
    }

    /** Handle for HTTP requests this proxy receives for its own workload (reporter=destination) in plaintext. */
    public HttpSeries inboundHttp(ServiceRef service, String protocol) {
        return inboundHttp(service, null, protocol, null);
    }

    /** As {@link #inboundHttp(ServiceRef, String)}, with the request's Host for when there is no service. */
    public HttpSeries inboundHttp(ServiceRef service, String authority, String protocol) {
        return inboundHttp(service, authority, protocol, null);
    }

    /**
     * As {@link #inboundHttp(ServiceRef, String, String)}; over mutual TLS when {@code mtlsPrincipal} is not null: it is
     * the client's principal (empty when its certificate names none), the {@code source_principal}, and
     * {@code connection_security_policy} is {@code mutual_tls} instead of {@code none}.
     */
    public HttpSeries inboundHttp(ServiceRef service, String authority, String protocol, String mtlsPrincipal) {
        return http(true, null, service, authority, protocol, mtlsPrincipal);
    }

    /** Handle for TCP connections this proxy opens (reporter=source) to a destination workload (null: unknown) of a service (null: unknown). */
    public TcpSeries outboundTcp(Workload destination, ServiceRef service) {
        return outboundTcp(destination, service, null);
    }

    /** As {@link #outboundTcp(Workload, ServiceRef)}; {@code mtlsPrincipal} as for {@link #outboundHttp(Workload, ServiceRef, String, String, String)}. */
    public TcpSeries outboundTcp(Workload destination, ServiceRef service, String mtlsPrincipal) {
        return tcp(false, destination, service, mtlsPrincipal);
    }

    /** Handle for TCP connections this proxy accepts for its own workload (reporter=destination), in plaintext. */
    public TcpSeries inboundTcp(ServiceRef service) {
        return inboundTcp(service, null);
    }

    /** As {@link #inboundTcp(ServiceRef)}; {@code mtlsPrincipal} as for {@link #inboundHttp(ServiceRef, String, String, String)}. */
    public TcpSeries inboundTcp(ServiceRef service, String mtlsPrincipal) {
        return tcp(true, null, service, mtlsPrincipal);
    }

    private HttpSeries http(boolean inbound, Workload peer, ServiceRef service, String authority, String protocol, String principal) {
        Workload me = self;
        String host = service != null || authority == null || authority.isEmpty() ? null : authority;
        var key = new SeriesKey(inbound, me, peer, service, host, protocol, principal);
        HttpSeries series = http.get(key);
        if (series != null) {
            return series;
        }
        if (host != null && !admitted(host)) {
            return http(inbound, peer, service, null, protocol, principal);
        }
        String labels = labels(inbound, me, peer, service, host, protocol, principal);
        return http.intern(key, labels, new HttpSeries(labels, IstioLabels.policy(inbound, principal)));
    }

    private TcpSeries tcp(boolean inbound, Workload peer, ServiceRef service, String principal) {
        Workload me = self;
        var key = new SeriesKey(inbound, me, peer, service, null, "tcp", principal);
        TcpSeries series = tcp.get(key);
        if (series != null) {
            return series;
        }
        String labels = labels(inbound, me, peer, service, null, "tcp", principal);
        return tcp.intern(key, labels, new TcpSeries(labels, IstioLabels.policy(inbound, principal)));
    }

    /** Over mutual TLS ({@code principal} not null) both ends are known: the peer by its certificate, this proxy by its own. */
    private String labels(boolean inbound, Workload me, Workload peer, ServiceRef service, String host, String protocol, String principal) {
        String mine = principal == null ? null : selfPrincipal;
        return inbound ? IstioLabels.inbound(me, service, host, protocol, principal, mine)
                : IstioLabels.outbound(me, peer, service, host, protocol, mine, principal);
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

    /** The AuthorizationPolicy counters, rendered after the istio_* families. */
    public RbacMetrics rbac() {
        return rbac;
    }

    /** The local rate limit counters, rendered after the AuthorizationPolicy ones. */
    public RateLimitMetrics rateLimits() {
        return rateLimits;
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
        rbac.render(out);
        rateLimits.render(out);
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
