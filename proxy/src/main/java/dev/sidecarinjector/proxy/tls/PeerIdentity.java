package dev.sidecarinjector.proxy.tls;

import dev.sidecarinjector.api.ca.SpiffeId;
import dev.sidecarinjector.api.snapshot.Workload;
import dev.sidecarinjector.proxy.identity.WorkloadCertificate;
import io.netty.handler.ssl.SslHandler;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Who is at the other end of a mutual TLS connection: the one {@code spiffe://} URI SAN of the peer's leaf certificate
 * (its chain to the mesh's root was checked in the handshake), and whether that is who the snapshot says the
 * endpoint is.
 */
public final class PeerIdentity {

    /** The principal written when the peer's certificate names no SPIFFE identity (metrics write it as unknown). */
    public static final String NO_PRINCIPAL = "";

    private PeerIdentity() {
    }

    /** The peer's SPIFFE identity after a completed handshake, or null when its certificate names none. */
    public static SpiffeId of(SslHandler ssl) {
        try {
            var certificates = ssl.engine().getSession().getPeerCertificates();
            if (certificates.length > 0 && certificates[0] instanceof X509Certificate leaf) {
                return WorkloadCertificate.identityOf(leaf);
            }
        } catch (SSLPeerUnverifiedException | CertificateException e) {
            // no usable identity: null
        }
        return null;
    }

    /** {@code cluster.local/ns/NS/sa/SA}, as policies and metrics write it; {@link #NO_PRINCIPAL} for null. */
    public static String principal(SpiffeId peer) {
        return peer == null ? NO_PRINCIPAL : peer.principal();
    }

    /**
     * Whether {@code peer} is the identity an endpoint's workload must have: in our own trust domain, with the
     * workload's namespace and ServiceAccount. Istio checks the destination Service's accounts (any of them); checking
     * the account of the endpoint chosen is at least as strict. With no workload known (an endpoint without a pod, under
     * {@code ISTIO_MUTUAL}) only the trust domain is checked, as Istio checks nothing beyond the root then.
     */
    public static boolean isExpected(SpiffeId peer, SpiffeId self, Workload expected) {
        if (peer == null || !peer.trustDomain().equals(self.trustDomain())) {
            return false;
        }
        return expected == null
                || peer.namespace().equals(expected.namespace()) && peer.serviceAccount().equals(expected.serviceAccount());
    }

    /**
     * The principal an endpoint's workload has in our trust domain ({@link #NO_PRINCIPAL} without a workload): the
     * TCP metrics label a connection with it when it opens, before the handshake (which refuses any other peer).
     */
    public static String expectedPrincipal(SpiffeId self, Workload expected) {
        return expected == null ? NO_PRINCIPAL : self.trustDomain() + "/ns/" + expected.namespace() + "/sa/" + expected.serviceAccount();
    }

    /** The identity expected, for the log line of a refused peer. */
    public static String expected(SpiffeId self, Workload expected) {
        return expected == null ? SpiffeId.SCHEME + self.trustDomain() + "/..."
                : SpiffeId.SCHEME + self.trustDomain() + "/ns/" + expected.namespace() + "/sa/" + expected.serviceAccount();
    }
}
