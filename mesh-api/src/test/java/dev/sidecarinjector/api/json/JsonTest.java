package dev.sidecarinjector.api.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonTest {

    @Test
    void parsesEveryKindOfValue() {
        var value = Json.parse(" {\"a\": [1, -2.5e1, true, false, null], \"b\": {\"c\": \"x\\n\\u00e9\\\"\"}} ");
        assertEquals(Map.of("a", java.util.Arrays.asList(1L, -25.0, true, false, null), "b", Map.of("c", "x\né\"")), value);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"a\":1} xyz             | unexpected content after the JSON value at offset 8",
            "{\"a\":1}{\"a\":1}        | unexpected content after the JSON value at offset 7",
            "{\"a\":1,\"a\":2}         | duplicate key \"a\" at offset 7",
            "[1,]                      | unexpected character ']' at offset 3",
            "01                        | unexpected content after the JSON value at offset 1",
            "\"abc                     | unterminated string at offset 4",
            "\"\\x\"                   | bad escape \\'x' at offset 2",
            "1e                        | bad number: digits must follow the exponent at offset 2",
            "nul                       | unexpected word at offset 0",
            "xyz                       | unexpected character 'x' at offset 0",
    })
    void refusesWhatIsNotOneJsonValueNamingTheOffset(String text, String message) {
        var error = assertThrows(JsonException.class, () -> Json.parse(text));
        assertEquals(message, error.getMessage());
    }

    @Test
    void boundsNestingAndNumbers() {
        assertThrows(JsonException.class, () -> Json.parse("[".repeat(Json.MAX_DEPTH + 2) + "]".repeat(Json.MAX_DEPTH + 2)));
        assertTrue(Json.parse("[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH)) instanceof List<?>);
        assertThrows(JsonException.class, () -> Json.parse("1" + "0".repeat(100)));
        assertThrows(JsonException.class, () -> Json.parse("1e999"));
        assertThrows(JsonException.class, () -> Json.parse("\"a\u0001\""));
    }

    @Test
    void writesWhatItReadsAndEscapesControlCharacters() {
        var json = JsonWriter.compact();
        json.value(Map.of("k", List.of("a\u0000\u001b\u2028\"\\", 7L, 1.5, true)));
        assertEquals("{\"k\":[\"a\\u0000\\u001b\\u2028\\\"\\\\\",7,1.5,true]}", json.toString());
        assertEquals(Map.of("k", List.of("a\u0000\u001b\u2028\"\\", 7L, 1.5, true)), Json.parse(json.toString()));
    }

    @Test
    void prettyOutputIndentsByTwoAndLeavesOutEmptyFields() {
        var json = JsonWriter.pretty();
        json.beginObject().field("a", 1).field("empty", List.of()).field("none", null).field("b", List.of(Map.of("c", "d"))).endObject();
        assertEquals("{\n  \"a\": 1,\n  \"b\": [\n    {\n      \"c\": \"d\"\n    }\n  ]\n}", json.toString());
    }

    @Test
    void objectReaderNamesTheFieldAndTheValue() {
        var json = JsonObject.parse("{\"port\": 70000, \"name\": 3, \"list\": [\"a\", 2], \"nested\": {\"x\": true}}", "root");
        assertEquals("root.port: 70000 is not a whole number in 1..65535",
                assertThrows(JsonException.class, () -> json.number("port", 1, 65535)).getMessage());
        assertEquals("root.name: 3 is not a string", assertThrows(JsonException.class, () -> json.string("name")).getMessage());
        assertEquals("root.list[1]: 2 is not a string", assertThrows(JsonException.class, () -> json.strings("list")).getMessage());
        assertEquals("root.missing: missing", assertThrows(JsonException.class, () -> json.string("missing")).getMessage());
        assertEquals("root.nested.x: true is not a string",
                assertThrows(JsonException.class, () -> json.object("nested", o -> o.string("x"))).getMessage());
        assertTrue(json.strings("absent").isEmpty());
    }
}
