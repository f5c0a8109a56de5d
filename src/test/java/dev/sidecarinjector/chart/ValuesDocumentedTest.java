package dev.sidecarinjector.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sidecarinjector.inject.Golden;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every value in values.yaml is documented with a {@code # --} comment (helm-docs style) on itself or on the
 * map it belongs to (so {@code resources:} documents its requests and limits), as cert-manager's chart does;
 * and the chart README's values table is made from those comments (rewrite it with -Dgolden.update=true).
 */
class ValuesDocumentedTest {

    private static final Pattern KEY = Pattern.compile("^(\\s*)([A-Za-z0-9_.\\-\"]+):(.*)$");
    private static final String START = "<!-- values:start (generated from values.yaml by ValuesDocumentedTest) -->";
    private static final String END = "<!-- values:end -->";

    /** A documented value: where it is, what its comment says, and its default. */
    record Documented(String path, String description, JsonNode value) {
    }

    /** Documented values, and the keys that are neither documented nor inside a documented map. */
    record Survey(List<Documented> documented, List<String> undocumented, int keys) {
    }

    static Survey survey() throws Exception {
        var lines = Files.readAllLines(Helm.CHART.resolve("values.yaml"));
        var tree = new ObjectMapper(new YAMLFactory()).readTree(Helm.CHART.resolve("values.yaml").toFile());
        var documented = new ArrayList<Documented>();
        var undocumented = new ArrayList<String>();
        var stack = new ArrayList<int[]>();
        var path = new ArrayList<String>();
        String comment = null;
        var keys = 0;
        for (var line : lines) {
            var stripped = line.strip();
            if (stripped.startsWith("# --")) {
                comment = stripped.substring(4).strip();
                continue;
            }
            if (comment != null && stripped.startsWith("#")) {
                comment = comment + " " + stripped.substring(1).strip();
                continue;
            }
            var match = KEY.matcher(line);
            if (line.isBlank() || stripped.startsWith("#") || stripped.startsWith("-") || !match.matches()) {
                continue;
            }
            var indent = match.group(1).length();
            while (!stack.isEmpty() && stack.getLast()[0] >= indent) {
                stack.removeLast();
                path.removeLast();
            }
            var inherited = stack.stream().anyMatch(level -> level[1] == 1);
            var isMap = match.group(3).isBlank();
            path.add(match.group(2));
            keys++;
            var dotted = String.join(".", path);
            if (comment != null) {
                var node = tree;
                for (var part : path) {
                    node = node.path(part);
                }
                documented.add(new Documented(dotted, comment, node));
            } else if (!inherited && !isMap) {
                undocumented.add(dotted);
            }
            stack.add(new int[] {indent, comment != null ? 1 : 0});
            comment = null;
        }
        return new Survey(documented, undocumented, keys);
    }

    @Test
    void everyValueHasADashDashComment() throws Exception {
        var survey = survey();
        assertTrue(survey.keys() > 60, "values.yaml parsed too few keys: " + survey.keys());
        assertEquals(List.of(), survey.undocumented(), "values without a # -- comment");
    }

    @Test
    void readmeListsEveryValue() throws Exception {
        var table = new StringBuilder("| Key | Type | Default | Description |\n| --- | --- | --- | --- |\n");
        for (var value : survey().documented()) {
            table.append("| `").append(value.path()).append("` | ").append(type(value.value())).append(" | `")
                    .append(value.value().toString().replace("|", "\\|")).append("` | ")
                    .append(value.description().replace("|", "\\|")).append(" |\n");
        }
        var readme = Helm.CHART.resolve("README.md");
        var text = Files.readString(readme);
        var start = text.indexOf(START);
        var end = text.indexOf(END);
        assertTrue(start >= 0 && end > start, readme + " must keep the markers " + START + " and " + END);
        var actual = text.substring(0, start + START.length()) + "\n" + table + text.substring(end);
        if (Golden.updating()) {
            Files.writeString(readme, actual);
            return;
        }
        assertEquals(actual, text, "the README's values table is stale: run with -Dgolden.update=true and review it");
    }

    private static String type(JsonNode node) {
        return switch (node.getNodeType()) {
            case STRING -> "string";
            case NUMBER -> "int";
            case BOOLEAN -> "bool";
            case ARRAY -> "list";
            case OBJECT -> "object";
            default -> "string";
        };
    }
}
