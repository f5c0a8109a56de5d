package dev.sidecarinjector.api.stream;

import dev.sidecarinjector.api.json.JsonObject;
import dev.sidecarinjector.api.json.JsonWriter;

/** Who a connected proxy says it is (from the downward API): the control plane compiles its snapshot for this pod. */
public record ProxyNode(String namespace, String pod, String ip, String serviceAccount) implements JsonWriter.Writable {

    /** {@code pod.namespace}, as {@code istioctl proxy-status} names a proxy. */
    public String name() {
        return pod + "." + namespace;
    }

    public static ProxyNode read(JsonObject json) {
        var node = new ProxyNode(json.string("namespace"), json.string("pod"), json.string("ip", ""),
                json.string("serviceAccount", "default"));
        if (node.namespace().isEmpty()) {
            throw json.error("namespace", "\"\" is empty");
        }
        if (node.pod().isEmpty()) {
            throw json.error("pod", "\"\" is empty");
        }
        return node;
    }

    @Override
    public void writeTo(JsonWriter json) {
        json.beginObject().field("namespace", namespace).field("pod", pod).field("ip", ip)
                .field("serviceAccount", serviceAccount).endObject();
    }
}
