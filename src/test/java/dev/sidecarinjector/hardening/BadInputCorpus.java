package dev.sidecarinjector.hardening;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sidecarinjector.inject.Annotations;
import dev.sidecarinjector.testing.Reviews;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Hostile and broken AdmissionReview bodies: generated from a valid review, plus hand-written ones. */
final class BadInputCorpus {

    private static final ObjectMapper JSON = new ObjectMapper();

    record Case(String name, byte[] body) {
    }

    private BadInputCorpus() {
    }

    static List<Case> all() {
        var cases = new ArrayList<Case>();
        var valid = Reviews.podCreate("demo", Map.of("app", "web"), Map.of("note", "x"));
        var text = valid.toString();
        for (var cut = 1; cut < text.length(); cut += Math.max(1, text.length() / 40)) {
            cases.add(new Case("truncated at " + cut, text.substring(0, cut).getBytes(StandardCharsets.UTF_8)));
        }
        wrongTypes(valid, valid, "", cases);
        for (var annotation : List.of(Annotations.PROXY_CPU, Annotations.PROXY_MEMORY, Annotations.PROXY_CPU_LIMIT,
                Annotations.PROXY_MEMORY_LIMIT, Annotations.NATIVE_SIDECAR, Annotations.INCLUDE_INBOUND_PORTS,
                Annotations.EXCLUDE_INBOUND_PORTS, Annotations.EXCLUDE_OUTBOUND_PORTS, Annotations.INCLUDE_OUTBOUND_IP_RANGES,
                Annotations.EXCLUDE_OUTBOUND_IP_RANGES, Annotations.PROXY_IMAGE, Annotations.PROXY_CONFIG, Annotations.INJECT)) {
            for (var bad : List.of("80x", "70000", "10.0.0.0/33", "lots", "", " ", "-1", "\u0000", "*,*", "1e999999", "[", "{a: [}")) {
                cases.add(new Case(annotation + "=" + bad, bytes(Reviews.podCreate("demo", Map.of(), Map.of(annotation, bad)))));
            }
        }
        for (var annotation : List.of(Annotations.PROXY_CPU, Annotations.PROXY_MEMORY_LIMIT)) {
            for (var bad : List.of("1e99999999999", "1E-99999999999", "1e99999999999999999999999", "5e101", "1".repeat(500_000), "9".repeat(65) + "Mi")) {
                cases.add(new Case(annotation + "=" + abbreviate(bad), bytes(Reviews.podCreate("demo", Map.of(), Map.of(annotation, bad)))));
            }
        }
        for (var bad : List.of("proxy:1\"", "proxy\\1", "proxy:$(id)", "proxy:`id`", "proxy|sh", "proxy\u00a0:1", "proxy:1\uffff",
                "proxy:1\ud800", "Proxy:1", "proxy:" + "t".repeat(129), "a/".repeat(128) + "a", "a-".repeat(5_000) + "!", "x".repeat(1_000_000))) {
            cases.add(new Case(Annotations.PROXY_IMAGE + "=" + abbreviate(bad), bytes(Reviews.podCreate("demo", Map.of(), Map.of(Annotations.PROXY_IMAGE, bad)))));
        }
        for (var bad : List.of("{holdApplicationUntilProxyStarts: true, holdApplicationUntilProxyStarts: false}",
                "holdApplicationUntilProxyStarts: [1]", "holdApplicationUntilProxyStarts: {a: 1}", "{a: {b: 1, b: 2}}")) {
            cases.add(new Case(Annotations.PROXY_CONFIG + "=" + bad, bytes(Reviews.podCreate("demo", Map.of(), Map.of(Annotations.PROXY_CONFIG, bad)))));
        }
        cases.add(new Case("huge annotation value", bytes(Reviews.podCreate("demo", Map.of(), Map.of("big", "x".repeat(1_000_000))))));
        cases.add(new Case("huge string uid", text.replace("\"uid\":\"", "\"uid\":\"" + "u".repeat(500_000)).getBytes(StandardCharsets.UTF_8)));
        cases.add(new Case("deep nesting", ("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":"
                + "[".repeat(50_000) + "]".repeat(50_000) + "}").getBytes(StandardCharsets.UTF_8)));
        cases.add(new Case("deep object in pod", text.replace("\"note\":\"x\"", "\"note\":" + "{\"a\":".repeat(5000) + "1" + "}".repeat(5000)).getBytes(StandardCharsets.UTF_8)));
        cases.add(new Case("duplicate uid key", text.replace("\"uid\":", "\"uid\":\"a\",\"uid\":").getBytes(StandardCharsets.UTF_8)));
        cases.add(new Case("unknown kind", text.replace("\"kind\":\"Pod\"", "\"kind\":\"Gadget\"").getBytes(StandardCharsets.UTF_8)));
        cases.add(new Case("missing uid", bytes(without(valid, "request", "uid"))));
        cases.add(new Case("missing object", bytes(without(valid, "request", "object"))));
        cases.add(new Case("missing kind", bytes(without(valid, "request", "kind"))));
        cases.add(new Case("missing operation", bytes(without(valid, "request", "operation"))));
        cases.add(new Case("invalid UTF-8", invalidUtf8(text)));
        cases.add(new Case("NaN number", text.replace("\"dryRun\":false", "\"dryRun\":NaN").getBytes(StandardCharsets.UTF_8)));
        cases.add(new Case("trailing garbage", (text + "}{").getBytes(StandardCharsets.UTF_8)));
        cases.add(new Case("null body", "null".getBytes(StandardCharsets.UTF_8)));
        cases.add(new Case("container list with null", text.replace("\"containers\":[", "\"containers\":[null,").getBytes(StandardCharsets.UTF_8)));
        cases.add(new Case("10k containers", bytes(manyContainers(valid, 10_000))));
        cases.add(new Case("binary garbage", new byte[] {0, 1, 2, (byte) 0xff, (byte) 0xfe, 0x7b}));
        return cases;
    }

