package dev.sidecarinjector.cli;

import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * The YAML dialect kube-inject reads and writes, as kubectl does: an empty plain value is null (go-yaml's rule; {@code
 * annotations:} with nothing after it), no line folding, and every string that go-yaml or a YAML 1.1 reader would take
 * for something else written in quotes: {@code "1234e56"}, {@code "0x1F"}, {@code "1_000"}, {@code ".inf"}, {@code "on"}
 * stay strings when kubectl reads the output back.
 */
public final class KubernetesYaml {

    public static final YAMLMapper MAPPER = YAMLMapper.builder(YAMLFactory.builder()
                    .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .disable(YAMLGenerator.Feature.SPLIT_LINES)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                    .stringQuotingChecker(new Quoting())
                    .build())
            .build();

    /** Plain scalars go-yaml v2 (sigs.k8s.io/yaml, so kubectl) resolves to something other than a string, as its resolve table spells them. */
    private static final Set<String> RESERVED = Set.of("~", "null", "Null", "NULL", "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
            "true", "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", ".inf", ".Inf", ".INF", "+.inf", "+.Inf",
            "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN", "<<");
    /**
     * A number to go-yaml once it has dropped the underscores: Go's integers with or without a base prefix (0x, 0o,
     * 0b, a leading 0) and go-yaml's floats ({@code yamlStyleFloat}, exponents included).
     */
    private static final Pattern NUMBER = Pattern.compile("[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
    /** YAML 1.1's implicit types as SnakeYAML, and so this project's own reading, resolves them (base 60, {@code =}, {@code ._}). */
    private static final Resolver YAML_1_1 = new Resolver();

    private KubernetesYaml() {
    }

    /** True when a plain scalar of this text would not be read back as this string, by go-yaml or by YAML 1.1. */
    static boolean readAsAnotherType(String text) {
        return goYamlReadsAsAnotherType(text) || YAML_1_1.resolve(NodeId.scalar, text, true) != Tag.STR;
    }

    /** True when go-yaml (and so kubectl) reads a plain scalar of this text as null, a boolean or a number. */
    static boolean goYamlReadsAsAnotherType(String text) {
        if (text.isEmpty() || RESERVED.contains(text)) {
            return true;
        }
        var first = text.charAt(0);
        return (first >= '0' && first <= '9' || first == '+' || first == '-' || first == '.') && NUMBER.matcher(text.replace("_", "")).matches();
    }

    private static final class Quoting extends StringQuotingChecker.Default {
        @Override
        public boolean needToQuoteName(String name) {
            return super.needToQuoteName(name) || readAsAnotherType(name);
        }

        @Override
        public boolean needToQuoteValue(String value) {
            return super.needToQuoteValue(value) || readAsAnotherType(value);
        }
    }
}
