package dev.sidecarinjector.admission;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import dev.sidecarinjector.inject.ModelJson;
import dev.sidecarinjector.inject.PodBinderBase;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;

/**
 * The request's {@code object} as sent. A Pod CREATE whose kind and operation came before the object (the API
 * server's order) is bound while the review is read, by the model's generated binder; any other JSON object is kept
 * as its parsed tokens and bound once, straight from them, instead of being built into a tree first (most of a
 * review's bytes are the pod); any other value is kept as a tree, to name it in the refusal.
 */
public final class RequestObject {

    private final Object bound;
    private final TokenBuffer tokens;
    private final JsonNode other;

    private RequestObject(Object bound, TokenBuffer tokens, JsonNode other) {
        this.bound = bound;
        this.tokens = tokens;
        this.other = other;
    }

    /** Reads the value at the parser's current token; null for JSON null. */
    static RequestObject read(JsonParser parser, ObjectMapper mapper) throws IOException {
        if (parser.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        if (parser.currentToken() == JsonToken.START_OBJECT) {
            var tokens = new TokenBuffer(parser);
            tokens.copyCurrentStructure(parser);
            return new RequestObject(null, tokens, null);
        }
        return new RequestObject(null, null, mapper.readTree(parser));
    }

    /**
     * Binds the Pod at the parser's current {@code START_OBJECT} as it is read ({@link PodBinderBase#bind}). A value
     * that binder does not take throws, and leaves the parser inside it: the caller reads the review again with
     * {@link #read}, and the handler binds the object with Jackson, which binds or refuses it in its own words.
     */
    static RequestObject bindPodWhileRead(JsonParser parser) throws IOException {
        return new RequestObject(PodBinderBase.bind(parser), null, null);
    }

    public boolean isObject() {
        return bound != null || tokens != null;
    }

    /**
     * The object as a Pod: the one bound while the review was read, or else bound now by Jackson
     * ({@link AdmissionReviewCodec#podReader}, whose deserializers are built at the first pod that needs them); a value
     * that does not fit is a {@link com.fasterxml.jackson.databind.JsonMappingException} with its path.
     */
    public Pod pod() throws IOException {
        if (bound instanceof Pod pod) {
            return pod;
        }
        var reader = AdmissionReviewCodec.podReader();
        if (tokens == null) {
            return reader.readValue(other);
        }
        try (var parser = tokens.asParser(reader)) {
            return reader.readValue(parser);
        }
    }

    /** The object as a tree, for a refusal that quotes one of its values; null when it was bound as it was read (it bound). */
    public JsonNode tree() throws IOException {
        if (tokens == null) {
            return other;
        }
        try (var parser = tokens.asParser(ModelJson.MAPPER)) {
            return ModelJson.MAPPER.readTree(parser);
        }
    }

    /** The value as JSON text: what a refusal of a value that is not an object shows. */
    @Override
    public String toString() {
        return isObject() ? "{...}" : other.toString();
    }
}
