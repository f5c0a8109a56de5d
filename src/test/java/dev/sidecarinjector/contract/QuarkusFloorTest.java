package dev.sidecarinjector.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The framework's floor that make bench runs beside the webhook (bench/tools/quarkus-floor) stays the webhook's
 * framework: the same Quarkus version and extensions, and only settings the webhook has too. Without this, an
 * extension added to the webhook would count against the webhook and not the floor.
 */
class QuarkusFloorTest {

    private static final Path FLOOR = Path.of("bench/tools/quarkus-floor");
    private static final Pattern VERSION = Pattern.compile("<quarkus\\.version>([^<]+)</quarkus\\.version>");
    private static final Pattern DEPENDENCY = Pattern.compile("(?s)<dependency>\\s*<groupId>([^<]+)</groupId>\\s*<artifactId>([^<]+)</artifactId>(.*?)</dependency>");

    @Test
    void theFloorHasTheWebhooksQuarkusVersionAndExtensions() throws Exception {
        var webhook = Files.readString(Path.of("pom.xml"));
        var floor = Files.readString(FLOOR.resolve("pom.xml"));
        assertEquals(version(webhook), version(floor));
        var extensions = extensions(webhook);
        assertFalse(extensions.isEmpty(), "the webhook's pom names Quarkus extensions");
        assertEquals(extensions, extensions(floor));
    }

    @Test
    void theFloorsSettingsAreTheWebhooksOwn() throws Exception {
        var webhook = Files.readAllLines(Path.of("src/main/resources/application.properties"));
        var settings = new ArrayList<String>();
        for (var line : Files.readAllLines(FLOOR.resolve("src/main/resources/application.properties"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                settings.add(line);
            }
        }
        assertFalse(settings.isEmpty());
        for (var setting : settings) {
            assertTrue(webhook.contains(setting), "the floor's " + setting + " is not the webhook's application.properties");
        }
    }

    private static String version(String pom) {
        var matcher = VERSION.matcher(pom);
        assertTrue(matcher.find(), "no quarkus.version");
        return matcher.group(1);
    }

    /** The io.quarkus artifacts the application runs with (not tests, not the BOM). */
    private static List<String> extensions(String pom) {
        var found = new TreeSet<String>();
        var matcher = DEPENDENCY.matcher(pom);
        while (matcher.find()) {
            var rest = matcher.group(3);
            if (matcher.group(1).equals("io.quarkus") && !rest.contains("<scope>test</scope>") && !rest.contains("<scope>import</scope>")) {
                found.add(matcher.group(2));
            }
        }
        return List.copyOf(found);
    }
}
