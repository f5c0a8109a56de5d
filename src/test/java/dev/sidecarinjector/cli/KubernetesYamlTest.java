package dev.sidecarinjector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** What kube-inject writes reads back as what it was, in kubectl's YAML (go-yaml v2) and in YAML 1.1. */
class KubernetesYamlTest {

    /** Strings go-yaml resolves to numbers, booleans or null when plain (found written bare, and so corrupted by kubectl). */
    private static final List<String> NOT_STRINGS_WHEN_PLAIN = List.of("1234e56", "1e3", "12e03", "0e0", "0x1F", "0X1", "0o17", "0b101", "0B1",
            "1_000", "1__0", "0x_1", ".inf", "-.Inf", "+.INF", ".NaN", "09", "+1", "-0b1", ".5", "1.", "-1.5e-3", "10:30", "1:20:30.5", "~",
            "Null", "yes", "On", "Y", "n", "OFF", "<<", "._", "");

    private static String written(String value) throws Exception {
        var document = JsonNodeFactory.instance.objectNode().put("value", value);
        return KubernetesYaml.MAPPER.writeValueAsString(document).strip();
    }

    private static JsonNode readBack(String yaml) {
        try (var documents = new YamlDocuments(yaml)) {
            return documents.next();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void stringsThatReadAsNumbersBooleansOrNullAreQuoted() throws Exception {
        for (var value : NOT_STRINGS_WHEN_PLAIN) {
            assertTrue(KubernetesYaml.readAsAnotherType(value), value);
            var yaml = written(value);
            assertTrue(yaml.equals("value: \"" + value + "\"") || yaml.equals("value: '" + value + "'"), yaml);
            assertEquals(value, readBack(yaml).get("value").textValue(), yaml);
        }
    }

    @Test
    void otherStringsStayPlain() throws Exception {
        for (var value : List.of("web", "nginx:1.25", "1.2.3", "v1", "1234e56x", "0x1G", "0b102", "1e", "e3", "_1", "1-2", "10.0.0.1",
                "0.0.0.0/0", "1:60", "yess", "Nope")) {
            assertEquals("value: " + value, written(value), value);
        }
    }

    @Test
    void keysAreQuotedByTheSameRule() throws Exception {
        var yaml = KubernetesYaml.MAPPER.writeValueAsString(Map.of("0x1F", "a"));
        assertEquals("\"0x1F\": a", yaml.strip());
    }

    @Test
    void anyShortStringOfDigitsSignsAndNumberLettersReadsBackAsItself() throws Exception {
        var alphabet = "0123456789+-._:eExXoObBabfinINFaNn".toCharArray();
        var random = new Random(11);
        var values = new ArrayList<String>();
        for (var i = 0; i < 20_000; i++) {
            var text = new StringBuilder();
            for (var n = 1 + random.nextInt(6); n > 0; n--) {
                text.append(alphabet[random.nextInt(alphabet.length)]);
            }
            values.add(text.toString());
        }
        for (var value : values) {
            var back = readBack(written(value)).get("value");
            assertTrue(back.isTextual() && back.textValue().equals(value), value + " read back as " + back);
        }
    }

    @Test
    void aPlainValueYaml11TakesForAMalformedNumberIsTheStringKubectlReads() {
        var document = readBack("dot: ._\nunder: _.\nsign: +._\n");
        assertEquals("._", document.get("dot").textValue());
        assertEquals("_.", document.get("under").textValue());
        assertEquals("+._", document.get("sign").textValue());
    }

    @Test
    void anEmptyPlainValueIsNullAndAQuotedOneAnEmptyString() {
        var document = readBack("annotations:\nempty: \"\"\nsingle: ''\nnothing: null\n");
        assertTrue(document.get("annotations").isNull(), document.toString());
        assertEquals("", document.get("empty").textValue());
        assertEquals("", document.get("single").textValue());
        assertTrue(document.get("nothing").isNull());
    }
}
