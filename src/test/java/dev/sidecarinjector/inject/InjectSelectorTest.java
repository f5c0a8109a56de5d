package dev.sidecarinjector.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sidecarinjector.inject.InjectionWarning.Kind;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** sidecar.istio.io/inject as Istio's injector reads it: the label over the annotation, "true" or "false" exactly. */
class InjectSelectorTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
        "true|true",
        "false|false",
        "True|null",
        "TRUE|null",
        "yes|null",
        "on|null",
        "1|null",
        "' true'|null",
        "enabled|null",
        "disabled|null",
        "''|null"})
    void onlyIstiosTwoWordsDecide(String value, Boolean opted) {
        assertEquals(Optional.ofNullable(opted), InjectSelector.of(Map.of(Annotations.INJECT, value), Map.of()).orElseThrow().opted());
        assertEquals(Optional.ofNullable(opted), InjectSelector.of(Map.of(), Map.of(Annotations.INJECT, value)).orElseThrow().opted());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {"true", "false", "''"})
    void istiosWordsAndTheEmptyValueAreNotWarnedAbout(String value) {
        assertEquals(Optional.empty(), InjectSelector.warning(Map.of(Annotations.INJECT, value), Map.of()));
        assertEquals(Optional.empty(), InjectSelector.warning(Map.of(), Map.of(Annotations.INJECT, value)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {"label|yes|false", "label|maybe|true", "annotation|enabled|", "annotation|True|"})
    void theLabelIsReadWhenThePodHasItAndAnotherValueIsWarnedAbout(String where, String value, String annotation) {
        var labels = where.equals("label") ? Map.of(Annotations.INJECT, value) : Map.<String, String>of();
        var annotations = annotation != null ? Map.of(Annotations.INJECT, annotation) : where.equals("annotation") ? Map.of(Annotations.INJECT, value) : Map.<String, String>of();
        assertEquals(Optional.of(new InjectionWarning(Kind.IGNORED_VALUE, where + " sidecar.istio.io/inject: \"" + value
                        + "\" is neither \"true\" nor \"false\": read as unset, as Istio reads it (the never-inject selectors and the namespace decide)")),
                InjectSelector.warning(labels, annotations));
    }
}
