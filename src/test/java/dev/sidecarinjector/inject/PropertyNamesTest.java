package dev.sidecarinjector.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
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

    /** The indexes read, and how many of the names were the ones expected. */
    private record Read(List<Integer> indexes, int expected) {
    }

    /** Counts the names read as the one expected (Jackson's comparison of the bytes) and passes everything on. */
    private static final class Counting extends JsonParserDelegate {
        int expected;

        Counting(JsonParser parser) {
            super(parser);
        }

        @Override
        public boolean nextFieldName(SerializableString name) throws IOException {
            var same = super.nextFieldName(name);
            expected += same ? 1 : 0;
            return same;
        }
    }

    /** The names of the one object in {@code p}, each value skipped; the parser left at its end. */
    private static Read read(PropertyNames names, JsonParser parser) throws IOException {
        var p = new Counting(parser);
        assertEquals(JsonToken.START_OBJECT, p.nextToken());
        var read = new ArrayList<Integer>();
        for (var i = names.next(p, PropertyNames.END); i != PropertyNames.END; i = names.next(p, i)) {
            read.add(i);
            assertEquals(JsonToken.VALUE_NUMBER_INT, p.nextToken(), "the value after the name, at " + i);
        }
        assertEquals(JsonToken.END_OBJECT, p.currentToken());
        return new Read(read, p.expected);
    }

    private static Read fromBytes(PropertyNames names, String json) throws IOException {
        try (var p = ModelJson.MAPPER.createParser(json.getBytes(StandardCharsets.UTF_8))) {
            return read(names, p);
        }
    }

    private static Read fromTree(PropertyNames names, String json) throws IOException {
        try (var p = ModelJson.MAPPER.readTree(json).traverse()) {
            return read(names, p);
        }
    }

    @Test
    void everyOrderReadsTheSameIndexesAsItLearnsIt() throws IOException {
        var names = new PropertyNames("name", "image", "imagePullPolicy", "ports");
        // The first object: the guesses (index 0 everywhere) miss but for the first name, and the order is learnt.
        var apiOrder = "{\"name\":1,\"image\":2,\"ports\":3,\"imagePullPolicy\":4}";
        assertEquals(new Read(List.of(0, 1, 3, 2), 1), fromBytes(names, apiOrder));
        // Then every guess is right.
        assertEquals(new Read(List.of(0, 1, 3, 2), 4), fromBytes(names, apiOrder));
        // A name the expected one begins with, or one that begins with the expected one, is its own: "image" where
        // "imagePullPolicy" is expected (after "ports"), "imagePullPolicy" where "image" is (after "name").
        assertEquals(new Read(List.of(3, 1), 0), fromBytes(names, "{\"ports\":1,\"image\":2}"));
        assertEquals(new Read(List.of(0, 2), 0), fromBytes(names, "{\"name\":1,\"imagePullPolicy\":2}"));
        assertEquals(new Read(List.of(1, 2, 0), 1), fromBytes(names, "{\"image\":1,\"imagePullPolicy\":2,\"name\":3}"));
        assertEquals(new Read(List.of(), 0), fromBytes(names, "{}"));
        // Escaped, or spaced: the same names (an escaped name is never the expected one's bytes).
        assertEquals(new Read(List.of(0, 1), 0), fromBytes(names, "{ \"n\\u0061me\" : 1 , \"image\" :2 }"));
        assertEquals(new Read(List.of(0, 1), 2), fromBytes(names, "{ \"name\" : 1 , \"image\" :2 }"));
        // A tree's parser compares the names as strings: the same indexes, the same guesses.
        assertEquals(new Read(List.of(0, 1, 3, 2), 2), fromTree(names, apiOrder));
        assertEquals(new Read(List.of(2, 0), 1), fromTree(names, "{\"imagePullPolicy\":1,\"name\":2}"));
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
