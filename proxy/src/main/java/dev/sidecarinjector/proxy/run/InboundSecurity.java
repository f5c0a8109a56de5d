package dev.sidecarinjector.proxy.run;

import dev.sidecarinjector.api.snapshot.MtlsMode;
import dev.sidecarinjector.api.snapshot.Protocol;
import dev.sidecarinjector.proxy.metrics.RbacMetrics;
import dev.sidecarinjector.proxy.policy.AccessRequest;
import dev.sidecarinjector.proxy.policy.Verdict;
import dev.sidecarinjector.proxy.tls.InboundMtls;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * PeerAuthentication on an accepted inbound connection, before it is routed: the mode the snapshot gives its port
 * decides whether {@link InboundMtls} goes in front of the routing handler; and the AuthorizationPolicies of a
 * connection relayed at TCP, once its peer is known (HTTP requests are authorized one by one by the HTTP engine).
 */
final class InboundSecurity {

    private InboundSecurity() {
    }

    /**
     * STRICT needs mutual TLS, and refuses everything while the proxy has no certificate (Envoy does not serve a STRICT
     * listener without its secret); PERMISSIVE with a certificate looks at the first bytes; DISABLE, a port of no
     * Service, and PERMISSIVE without a certificate are plaintext. True when the connection was taken over (it will
     * call back {@code outcome}) or refused; false: route it now, in plaintext.
     */
    static boolean takesOver(ChannelHandlerContext ctx, MeshTraffic mesh, InetSocketAddress destination, Duration idleTimeout,
                             InboundMtls.Outcome outcome) {
        var port = mesh.inboundPort(destination);
        var mode = port == null ? null : port.mtls();
        if (mode == null || mode == MtlsMode.DISABLE) {
            return false;
        }
        var http = port.protocol() == Protocol.HTTP;
        var contexts = mesh.tls() == null ? null : mesh.tls().current();
        if (mode == MtlsMode.STRICT) {
            if (contexts == null) {
                outcome.refused("STRICT port without a workload certificate yet");
                ctx.channel().close();
            } else {
                InboundMtls.strict(ctx.pipeline(), ctx.name(), contexts.server(http), outcome);
            }
            return true;
        }
        if (contexts == null) {
            return false;
        }
        InboundMtls.permissive(ctx.pipeline(), ctx.name(), contexts.server(http), outcome, idleTimeout);
        return true;
    }

    /**
     * The TCP verdict of the workload's AuthorizationPolicies on a connection from {@code channel}'s peer (its mutual
     * TLS {@code principal}, null in plaintext) to {@code destination}: counted and, unless plainly allowed, logged.
     * {@link Verdict#ALLOWED} when no policy applies.
     */
    static Verdict authorize(MeshTraffic mesh, RbacMetrics rbac, Channel channel, String principal, InetSocketAddress destination) {
        var authorizer = mesh.holder().current().authorizer(true);
        if (authorizer.isEmpty()) {
            return Verdict.ALLOWED;
        }
        var verdict = authorizer.check(AccessRequest.tcp(principal, AccessRequest.ipv4(channel.remoteAddress()), AccessRequest.ipv4(destination),
                destination.getPort()));
        rbac.record(verdict, true);
        var line = verdict.logLine("inbound TCP connection from " + channel.remoteAddress() + (principal == null ? " (plaintext)" : " (" + principal + ")")
                + " to :" + destination.getPort());
        if (line != null) {
            EventLog.info(line);
        }
        return verdict;
    }

    /** One line, at most one a minute per client address. */
    static void logRefusal(MeshTraffic mesh, Channel channel, InetSocketAddress destination, String reason) {
        var remote = channel.remoteAddress();
        var line = "mtls: refused inbound connection from " + remote + " to :" + destination.getPort() + ": " + reason;
        if (mesh.tls() != null) {
            mesh.tls().refusals().log(remote, line);
        } else {
            EventLog.info(line);
        }
    }
}
