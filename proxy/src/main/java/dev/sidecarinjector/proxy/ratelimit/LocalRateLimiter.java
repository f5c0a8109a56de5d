package dev.sidecarinjector.proxy.ratelimit;

import dev.sidecarinjector.api.snapshot.RateLimit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One inbound port's {@link RateLimit}: a bucket for all requests, and one per client (its override's rate, else the
 * identity rate). A client is its mesh identity ({@code ns/NS/sa/SA} of its principal) or, without one, its address.
 * A request takes a token from its client's bucket, then from the total one; refused by the total, it gives the
 * client's token back, so a client is not charged for what it was not served. At most {@link #MAX_CLIENTS} client
 * buckets are kept, the least recently used dropped first (a dropped client starts again with a full bucket).
 */
public final class LocalRateLimiter {

    static final int MAX_CLIENTS = 10_000;
    private static final long SECOND = 1_000_000_000L;

    private final RateLimit spec;
    private final TokenBucket total;
    /** The overrides by {@code ns/NS/sa/SA} of their clients, made once: the first override naming a client wins. */
    private final Map<String, RateLimit.ClientOverride> overrides = new HashMap<>();
    private final Map<String, TokenBucket> clients = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, TokenBucket> eldest) {
            return size() > MAX_CLIENTS;
        }
    };

    public LocalRateLimiter(RateLimit spec, long now) {
        this.spec = spec;
        this.total = spec.totalRps() > 0 ? new TokenBucket(spec.totalRps(), now) : null;
        for (var override : spec.overrides()) {
            for (var client : override.clients()) {
                overrides.putIfAbsent("ns/" + client.namespace() + "/sa/" + client.serviceAccount(), override);
            }
        }
    }

    public RateLimit spec() {
        return spec;
    }

    /** What limited a refused request, for the metrics and the answer's headers. */
    public enum Scope {
        TOTAL, IDENTITY, OVERRIDE
    }

    /**
     * A refusal: the limit that refused (requests a second), whole tokens left in its bucket and seconds until the
     * next one (at least 1, as {@code retry-after} counts).
     */
    public record Refusal(Scope scope, int limit, int remaining, long retryAfterSeconds) {
    }

    /**
     * Takes a request's tokens; null when it may go on.
     *
     * @param principal the client's mesh identity ({@code TD/ns/NS/sa/SA}), or null (or empty) without one
     * @param address the client's address, the key of a client with no identity
     */
    public Refusal acquire(String principal, String address, long now) {
        var namespaceAndAccount = principal == null ? null : namespaceAndAccount(principal);
        var override = namespaceAndAccount == null ? null : overrides.get(namespaceAndAccount);
        var rate = override != null ? override.rps() : spec.identityRps();
        TokenBucket client = null;
        if (rate > 0) {
            var key = namespaceAndAccount != null ? namespaceAndAccount : address;
            synchronized (clients) {
                client = clients.get(key);
                if (client == null || client.rate() != rate) {
                    client = new TokenBucket(rate, now);
                    clients.put(key, client);
                }
            }
            if (!client.tryTake(now)) {
                return refusal(override != null ? Scope.OVERRIDE : Scope.IDENTITY, client, now);
            }
        }
        if (total != null && !total.tryTake(now)) {
            if (client != null) {
                client.giveBack();
            }
            return refusal(Scope.TOTAL, total, now);
        }
        return null;
    }

    private static Refusal refusal(Scope scope, TokenBucket bucket, long now) {
        var wait = bucket.nanosUntilToken(now);
        return new Refusal(scope, bucket.rate(), bucket.remaining(now), Math.max(1, (wait + SECOND - 1) / SECOND));
    }

    /** {@code ns/NS/sa/SA} of a principal {@code TD/ns/NS/sa/SA} (or a SPIFFE ID, {@code spiffe://} before it), or null. */
    static String namespaceAndAccount(String principal) {
        var from = principal.startsWith("spiffe://") ? "spiffe://".length() : 0;
        var path = principal.indexOf('/', from);
        if (path <= from) {
            return null;
        }
        var rest = principal.substring(path + 1);
        var parts = rest.split("/", -1);
        return parts.length == 4 && parts[0].equals("ns") && parts[2].equals("sa") && !parts[1].isEmpty() && !parts[3].isEmpty()
                ? rest : null;
    }

    /** Client buckets held, for tests and the admin page. */
    int clientCount() {
        synchronized (clients) {
            return clients.size();
        }
    }
}
