package dev.sidecarinjector.inject;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The property names of one class of the model, as {@link PodBinder} reads them: each name read is its index in the
 * class's properties. A name is read as the one expected when its bytes are the expected name's (Jackson's
 * {@link JsonParser#nextFieldName(com.fasterxml.jackson.core.SerializableString)}: a comparison of the input's bytes,
 * instead of hashing the name and looking it up), and the name expected after each property is the one that came
 * after it last time. The API server writes an object's properties in one order (its Go struct's), so after the first
 * pods of a workload most names are the ones expected (247 of the 280 names of the bench's pod; the others follow an
 * optional property, as {@code mountPath} follows {@code name} or {@code readOnly}). Threads share what they learn
 * without locks: an index written by one thread and not yet seen by another only makes the other's guess miss, which
 * costs the lookup it saves.
 */
final class PropertyNames {

    /** What {@link #next} returns at the end of the object. */
    static final int END = -1;

    private final SerializedString[] names;
    private final Map<String, Integer> indexes;
    /** The property expected after each (at {@code i + 1}; at 0, the first); 0 until one has been read there. */
    private final int[] expected;

    PropertyNames(String... names) {
        if (names.length == 0) {
            throw new IllegalArgumentException("no properties: nothing to read by name");
        }
        this.names = new SerializedString[names.length];
        this.indexes = HashMap.newHashMap(names.length);
        for (var i = 0; i < names.length; i++) {
            this.names[i] = new SerializedString(names[i]);
            if (indexes.put(names[i], i) != null) {
                throw new IllegalArgumentException("property named twice: " + names[i]);
            }
        }
        this.expected = new int[names.length + 1];
    }

    /**
     * Reads the next property name of the object the parser is in, after the property {@code previous} (or
     * {@link #END} for the first): its index, or {@link #END} when the object ends (or the input does, as
     * {@link JsonParser#nextFieldName()} returns null there); a name not among these is {@link PodBinderBase#UNBOUND}.
     */
    int next(JsonParser p, int previous) throws IOException {
        var guess = expected[previous + 1];
        if (p.nextFieldName(names[guess])) {
            return guess;
        }
        if (p.currentToken() != JsonToken.FIELD_NAME) {
            return END;
        }
        var index = indexes.get(p.currentName());
        if (index == null) {
            throw PodBinderBase.UNBOUND;
        }
        expected[previous + 1] = index;
        return index;
    }
}
