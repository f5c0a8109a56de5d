package dev.sidecarinjector.proxy.metrics;

import dev.sidecarinjector.api.snapshot.ServiceRef;
import dev.sidecarinjector.api.snapshot.Workload;

/**
 * The labels of one Istio series up to {@code request_protocol}, in the order Istio's stats filter
 * ({@code istio_stats.cc}) emits them, with the values it writes for what it does not know. The values are escaped for
 * the text format. Built once per series, never per request.
 */
final class IstioLabels {
    static final String UNKNOWN = "unknown";
    /** Istio's value for the canonical revision of a workload it does not know. */
    static final String LATEST = "latest";
    /** Istio's default {@code CLUSTER_ID}; this project runs in one cluster. */
    static final String CLUSTER_ID = "Kubernetes";
    /** As Istio: the client side does not report it; the server side says whether the connection was mutual TLS. */
    static final String POLICY_OUTBOUND = UNKNOWN;
    static final String POLICY_INBOUND = "none";
    static final String POLICY_MUTUAL_TLS = "mutual_tls";

    private IstioLabels() {
    }

    /**
     * {@code connection_security_policy}: {@code principal} is the mutual TLS peer's, or null for plaintext. As Istio's
     * stats filter, the server side says {@code mutual_tls} only when the peer's certificate names a principal.
     */
    static String policy(boolean inbound, String principal) {
        return !inbound ? POLICY_OUTBOUND : principal == null || principal.isEmpty() ? POLICY_INBOUND : POLICY_MUTUAL_TLS;
    }

    /**
     * reporter=source: this proxy is the client; the destination is an endpoint's workload, when known. Principals
     * ({@code cluster.local/ns/NS/sa/SA}) are known over mutual TLS only (null or empty: unknown).
     */
    static String outbound(Workload self, Workload destination, ServiceRef service, String authority, String protocol,
                           String sourcePrincipal, String destinationPrincipal) {
        var out = new StringBuilder(768);
        out.append("reporter=\"source\"");
        source(out, self, CLUSTER_ID, sourcePrincipal);
        String fallback = authority != null ? authority : UNKNOWN;
        String serviceNamespace = service != null ? service.namespace() : destination != null ? destination.namespace() : null;
        destination(out, destination, destination != null ? CLUSTER_ID : UNKNOWN, destinationPrincipal,
                service != null ? service.host() : fallback, service != null ? service.name() : fallback, serviceNamespace);
        label(out, "request_protocol", protocol, UNKNOWN);
        return out.toString();
    }

    /**
     * reporter=destination: this proxy serves its own workload; the client is known by its mutual TLS principal only,
     * as no metadata is exchanged. Principals as for {@link #outbound}.
     */
    static String inbound(Workload self, ServiceRef service, String authority, String protocol, String sourcePrincipal,
                          String destinationPrincipal) {
        var out = new StringBuilder(768);
        out.append("reporter=\"destination\"");
        source(out, null, UNKNOWN, sourcePrincipal);
        // Istio falls back to the Host header, then to the workload's canonical service.
        String fallback = authority != null ? authority : self != null ? self.canonicalService() : null;
        String serviceNamespace = service != null ? service.namespace() : self != null ? self.namespace() : null;
        destination(out, self, CLUSTER_ID, destinationPrincipal, service != null ? service.host() : fallback,
                service != null ? service.name() : fallback, serviceNamespace);
        label(out, "request_protocol", protocol, UNKNOWN);
        return out.toString();
    }

    /** source_app and source_version are the canonical service and revision: see docs/proxy.md, "Istio metrics". */
    private static void source(StringBuilder out, Workload w, String cluster, String principal) {
        label(out, "source_workload", w != null ? w.name() : null, UNKNOWN);
        label(out, "source_canonical_service", w != null ? w.canonicalService() : null, UNKNOWN);
        label(out, "source_canonical_revision", w != null ? w.canonicalRevision() : null, LATEST);
        label(out, "source_workload_namespace", w != null ? w.namespace() : null, UNKNOWN);
        label(out, "source_principal", spiffe(principal), UNKNOWN);
        label(out, "source_app", w != null ? w.canonicalService() : null, UNKNOWN);
        label(out, "source_version", w != null ? w.canonicalRevision() : null, UNKNOWN);
        label(out, "source_cluster", cluster, UNKNOWN);
    }

    private static void destination(StringBuilder out, Workload w, String cluster, String principal, String serviceHost,
                                    String serviceName, String serviceNamespace) {
        label(out, "destination_workload", w != null ? w.name() : null, UNKNOWN);
        label(out, "destination_workload_namespace", w != null ? w.namespace() : null, UNKNOWN);
        label(out, "destination_principal", spiffe(principal), UNKNOWN);
        label(out, "destination_app", w != null ? w.canonicalService() : null, UNKNOWN);
        label(out, "destination_version", w != null ? w.canonicalRevision() : null, UNKNOWN);
        label(out, "destination_service", serviceHost, UNKNOWN);
        label(out, "destination_canonical_service", w != null ? w.canonicalService() : null, UNKNOWN);
        label(out, "destination_canonical_revision", w != null ? w.canonicalRevision() : null, LATEST);
        label(out, "destination_service_name", serviceName, UNKNOWN);
        label(out, "destination_service_namespace", serviceNamespace, UNKNOWN);
        label(out, "destination_cluster", cluster, UNKNOWN);
    }

    /** Istio's label values are SPIFFE URIs: {@code spiffe://cluster.local/ns/NS/sa/SA}; null for an unknown principal. */
    private static String spiffe(String principal) {
        return principal == null || principal.isEmpty() ? null : "spiffe://" + principal;
    }

    /** Appends {@code ,name="value"}; a null or empty value is written as {@code fallback}, as Istio does. */
    static void label(StringBuilder out, String name, String value, String fallback) {
        out.append(',').append(name).append("=\"");
        escape(out, value == null || value.isEmpty() ? fallback : value);
        out.append('"');
    }

    /** The text format's escapes for a label value: backslash, double quote and line feed. */
    static void escape(StringBuilder out, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
    }
}
