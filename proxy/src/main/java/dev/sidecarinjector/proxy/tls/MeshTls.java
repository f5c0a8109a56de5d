package dev.sidecarinjector.proxy.tls;

import dev.sidecarinjector.api.snapshot.ClusterTls;
import dev.sidecarinjector.api.snapshot.Endpoint;
import dev.sidecarinjector.proxy.identity.IdentityHolder;
import dev.sidecarinjector.proxy.identity.WorkloadCertificate;
import dev.sidecarinjector.proxy.run.EventLog;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * The mesh's mutual TLS between proxies: for each workload certificate the {@link IdentityHolder} installs, a server
 * context (client certificates required, trusted when they chain to the root of our own chain) and two client
 * contexts that offer Istio's ALPN for HTTP and for TCP. Swapped with one volatile write: new connections take the
 * contexts in force when they open, open connections keep the ones they were made with, so a rotation drops nothing.
 * Before the first certificate (or with no CA at all) {@link #current()} is null and traffic stays plaintext, except
 * where the configuration demands mutual TLS (see docs/proxy.md, "mTLS").
 */
public final class MeshTls implements IdentityHolder.Listener {

    /** What Istio's client proxies offer for HTTP/1.1 (Envoy's ALPN override for the upstream protocol, then "istio"). */
    public static final List<String> HTTP_ALPN = List.of("istio-http/1.1", "istio");
    /** What Istio's client proxies offer for TCP (metadata exchange, then "istio"). */
    public static final List<String> TCP_ALPN = List.of("istio-peer-exchange", "istio");
    /** The ALPN values that mark mesh traffic, as Istio's inbound filter chains match them (server preference order). */
    public static final List<String> MESH_ALPN = List.of("istio-peer-exchange", "istio-http/1.1", "istio-http/1.0", "istio-h2", "istio");
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    /**
     * The TLS contexts of one workload certificate: for the HTTP engine (inbound on HTTP ports, outbound to HTTP
     * clusters) on {@link TlsProvider}'s implementation; for connections relayed at TCP on the JDK's, whose TLS 1.3
     * keeps a connection's other direction open after a close_notify (a half-close relayed), where netty-tcnative's
     * engine closes both. One object when both are the JDK's.
     */
    public record Contexts(WorkloadCertificate certificate, SslContext httpServer, SslContext tcpServer, SslContext httpClient,
                           SslContext tcpClient) {

        /** The server context for an inbound port: the HTTP engine's, or the relay's. */
        public SslContext server(boolean http) {
            return http ? httpServer : tcpServer;
        }
    }

    private volatile Contexts current;
    private final TlsRefusals refusals = new TlsRefusals();

    /** Contexts for the holder's certificate, rebuilt on every new one. */
    public static MeshTls following(IdentityHolder identity) {
        var tls = new MeshTls();
        identity.onInstall(tls);
        var certificate = identity.current();
        if (certificate != null) {
            tls.installed(certificate);
        }
        return tls;
    }

    /** The contexts for new connections, or null while the proxy has no workload certificate. */
    public Contexts current() {
        return current;
    }

    /** Where refused mutual TLS connections are logged (at most a line a minute per address). */
    public TlsRefusals refusals() {
        return refusals;
    }

    /** On the identity manager's thread (never an event loop): building contexts parses keys and certificates. */
    @Override
    public void installed(WorkloadCertificate certificate) {
        try {
            current = contexts(certificate);
        } catch (SSLException | RuntimeException e) {
            // Keep the contexts in force: a certificate that cannot serve TLS must not stop the one that can.
            EventLog.info("mtls: cannot use the certificate for " + certificate.identity() + " (" + e.getMessage()
                    + "); " + (current == null ? "no mutual TLS until the next one" : "keeping the previous one"));
        }
    }

    /**
     * Whether a connection to {@code endpoint} of a cluster whose DestinationRule says {@code tls} is mutual TLS:
     * {@code ISTIO_MUTUAL} always, {@code DISABLE} never, and with no setting (Istio's auto mTLS) when the endpoint's
     * pod has a sidecar ({@code security.istio.io/tlsMode: istio}).
     */
    public static boolean outboundMtls(ClusterTls tls, Endpoint endpoint) {
        return switch (tls) {
            case ISTIO_MUTUAL -> true;
            case DISABLE -> false;
            case AUTO -> endpoint.acceptsMtls();
        };
    }

    static Contexts contexts(WorkloadCertificate certificate) throws SSLException {
        return contexts(certificate, TlsProvider.get());
    }

    /** {@code provider}: the HTTP engine's implementation; TCP is the JDK's (see {@link Contexts}). */
    static Contexts contexts(WorkloadCertificate certificate, SslProvider provider) throws SSLException {
        var presented = certificate.presented();
        var root = certificate.chain().getLast();
        var tcpServer = server(SslProvider.JDK, certificate, presented, root);
        var httpServer = provider == SslProvider.JDK ? tcpServer : server(provider, certificate, presented, root);
        return new Contexts(certificate, httpServer, tcpServer, client(provider, certificate, presented, root, HTTP_ALPN),
                client(SslProvider.JDK, certificate, presented, root, TCP_ALPN));
    }

    private static SslContext server(SslProvider provider, WorkloadCertificate certificate, java.security.cert.X509Certificate[] presented,
                                     java.security.cert.X509Certificate root) throws SSLException {
        return SslContextBuilder.forServer(certificate.key(), presented)
                .sslProvider(provider)
                .protocols(PROTOCOLS)
                .trustManager(root)
                .clientAuth(ClientAuth.REQUIRE)
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, MESH_ALPN))
                .build();
    }

    private static SslContext client(SslProvider provider, WorkloadCertificate certificate, java.security.cert.X509Certificate[] presented,
                                     java.security.cert.X509Certificate root, List<String> alpn) throws SSLException {
        return SslContextBuilder.forClient()
                .sslProvider(provider)
                .protocols(PROTOCOLS)
                .keyManager(certificate.key(), presented)
                .trustManager(root)
                // The peer is checked by its SPIFFE identity after the handshake, not by a host name.
                .endpointIdentificationAlgorithm(null)
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, alpn))
                .build();
    }
}
