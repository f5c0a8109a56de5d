package dev.sidecarinjector.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sidecarinjector.api.text.ShownValue;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Istio's neverInjectSelector: label selectors over the pod's labels, read only where the pod itself says nothing. */
class NeverInjectSelectorTest {

    private static final String FIELD = "injector.namespaces.never-inject-selector";
    private static final String SELECTORS = """
            [{"matchExpressions": [{"key": "openshift.io/build.name", "operator": "Exists"}]},
             {"matchLabels": {"app": "batch"}, "matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["web"]}]}]""";
    private static final InjectionSettings SETTINGS = TestSettings.with(Map.of(FIELD, SELECTORS));
    private static final Map<String, String> ENABLED = Map.of("istio-injection", "enabled");

    private static InjectionDecision decide(Map<String, String> labels, Map<String, String> annotations) {
        Pod pod = new PodBuilder().withNewMetadata().withName("web").withLabels(labels).withAnnotations(annotations).endMetadata()
                .withNewSpec().addNewContainer().withName("web").withImage("nginx").endContainer().endSpec().build();
        return InjectionPolicy.decide(pod, new AdmissionFacts("CREATE", "demo", ENABLED, true), SETTINGS);
    }

    @Test
    void aPodAMatchingSelectorNamesIsSkippedNamingTheSelector() {
        var skip = assertInstanceOf(InjectionDecision.Skip.class, decide(Map.of("openshift.io/build.name", "app-1"), Map.of()));
        assertEquals(SkipReason.NEVER_INJECT_SELECTOR, skip.reason());
        assertEquals("selector 0: {\"matchExpressions\":[{\"key\":\"openshift.io/build.name\",\"operator\":\"Exists\"}]}", skip.detail());
        var second = assertInstanceOf(InjectionDecision.Skip.class, decide(Map.of("app", "batch"), Map.of()));
        assertEquals("selector 1: {\"matchLabels\":{\"app\":\"batch\"},\"matchExpressions\":[{\"key\":\"tier\",\"operator\":\"NotIn\",\"values\":[\"web\"]}]}",
                second.detail());
    }

    @Test
    void aPodNoSelectorMatchesIsDecidedAsBefore() {
        assertInstanceOf(InjectionDecision.Inject.class, decide(Map.of("app", "batch", "tier", "web"), Map.of()));
        assertInstanceOf(InjectionDecision.Inject.class, decide(Map.of("app", "web"), Map.of()));
    }

    @Test
    void thePodsOwnTrueOrFalseWinsAndAValueReadAsUnsetDoesNot() {
        var build = Map.of("openshift.io/build.name", "app-1");
        var labelled = new java.util.HashMap<>(build);
        labelled.put(Annotations.INJECT, "true");
        assertInstanceOf(InjectionDecision.Inject.class, decide(labelled, Map.of()));
        assertInstanceOf(InjectionDecision.Inject.class, decide(build, Map.of(Annotations.INJECT, "true")));
        labelled.put(Annotations.INJECT, "yes");
        assertEquals(SkipReason.NEVER_INJECT_SELECTOR, assertInstanceOf(InjectionDecision.Skip.class, decide(labelled, Map.of())).reason());
    }

    @Test
    void vaultAgentStillAppliesAsVaultK8sIgnoresIstiosSelectors() {
        var inject = assertInstanceOf(InjectionDecision.Inject.class,
                decide(Map.of("openshift.io/build.name", "app-1"), Map.of(VaultAnnotations.INJECT, "true", VaultAnnotations.ROLE, "app")));
        assertEquals(List.of(TemplateNames.VAULT_AGENT), inject.templates());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "In|'app'|'[\"a\",\"b\"]'|a|true",
        "In|'app'|'[\"a\",\"b\"]'|c|false",
        "In|'app'|'[\"a\"]'||false",
        "NotIn|'app'|'[\"a\"]'|a|false",
        "NotIn|'app'|'[\"a\"]'|b|true",
        "NotIn|'app'|'[\"a\"]'||true",
        "Exists|'app'|'[]'|x|true",
        "Exists|'app'|'[]'||false",
        "DoesNotExist|'app'|'[]'||true",
        "DoesNotExist|'app'|'[]'|x|false"})
    void operatorsMatchAsKubernetesDoes(String operator, String key, String values, String label, boolean matches) {
        var selector = PodSelector.parseList(FIELD, "[{\"matchExpressions\": [{\"key\": \"" + key + "\", \"operator\": \"" + operator + "\", \"values\": " + values + "}]}]")
                .getFirst();
        assertEquals(matches, selector.matches(label == null ? Map.of() : Map.of(key, label)));
    }

    @Test
    void anEmptySelectorMatchesNothingAndABlankValueIsNone() {
        assertEquals(false, PodSelector.parseList(FIELD, "[{}]").getFirst().matches(Map.of("app", "web")));
        assertEquals(List.of(), PodSelector.parseList(FIELD, " "));
        assertEquals(List.of(), TestSettings.defaults().neverInjectSelectors());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "'{\"matchLabels\": {}}'|is not a list of label selectors ([{\"matchLabels\": {...}}, {\"matchExpressions\": [...]}])",
        "'[1'|is not a JSON or YAML list of label selectors",
        "'[\"app=web\"]'|is not a list of label selectors: [0] is not a label selector (an object with matchLabels or matchExpressions)",
        "'[{\"matchLabel\": {\"app\": \"web\"}}]'|is not a list of label selectors: [0].matchLabel is not a field of a label selector (matchLabels, matchExpressions)",
        "'[{\"matchLabels\": {\"app\": 1}}]'|is not a list of label selectors: [0].matchLabels.app: 1 is not a label value (a string of up to 63 letters, digits, '-', '_' and '.')",
        "'[{\"matchLabels\": {\"bad key!\": \"a\"}}]'|is not a list of label selectors: [0].matchLabels: \"bad key!\" is not a label key ([prefix/]name: a name of up to 63 letters, digits, '-', '_' and '.')",
        "'[{\"matchExpressions\": [{\"key\": \"app\", \"operator\": \"in\", \"values\": [\"a\"]}]}]'|is not a list of label selectors: [0].matchExpressions[0].operator: \"in\" is not one of In, NotIn, Exists, DoesNotExist",
        "'[{\"matchExpressions\": [{\"key\": \"app\", \"operator\": \"In\"}]}]'|is not a list of label selectors: [0].matchExpressions[0].values is empty: In needs at least one value",
        "'[{\"matchExpressions\": [{\"key\": \"app\", \"operator\": \"Exists\", \"values\": [\"a\"]}]}]'|is not a list of label selectors: [0].matchExpressions[0].values must be empty for Exists",
        "'[{\"matchExpressions\": [{\"operator\": \"Exists\"}]}]'|is not a list of label selectors: [0].matchExpressions[0].key is missing"})
    void aBadListIsRefusedNamingTheSettingAndWhere(String value, String problem) {
        var error = assertThrows(InvalidValueException.class, () -> TestSettings.with(Map.of(FIELD, value)));
        assertEquals(FIELD + ": " + ShownValue.of(value, "\"") + " " + problem, error.getMessage());
    }
}
