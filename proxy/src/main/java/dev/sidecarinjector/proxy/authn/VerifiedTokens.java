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

    private final ConcurrentHashMap<Key, Verified> byToken = new ConcurrentHashMap<>();

    Verified get(String token) {
        return byToken.get(new Key(token));
    }

    void put(String token, Verified verified) {
        if (byToken.size() >= MAX_ENTRIES) {
            byToken.clear();
        }
        byToken.put(new Key(token), verified);
    }

    /**
     * A token as a map key hashed on its last characters only (the signature's: random, so they spread as well as
     * the whole would) instead of all ~500 of them, which C1-compiled {@code String.hashCode} walks one by one; equal
     * only to the same full text.
     */
    private static final class Key {
        private static final int HASHED = 24;
        private final String token;
        private final int hash;

        Key(String token) {
            this.token = token;
            var h = token.length();
            for (var i = Math.max(0, token.length() - HASHED); i < token.length(); i++) {
                h = 31 * h + token.charAt(i);
            }
            this.hash = h;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && key.hash == hash && key.token.equals(token);
        }
    }

    int size() {
        return byToken.size();
    }
}
