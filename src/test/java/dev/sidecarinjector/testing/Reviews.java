package dev.sidecarinjector.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.UUID;

/** Builds AdmissionReview bodies as kube-apiserver sends them. */
public final class Reviews {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Reviews() {
    }

    /** A CREATE review of a pod in {@code namespace}, with the given pod annotations and labels. */
    public static ObjectNode podCreate(String namespace, Map<String, String> labels, Map<String, String> annotations) {
        var review = JSON.createObjectNode();
        review.put("apiVersion", "admission.k8s.io/v1");
        review.put("kind", "AdmissionReview");
        var request = review.putObject("request");
        request.put("uid", UUID.randomUUID().toString());
        request.putObject("kind").put("group", "").put("version", "v1").put("kind", "Pod");
        request.putObject("resource").put("group", "").put("version", "v1").put("resource", "pods");
        request.put("namespace", namespace);
        request.put("operation", "CREATE");
        request.put("dryRun", false);
        var pod = request.putObject("object");
        pod.put("apiVersion", "v1");
        pod.put("kind", "Pod");
        var metadata = pod.putObject("metadata");
        metadata.put("generateName", "web-");
        metadata.set("labels", JSON.valueToTree(labels));
        metadata.set("annotations", JSON.valueToTree(annotations));
        var container = pod.putObject("spec").putArray("containers").addObject();
        container.put("name", "web");
        container.put("image", "nginx:1.27");
        return review;
    }

    public static ObjectNode podCreate(String namespace) {
        return podCreate(namespace, Map.of("app", "web"), Map.of());
    }

    public static byte[] bytes(ObjectNode review) {
        return review.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
