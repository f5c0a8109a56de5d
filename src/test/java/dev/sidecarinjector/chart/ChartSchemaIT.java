package dev.sidecarinjector.chart;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * values.schema.json rejects bad values before anything renders, with a message naming the value: one case a
 * line in src/test/resources/chart/invalid/cases.tsv (the values, tab, text the error must contain).
 */
class ChartSchemaIT {

    static Stream<Arguments> invalidValues() throws Exception {
        return Files.readAllLines(Path.of("src/test/resources/chart/invalid/cases.tsv"), StandardCharsets.UTF_8).stream()
                .filter(line -> !line.isBlank() && !line.startsWith("#"))
                .map(line -> line.split("\t", 2))
                .map(parts -> Arguments.of(parts[0], parts[1]));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidValues")
    void templateRefusesValuesTheSchemaForbids(String values, String expected) throws Exception {
        var file = Files.createTempFile("values", ".yaml");
        try {
            Files.writeString(file, values + "\n");
            var result = Helm.template(file);
            assertNotEquals(0, result.exitCode(), "helm accepted " + values + ":\n" + result.describe());
            assertTrue(result.stderr().contains("values don't meet the specifications of the schema"), result.describe());
            assertTrue(result.stderr().contains(expected), "expected \"" + expected + "\" in:\n" + result.stderr());
            var lint = Helm.run("lint", Helm.CHART.toString(), "--values", file.toString());
            assertNotEquals(0, lint.exitCode(), "helm lint accepted " + values + ":\n" + lint.describe());
        } finally {
            Files.delete(file);
        }
    }
}
