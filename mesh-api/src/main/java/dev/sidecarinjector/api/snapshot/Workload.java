package dev.sidecarinjector.api.snapshot;

import dev.sidecarinjector.api.json.JsonObject;
import dev.sidecarinjector.api.json.JsonWriter;
import java.util.Map;

/**
 * Who a proxy (or an endpoint) is, as Istio's metrics label it: {@code name} is the workload (the Deployment of a
 * ReplicaSet's pod, else the pod's owner or the pod), {@code canonicalService} and {@code canonicalRevision} follow
 * Istio's labels. {@code labels} are the pod's, for VirtualService {@code sourceLabels}.
 */
public record Workload(String namespace, String pod, String name, String serviceAccount, String canonicalService,
                       String canonicalRevision, String ip, Map<String, String> labels) implements JsonWriter.Writable {

    public Workload {
        labels = Map.copyOf(labels);
    }

    /**
     * This workload as its peers' metrics label it, without the pod, its address or its labels: what an
     * {@link Endpoint} carries, so a snapshot with thousands of endpoints does not repeat every pod's labels.
     */
    public Workload asPeer() {
        return new Workload(namespace, "", name, serviceAccount, canonicalService, canonicalRevision, "", Map.of());
    }

    public static Workload read(JsonObject json) {
        return new Workload(json.string("namespace"), json.string("pod", ""), json.string("name"),
                json.string("serviceAccount", "default"), json.string("canonicalService", ""),
                json.string("canonicalRevision", "latest"), json.string("ip", ""), json.stringMap("labels"));
    }

    @Override
    public void writeTo(JsonWriter json) {
        json.beginObject().field("namespace", namespace).field("pod", pod.isEmpty() ? null : pod).field("name", name)
                .field("serviceAccount", serviceAccount).field("canonicalService", canonicalService)
                .field("canonicalRevision", canonicalRevision).field("ip", ip.isEmpty() ? null : ip).field("labels", new java.util.TreeMap<>(labels))
                .endObject();
    }
}
