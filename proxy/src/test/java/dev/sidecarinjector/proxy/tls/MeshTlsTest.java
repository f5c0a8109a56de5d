package dev.sidecarinjector.proxy.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.api.ca.SpiffeId;
import dev.sidecarinjector.api.snapshot.ClusterTls;
import dev.sidecarinjector.api.snapshot.Endpoint;
import dev.sidecarinjector.api.snapshot.Workload;
import dev.sidecarinjector.proxy.identity.IdentityHolder;
import dev.sidecarinjector.proxy.identity.TestCa;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** When traffic is mutual TLS, whose identity a peer must have, and the contexts that follow the certificate. */
class MeshTlsTest {

    private static final Workload REVIEWS = new Workload("default", "", "reviews-v1", "bookinfo-reviews", "reviews", "v1", "", Map.of());
    private static final Endpoint WITH_SIDECAR = new Endpoint("10.244.1.5", 9080, REVIEWS, Endpoint.ISTIO);
    private static final Endpoint WITHOUT_SIDECAR = new Endpoint("10.244.1.6", 9080, REVIEWS);
    private static final SpiffeId SELF = SpiffeId.parse("spiffe://cluster.local/ns/default/sa/productpage");

    @Test
    void autoMtlsFollowsTheEndpointsSidecarAndADestinationRuleOverridesIt() {
        assertTrue(MeshTls.outboundMtls(ClusterTls.AUTO, WITH_SIDECAR));
        assertFalse(MeshTls.outboundMtls(ClusterTls.AUTO, WITHOUT_SIDECAR));
        assertTrue(MeshTls.outboundMtls(ClusterTls.ISTIO_MUTUAL, WITHOUT_SIDECAR));
        assertFalse(MeshTls.outboundMtls(ClusterTls.DISABLE, WITH_SIDECAR));
    }

    @Test
    void thePeerMustBeTheEndpointsServiceAccountInOurTrustDomain() {
        assertTrue(PeerIdentity.isExpected(SpiffeId.parse("spiffe://cluster.local/ns/default/sa/bookinfo-reviews"), SELF, REVIEWS));
        assertFalse(PeerIdentity.isExpected(SpiffeId.parse("spiffe://cluster.local/ns/default/sa/other"), SELF, REVIEWS));
        assertFalse(PeerIdentity.isExpected(SpiffeId.parse("spiffe://cluster.local/ns/prod/sa/bookinfo-reviews"), SELF, REVIEWS));
        assertFalse(PeerIdentity.isExpected(SpiffeId.parse("spiffe://example.org/ns/default/sa/bookinfo-reviews"), SELF, REVIEWS));
        assertFalse(PeerIdentity.isExpected(null, SELF, REVIEWS), "a certificate with no SPIFFE identity");
        assertTrue(PeerIdentity.isExpected(SpiffeId.parse("spiffe://cluster.local/ns/any/sa/one"), SELF, null),
                "no workload known: the trust domain only");
        assertEquals("spiffe://cluster.local/ns/default/sa/bookinfo-reviews", PeerIdentity.expected(SELF, REVIEWS));
        assertEquals("cluster.local/ns/default/sa/bookinfo-reviews", PeerIdentity.expectedPrincipal(SELF, REVIEWS));
    }

    @Test
    void newContextsForEveryCertificateAndNoneBeforeTheFirst() throws Exception {
        var ca = new TestCa();
        var identity = new IdentityHolder();
        var tls = MeshTls.following(identity);
        assertNull(tls.current(), "no certificate: plaintext");
        var first = ca.issue("default", "productpage");
        identity.install(first);
        var before = tls.current();
        assertSame(first, before.certificate());
        assertTrue(before.httpServer().isServer());
        assertTrue(before.tcpServer().isServer());
        assertTrue(before.httpClient().isClient());
        assertEquals(MeshTls.HTTP_ALPN, before.httpClient().applicationProtocolNegotiator().protocols());
        assertEquals(MeshTls.TCP_ALPN, before.tcpClient().applicationProtocolNegotiator().protocols());
        identity.install(ca.issue("default", "productpage"));
        assertNotSame(before, tls.current());
        assertNotSame(before.httpServer(), tls.current().httpServer());
        // Following a holder that already has one: in force at once.
        assertSame(identity.current(), MeshTls.following(identity).current().certificate());
    }
}
