package dev.sidecarinjector.proxy.http;

import dev.sidecarinjector.proxy.policy.AccessRequest;
import dev.sidecarinjector.proxy.policy.Authorizer;
import dev.sidecarinjector.proxy.policy.RequestAuth;
import dev.sidecarinjector.proxy.policy.Verdict;
import dev.sidecarinjector.proxy.run.EventLog;
import dev.sidecarinjector.proxy.codec.MessageHead;

/**
 * The inbound AuthorizationPolicies for one HTTP request: the request's attributes as the policies read them, the
 * verdict counted (through the engine's observer) and logged once. A denial is answered 403 {@code RBAC: access
 * denied} (text/plain), as Envoy's RBAC filter answers, with no response flag (Envoy sets none for it).
 */
final class InboundAuthorization {

    static final String DENIED_BODY = "RBAC: access denied";

    private InboundAuthorization() {
    }

    /**
     * The verdict of {@code authorizer} (not empty) for {@code request}; {@code auth} what RequestAuthentication
     * established about its JWT (null without a valid one), {@code authority} its Host, {@code target} its origin form.
     */
    static Verdict check(Authorizer authorizer, DownstreamHttp down, MessageHead request, RequestAuth auth, String authority, String target) {
        var source = AccessRequest.ipv4(down.channel().remoteAddress());
        var xff = AccessRequest.lastForwardedFor(request.get("x-forwarded-for"));
        var destination = down.target().originalDestination();
        var attributes = new AccessRequest(down.peerPrincipal(), source, xff < 0 ? source : xff, AccessRequest.ipv4(destination), destination.getPort(),
                request.method(), authority, AccessRequest.pathOf(target), request, auth);
        var verdict = authorizer.check(attributes);
        down.engine().observer().authorized(verdict);
        if (verdict != Verdict.ALLOWED) {
            var line = verdict.logLine("inbound HTTP " + request.method() + " " + target + " from " + down.channel().remoteAddress()
                    + (down.peerPrincipal() == null ? " (plaintext)" : " (" + down.peerPrincipal() + ")") + " to :" + destination.getPort());
            if (line != null) {
                EventLog.info(line);
            }
        }
        return verdict;
    }
}
