package dev.sidecarinjector.api.snapshot;

import dev.sidecarinjector.api.json.JsonObject;
import dev.sidecarinjector.api.json.JsonWriter;
import dev.sidecarinjector.api.net.Cidr;
import dev.sidecarinjector.api.net.CidrList;
import dev.sidecarinjector.api.net.InvalidListException;
import dev.sidecarinjector.api.text.ShownValue;
import java.util.List;
import java.util.Map;

/**
 * A VirtualService {@code tcp[].match}: all of its conditions must hold; an empty one holds for every connection.
 * {@code destinationSubnets} (IPv4 or IPv6 CIDRs) hold the address the connection was sent to, {@code port} (0: any)
 * its port; {@code sourceLabels} and {@code sourceNamespace} are the client workload's, settled when the proxy
 * compiles the snapshot.
 */
public record TcpMatch(List<String> destinationSubnets, int port, Map<String, String> sourceLabels, String sourceNamespace)
        implements JsonWriter.Writable {

    public TcpMatch {
        destinationSubnets = List.copyOf(destinationSubnets);
        sourceLabels = Map.copyOf(sourceLabels);
    }

    public static TcpMatch read(JsonObject json) {
        var match = new TcpMatch(json.strings("destinationSubnets"), (int) json.number("port", 0, 0, Limits.MAX_PORT),
                json.stringMap("sourceLabels"), json.string("sourceNamespace", null));
        for (var i = 0; i < match.destinationSubnets.size(); i++) {
            try {
                subnet("destinationSubnets[" + i + "]", match.destinationSubnets.get(i));
            } catch (InvalidListException e) {
                throw json.error("destinationSubnets[" + i + "]", ShownValue.of(e.value(), "\"") + " " + e.problem());
            }
        }
        return match;
    }

    /** One CIDR or address ({@code 10.0.0.0/8}, {@code 10.1.2.3}, {@code fd00::/8}); an {@link InvalidListException} otherwise. */
    public static Cidr subnet(String field, String text) {
        if (text.indexOf(',') >= 0 || text.strip().equals("*") || text.isBlank()) {
            throw new InvalidListException(field, text, "is not an IP address or CIDR");
        }
        return CidrList.parse(field, text, false).cidrs().getFirst();
    }

    /** Whether the destination conditions hold for a connection to {@code address} (IPv4, as a number) and {@code port}. */
    public boolean holdsFor(long address, int destinationPort) {
        if (port != 0 && port != destinationPort) {
            return false;
        }
        if (destinationSubnets.isEmpty()) {
            return true;
        }
        for (var text : destinationSubnets) {
            if (subnet("destinationSubnets", text).holdsIpv4(address)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void writeTo(JsonWriter json) {
        json.beginObject().field("destinationSubnets", destinationSubnets).nonZero("port", port).field("sourceLabels", sourceLabels)
                .field("sourceNamespace", sourceNamespace).endObject();
    }
}
