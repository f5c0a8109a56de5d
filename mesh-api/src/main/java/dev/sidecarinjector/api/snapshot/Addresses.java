package dev.sidecarinjector.api.snapshot;

import dev.sidecarinjector.api.json.JsonObject;
import dev.sidecarinjector.api.net.Ipv4;

/** Reads address fields of a snapshot: dotted IPv4, as the proxy's interception is IPv4 only today. */
final class Addresses {

    private Addresses() {
    }

    static String ipv4(JsonObject json, String field) {
        var text = json.string(field);
        if (Ipv4.parse(text) < 0) {
            throw json.error(field, "\"" + text + "\" is not an IPv4 address");
        }
        return text;
    }
}
