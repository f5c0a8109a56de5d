package dev.sidecarinjector.admission;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.UTF8JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializable;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.sidecarinjector.inject.ModelJson;
import dev.sidecarinjector.inject.PodBinderBase;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decodes an AdmissionReview and encodes the reply. Every malformed input becomes a {@link BadReviewException}
 * naming the field; the parser rejects duplicate keys, content after the review, and limits nesting so a hostile
 * body cannot exhaust the stack.
 */
public final class AdmissionReviewCodec {

    public static final String API_VERSION = "admission.k8s.io/v1";
    public static final String KIND = "AdmissionReview";
    /** The operations of admission.k8s.io/v1; only CREATE is acted on. */
    private static final List<String> OPERATIONS = List.of("CREATE", "UPDATE", "DELETE", "CONNECT");

    /** The model's mapper: it reads the review, and binds a pod the generated binder leaves to Jackson. */
    private static final ObjectMapper JSON = ModelJson.MAPPER;
    /** Its trees, refused when an object names a key twice (with the parser's own check off). */
    private static final ObjectReader TREES_WITHOUT_DUPLICATES = JSON.reader().with(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    private AdmissionReviewCodec() {
    }

    public static AdmissionRequest decode(byte[] body) {
        return decode(body, body.length);
    }

    /** {@link #decode(byte[])} of the review in {@code body}'s first {@code length} bytes. */
    public static AdmissionRequest decode(byte[] body, int length) {
        Read read;
        try {
            read = readReview(body, length, true);
        } catch (ReadAgain e) {
            read = readReview(body, length, false);
        }
        var review = read.envelope();
        if (review == null) {
            throw new BadReviewException("body is empty: expected one AdmissionReview (a JSON object)");
        }
        if (!review.isObject()) {
            throw new BadReviewException("body is not a JSON object");
        }
        expect(review, "apiVersion", API_VERSION);
        expect(review, "kind", KIND);
        var request = review.get("request");
        if (request == null || !request.isObject()) {
            throw new BadReviewException("request: missing, or not an object");
        }
        var kind = request.get("kind");
        if (kind == null || !kind.isObject()) {
            throw new BadReviewException("request.kind: missing, or not an object");
        }
        var uid = requiredText(request, "uid", "request.uid");
        var operation = requiredText(request, "operation", "request.operation");
        if (!OPERATIONS.contains(operation)) {
            throw new BadReviewException("request.operation: " + request.get("operation") + " is not one of " + String.join(", ", OPERATIONS));
        }
        // Only a Pod CREATE needs the object, and the handler checks it there: whatever else comes is allowed unread.
        var object = read.object();
        var dryRun = request.get("dryRun");
        if (dryRun != null && !dryRun.isBoolean() && !dryRun.isNull()) {
            throw new BadReviewException("request.dryRun: " + dryRun + " is not a boolean");
        }
        return new AdmissionRequest(
                uid,
                optionalText(kind, "group", "request.kind.group"),
                requiredText(kind, "kind", "request.kind.kind"),
                operation,
                optionalText(request, "namespace", "request.namespace"),
                optionalText(request, "name", "request.name"),
                dryRun != null && dryRun.asBoolean(),
                object);
    }

    /**
     * A JSON Patch as the base64 of its JSON text: a patch is most of a reply's bytes, and base64 needs no escaping,
     * so a UTF-8 JSON generator copies the encoded bytes into its buffer between quotes as they are (any other writes
     * them as a string). The JDK's encoder, not the generator's, makes them.
     */
    static final class PatchBase64 implements JsonSerializable {
        /**
         * The patch's JSON text is written into a buffer each thread keeps and encoded from there into an array of the
         * encoding's size: writing it as an array first copied it once more and allocated it twice (a sixth of a
         * review's allocation). A buffer grown past {@link Scratch#KEPT} for a large patch is not kept.
         */
        private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

        private final byte[] encoded;

        private PatchBase64(byte[] encoded) {
            this.encoded = encoded;
        }

        static PatchBase64 of(JsonSerializable patch) {
            var scratch = SCRATCH.get();
            try {
                JSON.writeValue(scratch, patch);
                return new PatchBase64(Base64.getEncoder().encode(scratch.written()).array());
            } catch (IOException e) {
                throw new IllegalStateException("a JSON Patch does not serialise", e);
            } finally {
                scratch.clear();
            }
        }

        private static final class Scratch extends ByteArrayOutputStream {
            private static final int INITIAL = 16 * 1024;
            private static final int KEPT = 256 * 1024;

            Scratch() {
                super(INITIAL);
            }

            ByteBuffer written() {
                return ByteBuffer.wrap(buf, 0, count);
            }

            void clear() {
                if (buf.length > KEPT) {
                    buf = new byte[INITIAL];
                }
                reset();
            }
        }

        @Override
        public void serialize(JsonGenerator generator, SerializerProvider provider) throws IOException {
            if (generator instanceof UTF8JsonGenerator) {
                generator.writeRawUTF8String(encoded, 0, encoded.length);
            } else {
                generator.writeString(new String(encoded, StandardCharsets.ISO_8859_1));
            }
        }

        @Override
        public void serializeWithType(JsonGenerator generator, SerializerProvider provider, TypeSerializer type) throws IOException {
            serialize(generator, provider);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof PatchBase64 that && Arrays.equals(encoded, that.encoded);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(encoded);
        }

        @Override
        public String toString() {
            return new String(encoded, StandardCharsets.ISO_8859_1);
        }
    }

    /** An allowed reply; {@code patch} is a JSON Patch ({@code PatchOps}, or an array of ops), or null for no change. */
    public static ObjectNode allowed(String uid, JsonSerializable.Base patch) {
        return allowed(uid, patch, List.of());
    }

    /**
     * An allowed reply with {@code warnings}, which the API server hands to the client that created the pod (kubectl
     * prints them as {@code Warning: ...}); control characters escaped, as in a denial's message, and each warning and
     * their total bounded as the API server needs them ({@link WarningText}).
     */
    public static ObjectNode allowed(String uid, JsonSerializable.Base patch, List<String> warnings) {
        var review = review(uid, true);
        var response = (ObjectNode) review.get("response");
        if (patch != null && !patch.isEmpty(null)) {
            response.put("patchType", "JSONPatch");
            response.putRawValue("patch", new RawValue(PatchBase64.of(patch)));
        }
        if (!warnings.isEmpty()) {
            var array = response.putArray("warnings");
            WarningText.bounded(warnings).forEach(array::add);
        }
        return review;
    }

    /**
     * A refusal with a message the API server shows to whoever created the pod; kubectl prints it to a terminal,
     * so its control characters are escaped, as Kubernetes quotes the values in its own errors.
     */
    public static ObjectNode denied(String uid, String message) {
        var review = review(uid, false);
        var status = ((ObjectNode) review.get("response")).putObject("status");
        status.put("code", 400);
        status.put("reason", "BadRequest");
        status.put("message", PrintableText.escape(message));
        return review;
    }

    /** A reply as the bytes of its JSON. */
    public static byte[] encode(ObjectNode reply) {
        try {
            return JSON.writeValueAsBytes(reply);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an AdmissionReview reply does not serialise", e);
        }
    }

    /** A reply's JSON written to {@code out}, which is closed (the server's reply buffer: no copy in between). */
    public static void encode(ObjectNode reply, OutputStream out) {
        try {
            JSON.writeValue(out, reply);
        } catch (IOException e) {
            throw new IllegalStateException("an AdmissionReview reply does not serialise", e);
        }
    }

    /** The JSON body of an HTTP 4xx answer for a body that is not a usable AdmissionReview. */
    public static ObjectNode error(String message) {
        var error = JSON.createObjectNode();
        error.put("error", message);
        return error;
    }

    /** The review's small fields as a tree, and its request's object as read. */
    private record Read(JsonNode envelope, RequestObject object) {
    }

    /** The fields of {@code request} read as a tree; {@code object} is read apart, and the rest is skipped. */
    private static final Set<String> REQUEST_FIELDS = Set.of("uid", "kind", "operation", "namespace", "name", "dryRun");
    private static final Set<String> REVIEW_FIELDS = Set.of("apiVersion", "kind", "request");

    /**
     * The one JSON value of the body, null for an empty body; content after it is refused, not ignored. The whole
     * body is parsed (so bad JSON anywhere is refused as such), but only the fields used are kept: the request's
     * object as its tokens ({@link RequestObject}), the rest as a small tree. With {@code bindPod}, the object of a
     * Pod CREATE whose kind and operation came first is bound as it is read, and the parser's own duplicate-key check
     * (a set per object of the whole review) is off: the envelope's objects, the trees read, the values skipped and
     * the binder each check their keys themselves. Anything else ({@link ReadAgain}: another object, a pod the binder
     * does not take, a duplicate key, bad JSON) is read again without {@code bindPod}, with the parser's check, so that
     * the refusal, or the object kept, is what it always was.
     */
    private static Read readReview(byte[] body, int length, boolean bindPod) {
        try (var parser = JSON.createParser(body, 0, length)) {
            if (!bindPod) {
                parser.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            }
            var first = parser.nextToken();
            JsonNode envelope;
            RequestObject object = null;
            if (first == JsonToken.START_OBJECT) {
                var review = JSON.createObjectNode();
                var reviewNames = bindPod ? new HashSet<String>() : null;
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    var name = parser.currentName();
                    named(reviewNames, name);
                    var value = parser.nextToken();
                    if (name.equals("request") && value == JsonToken.START_OBJECT) {
                        var request = review.putObject("request");
                        var requestNames = bindPod ? new HashSet<String>() : null;
                        while (parser.nextToken() == JsonToken.FIELD_NAME) {
                            var field = parser.currentName();
                            named(requestNames, field);
                            parser.nextToken();
                            if (field.equals("object")) {
                                object = !bindPod ? RequestObject.read(parser, JSON)
                                        : isPodCreate(request) && parser.currentToken() == JsonToken.START_OBJECT ? bindWhileRead(parser) : readAgain();
                            } else if (REQUEST_FIELDS.contains(field)) {
                                request.set(field, tree(parser, bindPod));
                            } else {
                                skip(parser, bindPod);
                            }
                        }
                    } else if (REVIEW_FIELDS.contains(name)) {
                        review.set(name, tree(parser, bindPod));
                    } else {
                        skip(parser, bindPod);
                    }
                }
                envelope = review;
            } else if (bindPod) {
                throw new ReadAgain();
            } else {
                envelope = first == null ? null : JSON.readTree(parser);
            }
            var end = parser.currentLocation().getByteOffset();
            if (envelope != null && hasMoreContent(parser)) {
                if (bindPod) {
                    throw new ReadAgain();
                }
                throw new BadReviewException("body: content after the JSON value that ends at byte " + end
                        + "; a body is exactly one AdmissionReview");
            }
            return new Read(envelope, object);
        } catch (PodBinderBase.Unbound e) {
            throw new ReadAgain();
        } catch (IOException e) {
            if (bindPod) {
                throw new ReadAgain();
            }
            throw new BadReviewException(e instanceof JsonProcessingException json ? "body is not valid JSON: " + json.getOriginalMessage() + at(json)
                    : "body cannot be read: " + e.getMessage());
        }
    }

