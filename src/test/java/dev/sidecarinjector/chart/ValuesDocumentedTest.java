package dev.sidecarinjector.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every value in values.yaml is documented with a {@code # --} comment (helm-docs style) on itself or on the
 * map it belongs to (so {@code resources:} documents its requests and limits), as cert-manager's chart does.
 */
class ValuesDocumentedTest {

    private static final Pattern KEY = Pattern.compile("^(\\s*)([A-Za-z0-9_.\\-\"]+):(.*)$");

    @Test
    void everyValueHasADashDashComment() throws Exception {
        var lines = Files.readAllLines(Helm.CHART.resolve("values.yaml"));
        var undocumented = new ArrayList<String>();
        // Indentation and documentation of the maps enclosing the current line.
        var stack = new ArrayList<int[]>();
        var path = new ArrayList<String>();
        var documented = false;
        var keys = 0;
        for (var line : lines) {
            if (line.strip().startsWith("# --")) {
                documented = true;
                continue;
            }
            var match = KEY.matcher(line);
            if (line.isBlank() || line.strip().startsWith("#") || line.strip().startsWith("-") || !match.matches()) {
                continue;
            }
            var indent = match.group(1).length();
            while (!stack.isEmpty() && stack.getLast()[0] >= indent) {
                stack.removeLast();
                path.removeLast();
            }
            var inherited = stack.stream().anyMatch(level -> level[1] == 1);
            var isMap = match.group(3).isBlank();
            keys++;
            if (!documented && !inherited && !isMap) {
                undocumented.add(String.join(".", path) + (path.isEmpty() ? "" : ".") + match.group(2));
            }
            stack.add(new int[] {indent, documented ? 1 : 0});
            path.add(match.group(2));
            documented = false;
        }
        assertTrue(keys > 60, "values.yaml parsed too few keys: " + keys);
        assertEquals(List.of(), undocumented, "values without a # -- comment");
    }
}
