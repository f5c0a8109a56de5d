package dev.sidecarinjector.admission;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import java.io.IOException;

/**
 * The request's {@code object} as sent. A JSON object is kept as its parsed tokens and bound to the model once,
 * straight from them, instead of being built into a tree first (most of a review's bytes are the pod); any other
 * value is kept as a tree, to name it in the refusal.
 */
public final class RequestObject {

    private final TokenBuffer tokens;
    private final JsonNode other;

    private RequestObject(TokenBuffer tokens, JsonNode other) {
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
            return new RequestObject(tokens, null);
        }
        return new RequestObject(null, mapper.readTree(parser));
    }

    public boolean isObject() {
        return tokens != null;
    }

    /** Binds the object; a value that does not fit the type is a {@link com.fasterxml.jackson.databind.JsonMappingException} with its path. */
    public <T> T bind(ObjectMapper mapper, Class<T> type) throws IOException {
        if (tokens == null) {
            return mapper.treeToValue(other, type);
        }
        try (var parser = tokens.asParser(mapper)) {
            return mapper.readValue(parser, type);
        }
    }

    /** The value as JSON text: what a refusal of a value that is not an object shows. */
    @Override
    public String toString() {
        return tokens != null ? "{...}" : other.toString();
    }
}
