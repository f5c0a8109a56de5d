package dev.sidecarinjector.inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One of Istio's {@code neverInjectSelector} entries: a Kubernetes label selector ({@code matchLabels} and
 * {@code matchExpressions}, all of them must hold) over a pod's labels. A selector with neither matches no pod, as
 * Istio skips an empty one. {@code text} is the entry as configured, for the skip's detail.
 */
public record PodSelector(int index, Map<String, String> matchLabels, List<Requirement> matchExpressions, String text) {

    /** One {@code matchExpressions} entry. */
    public record Requirement(String key, Operator operator, Set<String> values) {

        public Requirement {
            values = Set.copyOf(values);
        }
    }

    /** Kubernetes' selector operators, spelt as in a LabelSelector. */
    public enum Operator {
        In, NotIn, Exists, DoesNotExist
    }

    /** A label key's name, after its optional DNS subdomain prefix and slash: up to 63 characters. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
    /** A label value: empty, or as a name. */
    private static final Pattern VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");

    public PodSelector {
        matchLabels = Map.copyOf(matchLabels);
        matchExpressions = List.copyOf(matchExpressions);
    }

    /** True when every label and expression holds for {@code labels}; never for an empty selector. */
    public boolean matches(Map<String, String> labels) {
        if (matchLabels.isEmpty() && matchExpressions.isEmpty()) {
            return false;
        }
        for (var label : matchLabels.entrySet()) {
            if (!label.getValue().equals(labels.get(label.getKey()))) {
                return false;
            }
        }
        for (var requirement : matchExpressions) {
            var value = labels.get(requirement.key());
            var holds = switch (requirement.operator()) {
                case In -> value != null && requirement.values().contains(value);
                case NotIn -> value == null || !requirement.values().contains(value);
                case Exists -> value != null;
                case DoesNotExist -> value == null;
            };
            if (!holds) {
                return false;
            }
        }
        return true;
    }

    /**
     * The selectors in {@code value}: a JSON (or YAML) list of label selectors, Istio's {@code neverInjectSelector}
     * shape; blank is none. Anything else is an {@link InvalidValueException} naming {@code field} and where in the list.
     */
    public static List<PodSelector> parseList(String field, String value) {
        if (value.isBlank()) {
            return List.of();
        }
        JsonNode list;
        try {
            list = PodOverrides.YAML.readTree(value);
        } catch (JsonProcessingException e) {
            throw new InvalidValueException(field, value, "is not a JSON or YAML list of label selectors");
        }
        if (list == null || !list.isArray()) {
            throw new InvalidValueException(field, value, "is not a list of label selectors ([{\"matchLabels\": {...}}, {\"matchExpressions\": [...]}])");
        }
        var selectors = new ArrayList<PodSelector>();
        for (var i = 0; i < list.size(); i++) {
            selectors.add(parse(field, value, i, list.get(i)));
        }
        return List.copyOf(selectors);
    }

    private static PodSelector parse(String field, String value, int index, JsonNode entry) {
        var at = "[" + index + "]";
        if (!entry.isObject()) {
            throw problem(field, value, at + " is not a label selector (an object with matchLabels or matchExpressions)");
        }
        var names = entry.fieldNames();
        while (names.hasNext()) {
            var name = names.next();
            if (!name.equals("matchLabels") && !name.equals("matchExpressions")) {
                throw problem(field, value, at + "." + name + " is not a field of a label selector (matchLabels, matchExpressions)");
            }
        }
        var labels = new LinkedHashMap<String, String>();
        var matchLabels = entry.path("matchLabels");
        if (!matchLabels.isMissingNode() && !matchLabels.isNull()) {
            if (!matchLabels.isObject()) {
                throw problem(field, value, at + ".matchLabels is not a map of labels");
            }
            for (var label : matchLabels.properties()) {
                key(field, value, at + ".matchLabels", label.getKey());
                labels.put(label.getKey(), labelValue(field, value, at + ".matchLabels." + label.getKey(), label.getValue()));
            }
        }
        var requirements = new ArrayList<Requirement>();
        var matchExpressions = entry.path("matchExpressions");
        if (!matchExpressions.isMissingNode() && !matchExpressions.isNull()) {
            if (!matchExpressions.isArray()) {
                throw problem(field, value, at + ".matchExpressions is not a list");
            }
            for (var j = 0; j < matchExpressions.size(); j++) {
                requirements.add(requirement(field, value, at + ".matchExpressions[" + j + "]", matchExpressions.get(j)));
            }
        }
        return new PodSelector(index, labels, requirements, entry.toString());
    }

    private static Requirement requirement(String field, String value, String at, JsonNode expression) {
        if (!expression.isObject()) {
            throw problem(field, value, at + " is not an object with key, operator and values");
        }
        var key = expression.path("key");
        if (!key.isTextual()) {
            throw problem(field, value, at + ".key is missing");
        }
        key(field, value, at + ".key", key.textValue());
        var operatorText = expression.path("operator").asText("");
        Operator operator;
        try {
            operator = Operator.valueOf(operatorText);
        } catch (IllegalArgumentException e) {
            throw problem(field, value, at + ".operator: \"" + operatorText + "\" is not one of In, NotIn, Exists, DoesNotExist");
        }
        var values = new java.util.TreeSet<String>();
        var written = expression.path("values");
        if (!written.isMissingNode() && !written.isNull()) {
            if (!written.isArray()) {
                throw problem(field, value, at + ".values is not a list");
            }
            for (var k = 0; k < written.size(); k++) {
                values.add(labelValue(field, value, at + ".values[" + k + "]", written.get(k)));
            }
        }
        var needsValues = operator == Operator.In || operator == Operator.NotIn;
        if (needsValues && values.isEmpty()) {
            throw problem(field, value, at + ".values is empty: " + operator + " needs at least one value");
        }
        if (!needsValues && !values.isEmpty()) {
            throw problem(field, value, at + ".values must be empty for " + operator);
        }
        return new Requirement(key.textValue(), operator, values);
    }

    private static void key(String field, String value, String at, String key) {
        var slash = key.indexOf('/');
        var prefixOk = slash < 0 || slash > 0 && slash <= 253 && KubernetesNames.isSubdomain(key.substring(0, slash));
        if (!prefixOk || !NAME.matcher(slash < 0 ? key : key.substring(slash + 1)).matches()) {
            throw problem(field, value, at + ": \"" + key + "\" is not a label key ([prefix/]name: a name of up to 63 letters, digits, '-', '_' and '.')");
        }
    }

    private static String labelValue(String field, String value, String at, JsonNode node) {
        if (!node.isTextual() || !VALUE.matcher(node.textValue()).matches()) {
            throw problem(field, value, at + ": " + node + " is not a label value (a string of up to 63 letters, digits, '-', '_' and '.')");
        }
        return node.textValue();
    }

    private static InvalidValueException problem(String field, String value, String problem) {
        return new InvalidValueException(field, value, "is not a list of label selectors: " + problem);
    }
}
