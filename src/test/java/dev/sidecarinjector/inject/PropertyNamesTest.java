package dev.sidecarinjector.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link PropertyNames} reads each name as its index whether or not it was the name expected, in whatever order the
 * object has them, from bytes and from a tree; it learns the order it sees, and refuses a name it does not have.
 */
class PropertyNamesTest {

    /** The indexes of the names of the one object in {@code json}, each value skipped; the parser left at its end. */
    private static List<Integer> read(PropertyNames names, JsonParser p) throws IOException {
        assertEquals(JsonToken.START_OBJECT, p.nextToken());
        var read = new ArrayList<Integer>();
        for (var i = names.next(p, PropertyNames.END); i != PropertyNames.END; i = names.next(p, i)) {
            read.add(i);
            assertEquals(JsonToken.VALUE_NUMBER_INT, p.nextToken(), "the value after the name, at " + i);
        }
        assertEquals(JsonToken.END_OBJECT, p.currentToken());
        return read;
    }

    private static List<Integer> fromBytes(PropertyNames names, String json) throws IOException {
        try (var p = ModelJson.MAPPER.createParser(json.getBytes(StandardCharsets.UTF_8))) {
            return read(names, p);
        }
    }

    private static List<Integer> fromTree(PropertyNames names, String json) throws IOException {
        try (var p = ModelJson.MAPPER.readTree(json).traverse()) {
            return read(names, p);
        }
    }

    @Test
    void everyOrderReadsTheSameIndexesAsItLearnsIt() throws IOException {
        var names = new PropertyNames("name", "image", "imagePullPolicy", "ports");
        // The first object: the guesses (index 0 everywhere) miss but for the first name, and the order is learnt.
        var apiOrder = "{\"name\":1,\"image\":2,\"ports\":3,\"imagePullPolicy\":4}";
        assertEquals(List.of(0, 1, 3, 2), fromBytes(names, apiOrder));
        // Then every guess hits; a name that is only a prefix of the one expected ("image" for "imagePullPolicy") is not it.
        assertEquals(List.of(0, 1, 3, 2), fromBytes(names, apiOrder));
        assertEquals(List.of(1, 2, 0), fromBytes(names, "{\"image\":1,\"imagePullPolicy\":2,\"name\":3}"));
        assertEquals(List.of(0, 1), fromBytes(names, "{\"name\":1,\"image\":2}"));
        assertEquals(List.of(), fromBytes(names, "{}"));
        // Escaped, or spaced: the same names.
        assertEquals(List.of(0, 1), fromBytes(names, "{ \"n\\u0061me\" : 1 , \"image\" :2 }"));
        assertEquals(List.of(0, 1, 3, 2), fromTree(names, apiOrder));
        assertEquals(List.of(2, 0), fromTree(names, "{\"imagePullPolicy\":1,\"name\":2}"));
    }

    @Test
    void aNameNotAmongThemIsUnbound() throws IOException {
        var names = new PropertyNames("name", "image");
        for (var json : List.of("{\"name\":1,\"tag\":2}", "{\"Name\":1}", "{\"nam\":1}", "{\"names\":1}")) {
            var error = assertThrows(PodBinderBase.Unbound.class, () -> fromBytes(names, json), json);
            assertSame(PodBinderBase.UNBOUND, error);
        }
    }

    @Test
    void noPropertiesOrANameTwiceIsRefused() {
        assertThrows(IllegalArgumentException.class, PropertyNames::new);
        assertThrows(IllegalArgumentException.class, () -> new PropertyNames("name", "name"));
    }
}
