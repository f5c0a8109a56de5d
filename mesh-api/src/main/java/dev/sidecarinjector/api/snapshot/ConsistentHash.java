package dev.sidecarinjector.api.snapshot;

import dev.sidecarinjector.api.json.JsonObject;
import dev.sidecarinjector.api.json.JsonWriter;
import java.util.Locale;

/**
 * DestinationRule {@code loadBalancer.consistentHash}: what of a request is hashed ({@code source}, and the header,
 * cookie or query parameter {@code name}), and the size of the table: the ring's minimum size for
 * {@link LoadBalancer#RING_HASH}, the (prime) table size for {@link LoadBalancer#MAGLEV}. For a cookie that a request
 * does not carry, {@code cookieTtlMs} (null: none) makes the proxy generate one and set it on the response
 * ({@code Max-Age} its seconds, 0 a session cookie, {@code Path} {@code cookiePath}), as Envoy does.
 */
public record ConsistentHash(Source source, String name, String cookiePath, Long cookieTtlMs, int size) implements JsonWriter.Writable {

    /** Envoy's default minimum ring size. */
    public static final int DEFAULT_RING_SIZE = 1024;
    /** Envoy's default Maglev table size (a prime). */
    public static final int DEFAULT_MAGLEV_SIZE = 65537;
    /**
     * The largest ring the proxy builds (1.5 MB of points): Envoy allows 8M points, more than a proxy with a 32 MB heap
     * holds, so the control plane uses this size for a larger {@code minimumRingSize} and says so.
     */
    public static final int MAX_RING_SIZE = 131_072;
    /** The largest Maglev table the proxy builds (a prime, 512 KB), for the same reason; Envoy's is 5,000,011. */
    public static final int MAX_MAGLEV_SIZE = 131_071;

    public enum Source {
        HEADER,
        COOKIE,
        SOURCE_IP,
        QUERY_PARAMETER
    }

    /** Read for a cluster whose load balancer is {@code table}; its size is checked against that table's bounds. */
    public static ConsistentHash read(JsonObject json, LoadBalancer table) {
        var source = json.choice("source", Source.class, null);
        if (source == null) {
            throw json.error("source", "missing");
        }
        var name = json.string("name", null);
        if (source != Source.SOURCE_IP && (name == null || name.isEmpty())) {
            throw json.error("name", "missing: a " + source + " hash names its " + source.name().toLowerCase(Locale.ROOT).replace('_', ' '));
        }
        var ttl = json.has("cookieTtlMs") ? Long.valueOf(json.number("cookieTtlMs", 0, 0, Limits.MAX_DURATION_MS)) : null;
        var size = (int) (table == LoadBalancer.MAGLEV ? json.number("size", DEFAULT_MAGLEV_SIZE, 2, MAX_MAGLEV_SIZE)
                : json.number("size", DEFAULT_RING_SIZE, 1, MAX_RING_SIZE));
        if (table == LoadBalancer.MAGLEV && !isPrime(size)) {
            throw json.error("size", size + " is not a prime number (a Maglev table's size must be)");
        }
        return new ConsistentHash(source, name, json.string("cookiePath", null), ttl, size);
    }

    /** Whether {@code n} is prime (trial division: sizes are at most {@value #MAX_MAGLEV_SIZE}). */
    public static boolean isPrime(long n) {
        if (n < 2) {
            return false;
        }
        for (long d = 2; d * d <= n; d++) {
            if (n % d == 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void writeTo(JsonWriter json) {
        json.beginObject().field("source", source).field("name", name).field("cookiePath", cookiePath)
                .field("cookieTtlMs", cookieTtlMs).field("size", size).endObject();
    }
}