    /** Where in the body the parser stopped, {@code " (at byte 1234)"}, when it says. */
    private static String at(JsonProcessingException json) {
        var location = json.getLocation();
        return location == null || location.getByteOffset() < 0 ? "" : " (at byte " + location.getByteOffset() + ")";
    }

    /** With the parser's duplicate check off ({@code names} not null): a name the object had already is read again with it. */
    private static void named(Set<String> names, String name) {
        if (names != null && !names.add(name)) {
            throw new ReadAgain();
        }
    }

    /** A value kept as a tree; with the parser's duplicate check off, a tree that names a key twice is read again with it. */
    private static JsonNode tree(JsonParser parser, boolean checkKeys) throws IOException {
        return checkKeys ? TREES_WITHOUT_DUPLICATES.readTree(parser) : JSON.readTree(parser);
    }

    /** A value not used, read past; with the parser's duplicate check off, one that names a key twice is read again with it. */
    private static void skip(JsonParser parser, boolean checkKeys) throws IOException {
        if (checkKeys) {
            PodBinderBase.skipValue(parser, parser.currentToken());
        } else {
            parser.skipChildren();
        }
    }

    private static RequestObject readAgain() {
        throw new ReadAgain();
    }

    /**
     * Thrown when the first reading of a review does not take it (a pod the binder does not take, another object, a
     * key named twice, bad JSON): the review is read again with the parser's own checks, keeping the object's tokens.
     */
    private static final class ReadAgain extends RuntimeException {
        ReadAgain() {
            super(null, null, false, false);
        }
    }