    /** For every field of the valid review, the same review with that field's value of each wrong JSON type. */
    private static void wrongTypes(JsonNode root, JsonNode node, String path, List<Case> cases) {
        if (!(node instanceof ContainerNode<?>)) {
            return;
        }
        var names = new ArrayList<String>();
        if (node.isObject()) {
            node.fieldNames().forEachRemaining(names::add);
        } else {
            for (var i = 0; i < node.size(); i++) {
                names.add(Integer.toString(i));
            }
        }
        for (var name : names) {
            var child = node.isObject() ? node.get(name) : node.get(Integer.parseInt(name));
            var childPath = path + "/" + name;
            for (JsonNode replacement : List.<JsonNode>of(JSON.getNodeFactory().numberNode(7), JSON.getNodeFactory().textNode("x"),
                    JSON.getNodeFactory().booleanNode(true), JSON.getNodeFactory().nullNode(), JSON.createArrayNode(), JSON.createObjectNode())) {
                if (replacement.getNodeType() == child.getNodeType()) {
                    continue;
                }
                var copy = root.deepCopy();
                var parent = copy.at(path.isEmpty() ? "" : path);
                if (parent instanceof ObjectNode object) {
                    object.set(name, replacement);
                } else {
                    ((ArrayNode) parent).set(Integer.parseInt(name), replacement);
                }
                cases.add(new Case(childPath + " as " + replacement.getNodeType(), bytes(copy)));
            }
            wrongTypes(root, child, childPath, cases);
        }
    }

    private static JsonNode without(ObjectNode review, String parent, String field) {
        var copy = review.deepCopy();
        ((ObjectNode) copy.get(parent)).remove(field);
        return copy;
    }

    private static JsonNode manyContainers(ObjectNode review, int count) {
        var copy = review.deepCopy();
        var containers = (ArrayNode) copy.at("/request/object/spec/containers");
        for (var i = 0; i < count; i++) {
            containers.addObject().put("name", "c" + i).put("image", "busybox");
        }
        return copy;
    }

    private static byte[] invalidUtf8(String text) {
        var bytes = text.replace("\"note\":\"x\"", "\"note\":\"\u00e9\"").getBytes(StandardCharsets.UTF_8);
        for (var i = 0; i < bytes.length; i++) {
            if (bytes[i] == (byte) 0xc3) {
                bytes[i] = (byte) 0xc0;
            }
        }
        return bytes;
    }

    /** A value of {@code digits} digits for {@code annotation}: the body stays under the 4 MB limit, the parse must not. */
    static byte[] hugeQuantity(String annotation, int digits) {
        return bytes(Reviews.podCreate("demo", Map.of(), Map.of(annotation, "1".repeat(digits))));
    }

    private static String abbreviate(String value) {
        return value.length() > 40 ? value.substring(0, 20) + "... (" + value.length() + " characters)" : value;
    }

    private static byte[] bytes(JsonNode node) {
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }
}
