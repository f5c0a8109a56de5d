package dev.sidecarinjector.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import org.junit.jupiter.api.Test;

/** Template sets that must be refused, with a message that names the file and the problem. */
class SidecarTemplatesTest {

    private static LinkedHashMap<String, String> builtIn() {
        return new LinkedHashMap<>(SidecarTemplates.builtInSources());
    }

    private static String render(LinkedHashMap<String, String> sources) {
        var templates = SidecarTemplates.compile(sources);
        var spec = PodOverrides.read(java.util.Map.of(), TestSettings.defaults());
        return templates.renderProxy(SidecarRenderer.TemplateData.of(spec, TestSettings.defaults())).container().getName();
    }

    @Test
    void missingFileIsNamed() {
        var sources = builtIn();
        sources.remove(SidecarTemplates.INIT);
        var error = assertThrows(TemplateException.class, () -> SidecarTemplates.compile(sources));
        assertTrue(error.getMessage().contains("sidecar-init.yaml"), error.getMessage());
    }

    @Test
    void syntaxErrorIsNamed() {
        var sources = builtIn();
        sources.put(SidecarTemplates.PROXY, "name: {#if}\n");
        var error = assertThrows(TemplateException.class, () -> SidecarTemplates.compile(sources));
        assertTrue(error.getMessage().contains("sidecar-proxy.yaml"), error.getMessage());
    }

    @Test
    void unknownVariableFailsInsteadOfPrintingNothing() {
        var sources = builtIn();
        sources.put(SidecarTemplates.PROXY, "name: {proxy.nmae}\nimage: {proxy.image}\n");
        var error = assertThrows(TemplateException.class, () -> render(sources));
        assertTrue(error.getMessage().contains("does not render"), error.getMessage());
    }

    @Test
    void misspelledFieldIsRefused() {
        var sources = builtIn();
        sources.put(SidecarTemplates.PROXY, "name: {proxy.name}\nimage: {proxy.image}\nimagePulPolicy: Always\n");
        var error = assertThrows(TemplateException.class, () -> render(sources));
        assertTrue(error.getMessage().contains("container.imagePulPolicy"), error.getMessage());
    }

    @Test
    void brokenYamlIsRefused() {
        var sources = builtIn();
        sources.put(SidecarTemplates.PROXY, "name: {proxy.name}\n  image: [\n");
        var error = assertThrows(TemplateException.class, () -> render(sources));
        assertTrue(error.getMessage().contains("invalid YAML"), error.getMessage());
    }

    /**
     * Annotations are validated before they reach a template (golden 48 is now refused), so this renders a hostile
     * string directly: the templates' quoting is the second fence and must hold on its own.
     */
    @Test
    void aValueWithYamlSyntaxStaysOneScalar() {
        var hostile = "proxy:1\"}],privileged:true,x:[{\"#&*!|>'%@`\n- {a: b}";
        var settings = TestSettings.defaults();
        var spec = new SidecarSpec(hostile, settings.resources(), Placement.CONTAINER, false, settings.traffic(), settings.proxyUid(), settings.proxyGid(), true,
                ProxyReadiness.DEFAULT, settings.ports().status(), settings.interception());
        var proxy = SidecarTemplates.builtIn().renderProxy(SidecarRenderer.TemplateData.of(spec, settings)).container();
        assertEquals(hostile, proxy.getImage());
        assertEquals(false, proxy.getSecurityContext().getPrivileged());
    }
}
