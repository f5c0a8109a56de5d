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

    /** The headers kube-apiserver sends with every AdmissionReview. */
    static final List<String> JSON_HEADERS = List.of("Content-Type", "application/json");

    /**
     * One request: a body POSTed as JSON to {@code /inject} unless the case says otherwise, and what it must get
     * besides a clean answer: a status ({@code 0}: any clean answer) and for a 200, whether it is allowed.
     */
    record Case(String name, byte[] body, String method, String path, List<String> headers, int status, Boolean allowed) {

        Case(String name, byte[] body) {
            this(name, body, "POST", "/inject", JSON_HEADERS, 0, null);
        }

        Case expect(int expectedStatus) {
            return new Case(name, body, method, path, headers, expectedStatus, allowed);
        }

        /** Allowed with no patch: what a review the webhook does not act on gets. */
        Case expectAllowedUnchanged() {
            return new Case(name, body, method, path, headers, 200, true);
        }

        Case sent(String httpMethod, String httpPath, List<String> httpHeaders) {
            return new Case(name, body, httpMethod, httpPath, httpHeaders, status, allowed);
        }
    }

    /** Every control character a log line must not carry raw: C0, DEL, C1, U+2028 and U+2029. */
    static List<Character> controlCharacters() {
        var all = new ArrayList<Character>();
        for (var c = 0; c <= 0x9f; c++) {
            if (c < 0x20 || c >= 0x7f) {
                all.add((char) c);
            }
        }
        all.add('\u2028');
        all.add('\u2029');
        return all;
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
            for (var bad : List.of("80x", "70000", "10.0.0.0/33", "lots", "", " ", "-1", "\u0000", "*,*", "1e999999", "[", "{a: [}",
                    "80,,443", "10.0.0.0/8,", "010.0.0.1", "\u0668\u0660", "10.1.2.3/8", "1.2.3.4/08")) {
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
        cases.add(new Case("trailing garbage", (text + "}{").getBytes(StandardCharsets.UTF_8)).expect(400));
        cases.add(new Case("trailing word", (text + "xyz").getBytes(StandardCharsets.UTF_8)).expect(400));
        cases.add(new Case("two reviews", (text + text).getBytes(StandardCharsets.UTF_8)).expect(400));
        cases.add(new Case("two reviews on two lines", (text + "\n" + text + "\n").getBytes(StandardCharsets.UTF_8)).expect(400));
        cases.add(new Case("trailing close brace", (text + "}").getBytes(StandardCharsets.UTF_8)).expect(400));
        cases.add(new Case("trailing number", (text + " 1").getBytes(StandardCharsets.UTF_8)).expect(400));
        cases.add(new Case("trailing whitespace", (text + " \r\n\t\n").getBytes(StandardCharsets.UTF_8)).expect(200));
        cases.add(new Case("null body", "null".getBytes(StandardCharsets.UTF_8)));
        cases.add(new Case("container list with null", text.replace("\"containers\":[", "\"containers\":[null,").getBytes(StandardCharsets.UTF_8)));
        cases.add(new Case("no containers", text.replace("\"containers\":[{\"name\":\"web\",\"image\":\"nginx:1.27\"}]", "\"containers\":[]").getBytes(StandardCharsets.UTF_8)));
        var noSpec = valid.deepCopy();
        ((ObjectNode) noSpec.at("/request/object")).remove("spec");
        cases.add(new Case("no spec", bytes(noSpec)));
        cases.add(new Case("10k containers", bytes(manyContainers(valid, 10_000))));
        cases.add(new Case("binary garbage", new byte[] {0, 1, 2, (byte) 0xff, (byte) 0xfe, 0x7b}));
        operations(valid, cases);
        controlCharacters(valid, cases);
        transport(bytes(valid), cases);
        return cases;
    }

    /** Operations the webhook does not act on are allowed unchanged, whatever the object; an unknown one is a 400. */
    private static void operations(ObjectNode valid, List<Case> cases) {
        for (var operation : List.of("UPDATE", "DELETE", "CONNECT")) {
            var objects = new java.util.LinkedHashMap<String, JsonNode>();
            objects.put("a pod", valid.at("/request/object"));
            objects.put("null", JSON.nullNode());
            objects.put("missing", null);
            objects.put("a ConfigMap", JSON.createObjectNode().put("apiVersion", "v1").put("kind", "ConfigMap").set("data", JSON.createObjectNode().put("a", "b")));
            objects.put("not a pod", JSON.createObjectNode().set("spec", JSON.getNodeFactory().textNode("x")));
            objects.put("a string", JSON.getNodeFactory().textNode("x"));
            for (var object : objects.entrySet()) {
                var review = valid.deepCopy();
                var request = (ObjectNode) review.get("request");
                request.put("operation", operation);
                if (object.getValue() == null) {
                    request.remove("object");
                } else {
                    request.set("object", object.getValue());
                }
                cases.add(new Case(operation + " with object " + object.getKey(), bytes(review)).expectAllowedUnchanged());
            }
        }
        for (var operation : List.of("create", "PATCH", "CREATE ", "")) {
            var review = valid.deepCopy();
            ((ObjectNode) review.get("request")).put("operation", operation);
            cases.add(new Case("operation \"" + operation + "\"", bytes(review)).expect(400));
        }
    }

    /** Control characters in every user value the webhook logs: the answer is clean and no log line carries them raw. */
    private static void controlCharacters(ObjectNode valid, List<Case> cases) {
        var hostile = "x\r\n\u001b[31mforged decision outcome=injected\u0007\u007f\u0085\u009b2J\u2028\u2029\t\u0000end";
        var fields = new java.util.LinkedHashMap<String, java.util.function.Consumer<ObjectNode>>();
        fields.put("generateName", review -> ((ObjectNode) review.at("/request/object/metadata")).put("generateName", hostile));
        fields.put("metadata.name", review -> ((ObjectNode) review.at("/request/object/metadata")).put("name", hostile));
        fields.put("request.name", review -> ((ObjectNode) review.get("request")).put("name", hostile));
        fields.put("request.namespace", review -> ((ObjectNode) review.get("request")).put("namespace", hostile));
        fields.put("request.uid", review -> ((ObjectNode) review.get("request")).put("uid", hostile));
        fields.put("request.kind.kind", review -> ((ObjectNode) review.at("/request/kind")).put("kind", hostile));
        fields.put("label " + Annotations.INJECT, review -> ((ObjectNode) review.at("/request/object/metadata/labels")).put(Annotations.INJECT, hostile));
        for (var annotation : List.of(Annotations.INJECT, Annotations.PROXY_CPU, Annotations.PROXY_IMAGE, Annotations.PROXY_CONFIG,
                Annotations.EXCLUDE_OUTBOUND_PORTS, Annotations.INCLUDE_OUTBOUND_IP_RANGES)) {
            fields.put("annotation " + annotation, review -> ((ObjectNode) review.at("/request/object/metadata/annotations")).put(annotation, hostile));
        }
        fields.put("owner name", review -> ((ObjectNode) review.at("/request/object/metadata")).putArray("ownerReferences").addObject()
                .put("apiVersion", "apps/v1").put("kind", "ReplicaSet").put("name", hostile).put("uid", "u").put("controller", true));
        for (var field : fields.entrySet()) {
            var review = valid.deepCopy();
            field.getValue().accept(review);
            cases.add(new Case("control characters in " + field.getKey(), bytes(review)));
        }
        for (var c : controlCharacters()) {
            var review = valid.deepCopy();
            ((ObjectNode) review.at("/request/object/metadata")).put("generateName", "web-" + c + "-");
            cases.add(new Case(String.format("control characters in generateName: U+%04X", (int) c), bytes(review)));
        }
    }

    /** What kube-apiserver never sends: another method (405), another Content-Type or a compressed body (415). */
    private static void transport(byte[] review, List<Case> cases) {
        for (var path : List.of("/inject", "/mutate")) {
            for (var method : List.of("GET", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "TRACE", "PURGE")) {
                cases.add(new Case("method " + method + " " + path, new byte[0]).expect(405).sent(method, path, JSON_HEADERS));
            }
        }
        for (var type : List.of("text/plain", "application/x-www-form-urlencoded", "application/yaml", "application/jsonx",
                "application/json-patch+json", "application/json; charset=iso-8859-1", "application/json; charset=utf-16",
                "application/json, text/plain", "*/*", "multipart/form-data; boundary=x")) {
            cases.add(new Case("Content-Type " + type, review).expect(415).sent("POST", "/inject", List.of("Content-Type", type)));
        }
        cases.add(new Case("no Content-Type", review).expect(415).sent("POST", "/inject", List.of()));
        for (var type : List.of("application/json", "Application/JSON", "application/json; charset=utf-8", "application/json;charset=UTF-8",
                "application/json; charset=\"utf-8\"", "application/json ; charset=utf-8")) {
            cases.add(new Case("Content-Type " + type, review).expect(200).sent("POST", "/inject", List.of("Content-Type", type)));
        }
        var gzipped = gzip(review);
        for (var encoding : List.of("gzip", "deflate", "br", "zstd", "gzip, identity", "x-unknown")) {
            var body = encoding.startsWith("gzip") ? gzipped : review;
            cases.add(new Case("Content-Encoding " + encoding, body).expect(415)
                    .sent("POST", "/inject", List.of("Content-Type", "application/json", "Content-Encoding", encoding)));
        }
        cases.add(new Case("Content-Encoding identity", review).expect(200)
                .sent("POST", "/mutate", List.of("Content-Type", "application/json", "Content-Encoding", "identity")));
    }

    private static byte[] gzip(byte[] bytes) {
        var out = new java.io.ByteArrayOutputStream();
        try (var gzip = new java.util.zip.GZIPOutputStream(out)) {
            gzip.write(bytes);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
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
