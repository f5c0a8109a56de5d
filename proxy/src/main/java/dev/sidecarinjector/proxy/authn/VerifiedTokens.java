package dev.sidecarinjector.proxy.authn;

import dev.sidecarinjector.proxy.policy.RequestAuth;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokens whose signature one authenticator verified, by their exact text, as Envoy's jwt_cache keeps them: a client
 * sends the same token on request after request, and a signature check costs far more than the rest of the request.
 * A hit still has its time and audience checked. Bounded: when full it is emptied and fills again (no ordering to
 * maintain on the hot path). Shared by the event loops.
 */
final class VerifiedTokens {

    /** A verified token, the rule that verified it and what it established. */
    record Verified(JwtToken token, CompiledJwtRule rule, RequestAuth auth) {
    }

    static final int MAX_ENTRIES = 1024;

    private final ConcurrentHashMap<String, Verified> byToken = new ConcurrentHashMap<>();

    Verified get(String token) {
        return byToken.get(token);
    }

    void put(String token, Verified verified) {
        if (byToken.size() >= MAX_ENTRIES) {
            byToken.clear();
        }
        byToken.put(token, verified);
    }

    int size() {
        return byToken.size();
    }
}
