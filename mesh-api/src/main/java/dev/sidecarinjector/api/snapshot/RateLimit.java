package dev.sidecarinjector.api.snapshot;

import dev.sidecarinjector.api.json.JsonObject;
import dev.sidecarinjector.api.json.JsonWriter;
import java.util.List;

/**
 * The local rate limit of one inbound HTTP port, compiled from an {@code HTTPLocalRateLimitPolicy} (Linkerd's shape):
 * {@code totalRps} for all requests to the port, {@code identityRps} for each client on its own (a client is its mesh
 * identity, or its address when it has none), and {@code overrides} that give listed clients their own rate instead
 * of {@code identityRps}. Zero means no such limit. {@code policy} is {@code namespace/name}, for metrics and logs.
 */
public record RateLimit(String policy, int totalRps, int identityRps, List<ClientOverride> overrides) implements JsonWriter.Writable {

    /** The highest rate a policy may give (Linkerd's fields are 32-bit; a bucket this large never empties in practice). */
    public static final int MAX_RPS = 1_000_000;

    public RateLimit {
        overrides = List.copyOf(overrides);
    }

    public static RateLimit read(JsonObject json) {
        return new RateLimit(json.string("policy"), (int) json.number("totalRps", 0, 0, MAX_RPS),
                (int) json.number("identityRps", 0, 0, MAX_RPS), json.list("overrides", ClientOverride::read));
    }

    @Override
    public void writeTo(JsonWriter json) {
        json.beginObject().field("policy", policy).nonZero("totalRps", totalRps).nonZero("identityRps", identityRps)
                .field("overrides", overrides).endObject();
    }

    /** Clients (by service account) that get {@code rps} each instead of the identity limit. */
    public record ClientOverride(int rps, List<Client> clients) implements JsonWriter.Writable {

        public ClientOverride {
            clients = List.copyOf(clients);
        }

        public static ClientOverride read(JsonObject json) {
            return new ClientOverride((int) json.number("rps", 1, MAX_RPS), json.list("clients", Client::read));
        }

        @Override
        public void writeTo(JsonWriter json) {
            json.beginObject().field("rps", rps).field("clients", clients).endObject();
        }
    }

    /** A client's service account: matched against the namespace and service account of its SPIFFE ID. */
    public record Client(String namespace, String serviceAccount) implements JsonWriter.Writable {

        public static Client read(JsonObject json) {
            return new Client(json.string("namespace"), json.string("serviceAccount"));
        }

        @Override
        public void writeTo(JsonWriter json) {
            json.beginObject().field("namespace", namespace).field("serviceAccount", serviceAccount).endObject();
        }
    }
}