    private static RequestObject bindWhileRead(JsonParser parser) {
        try {
            return RequestObject.bindPodWhileRead(parser);
        } catch (IOException | RuntimeException e) {
            throw new ReadAgain();
        }
    }

    /** The request read so far is a CREATE of a core Pod: the only object the handler binds. */
    private static boolean isPodCreate(JsonNode request) {
        var kind = request.path("kind");
        return request.path("operation").asText().equals("CREATE") && AdmissionRequest.isPod(kind.path("group").asText(), kind.path("kind").asText());
    }

    private static boolean hasMoreContent(JsonParser parser) throws IOException {
        try {
            return parser.nextToken() != null;
        } catch (JsonProcessingException e) {
            // Not even a token ("xyz", a stray "}"): content all the same.
            return true;
        }
    }

    /**
     * Binds a Pod with the model's mapper, for a pod the generated binder leaves to Jackson (an unknown property, a
     * null, a value of another JSON type): its deserializers, the Pod's and those of what it holds, are built once,
     * when the first such pod asks for this reader.
     */
    public static ObjectReader podReader() {
        return PodReader.POD;
    }

    private static final class PodReader {
        static final ObjectReader POD = JSON.readerFor(Pod.class);
    }

    private static ObjectNode review(String uid, boolean allowed) {
        var review = JSON.createObjectNode();
        review.put("apiVersion", API_VERSION);
        review.put("kind", KIND);
        var response = review.putObject("response");
        response.put("uid", uid);
        response.put("allowed", allowed);
        return review;
    }

    private static void expect(JsonNode node, String field, String expected) {
        var value = node.get(field);
        if (value == null || !value.isTextual() || !expected.equals(value.asText())) {
            throw new BadReviewException(field + ": " + (value == null ? "missing" : value.toString()) + ", expected \"" + expected + "\"");
        }
    }

    private static String requiredText(JsonNode node, String field, String path) {
        var value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw new BadReviewException(path + ": " + (value == null ? "missing" : value.toString()) + ", expected a non-empty string");
        }
        return value.asText();
    }

    private static String optionalText(JsonNode node, String field, String path) {
        var value = node.get(field);
        if (value == null || value.isNull()) {
            return "";
        }
        if (!value.isTextual()) {
            throw new BadReviewException(path + ": " + value + " is not a string");
        }
        return value.asText();
    }
}
