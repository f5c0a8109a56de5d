package dev.sidecarinjector.config;

import dev.sidecarinjector.api.text.ShownValue;
import dev.sidecarinjector.inject.ClosestName;
import io.smallrye.config.ConfigMappings;
import io.smallrye.config.ConfigValidationException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SmallRye's refusal of a properties file said as the rest of the injector says a bad value: the property, the value
 * and what is wrong with it, one clause per property, in the order of their names; never SmallRye's codes, class names
 * or stack. Used where configuration is read outside Quarkus (kube-inject's {@code --config}).
 */
final class ConfigProblems {

    private static final Pattern UNKNOWN = Pattern.compile("SRCFG00050: (\\S+) in (.*?) does not map to any root.*", Pattern.DOTALL);
    private static final Pattern FILE_LINE = Pattern.compile("PropertiesConfigSource\\[source=(?:file:)?(.*)\\]:(\\d+)");
    private static final Pattern CONVERSION = Pattern.compile(
            ".*SRCFG00039: The config property (\\S+) with the config value \"(.*)\" threw an Exception whilst being converted (.*)", Pattern.DOTALL);
    private static final Pattern EMPTY = Pattern.compile(".*SRCFG00040: The config property (\\S+) is defined as the empty String.*", Pattern.DOTALL);
    private static final Pattern REQUIRED = Pattern.compile(".*SRCFG00014: The config property (\\S+) is required.*", Pattern.DOTALL);
    private static final Pattern ENUM = Pattern.compile(".*Cannot convert .* to enum class \\S+, allowed values: (.*)", Pattern.DOTALL);
    private static final Pattern CODES = Pattern.compile("(?:[\\w.$]+(?:Exception|Error): )|(?:SRCFG\\d+: )");

    private ConfigProblems() {
    }

    /** One message for every problem of {@code refusal}; {@code mappings} are the known properties' mappings. */
    static IllegalArgumentException describe(ConfigValidationException refusal, Collection<ConfigMappings.ConfigClass> mappings) {
        var byName = new TreeMap<String, String>();
        for (var i = 0; i < refusal.getProblemCount(); i++) {
            var said = said(refusal.getProblem(i).getMessage(), mappings);
            byName.merge(said[0], said[1], (a, b) -> a);
        }
        return new IllegalArgumentException(String.join("; ", byName.values()));
    }

    /** The property a problem is about and the sentence for it. */
    private static String[] said(String problem, Collection<ConfigMappings.ConfigClass> mappings) {
        Matcher m;
        if ((m = UNKNOWN.matcher(problem)).matches()) {
            var name = m.group(1);
            var where = FILE_LINE.matcher(m.group(2));
            var place = where.matches() ? " (line " + where.group(2) + " of " + where.group(1) + ")" : "";
            var closest = ClosestName.among(name, known(mappings)).filter(c -> ClosestName.isLikelyIntent(name, c));
            return new String[] {name, name + place + ": no such setting" + closest.map(c -> "; did you mean " + c + "?").orElse("")};
        }
        if ((m = CONVERSION.matcher(problem)).matches()) {
            var name = m.group(1);
            var value = ShownValue.of(m.group(2), "\"");
            var cause = m.group(3);
            var allowed = ENUM.matcher(cause);
            String what;
            if (allowed.matches()) {
                what = "is not one of " + String.join(", ", allowed.group(1).strip().split("\\s*,\\s*"));
            } else if (cause.contains("NumberFormatException") || cause.contains("For input string") || cause.matches("(?s).*Expected an? \\w+ value.*")) {
                what = "is not a number";
            } else {
                var reason = CODES.matcher(cause).replaceAll("").strip();
                what = reason.startsWith("is ") ? reason : "cannot be read: " + reason;
            }
            return new String[] {name, name + ": " + value + " " + what};
        }
        if ((m = EMPTY.matcher(problem)).matches()) {
            return new String[] {m.group(1), m.group(1) + ": \"\" is empty: leave the line out for the default"};
        }
        if ((m = REQUIRED.matcher(problem)).matches()) {
            return new String[] {m.group(1), m.group(1) + ": is required and not set"};
        }
        var plain = CODES.matcher(problem).replaceAll("").strip();
        return new String[] {plain, plain};
    }

    private static List<String> known(Collection<ConfigMappings.ConfigClass> mappings) {
        var names = new ArrayList<String>();
        for (var mapping : mappings) {
            names.addAll(ConfigMappings.getProperties(mapping).keySet());
        }
        return names;
    }
}
