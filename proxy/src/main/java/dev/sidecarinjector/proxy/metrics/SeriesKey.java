package dev.sidecarinjector.proxy.metrics;

import dev.sidecarinjector.api.snapshot.ServiceRef;
import dev.sidecarinjector.api.snapshot.Workload;
import java.util.Objects;

/**
 * What a series is looked up by: the inputs of its labels, compared on the fields the labels use only, so that the
 * same endpoint in the next snapshot (a new but equal object) finds the same series, and a lookup neither hashes a
 * pod's label map nor builds the label text. Written out rather than a record: a record's {@code equals} and
 * {@code hashCode} go through a method-handle bootstrap on the request path, and would compare the pod's labels too.
 */
final class SeriesKey {
    private final boolean inbound;
    private final Workload self;
    private final Workload peer;
    private final ServiceRef service;
    private final String authority;
    private final String protocol;
    /** The mutual TLS peer's principal, or null for plaintext. */
    private final String principal;
    private final int hash;

    SeriesKey(boolean inbound, Workload self, Workload peer, ServiceRef service, String authority, String protocol, String principal) {
        this.inbound = inbound;
        this.self = self;
        this.peer = peer;
        this.service = service;
        this.authority = authority;
        this.protocol = protocol;
        this.principal = principal;
        int h = inbound ? 1 : 0;
        h = 31 * h + hash(self);
        h = 31 * h + hash(peer);
        if (service != null) {
            h = 31 * h + Objects.hashCode(service.host());
            h = 31 * h + Objects.hashCode(service.name());
            h = 31 * h + Objects.hashCode(service.namespace());
        }
        h = 31 * h + Objects.hashCode(authority);
        h = 31 * h + Objects.hashCode(principal);
        this.hash = 31 * h + Objects.hashCode(protocol);
    }

    private static int hash(Workload w) {
        if (w == null) {
            return 0;
        }
        int h = Objects.hashCode(w.name());
        h = 31 * h + Objects.hashCode(w.namespace());
        h = 31 * h + Objects.hashCode(w.canonicalService());
        return 31 * h + Objects.hashCode(w.canonicalRevision());
    }

    private static boolean same(Workload a, Workload b) {
        return a == b || a != null && b != null && Objects.equals(a.name(), b.name())
                && Objects.equals(a.namespace(), b.namespace())
                && Objects.equals(a.canonicalService(), b.canonicalService())
                && Objects.equals(a.canonicalRevision(), b.canonicalRevision());
    }

    private static boolean same(ServiceRef a, ServiceRef b) {
        return a == b || a != null && b != null && Objects.equals(a.host(), b.host()) && Objects.equals(a.name(), b.name())
                && Objects.equals(a.namespace(), b.namespace());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SeriesKey k && hash == k.hash && inbound == k.inbound && same(self, k.self)
                && same(peer, k.peer) && same(service, k.service) && Objects.equals(authority, k.authority)
                && Objects.equals(protocol, k.protocol) && Objects.equals(principal, k.principal);
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
