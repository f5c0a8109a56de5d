package dev.sidecarinjector.templates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.inject.AdmissionFacts;
import dev.sidecarinjector.inject.InjectionResult;
import dev.sidecarinjector.inject.SidecarInjector;
import dev.sidecarinjector.inject.SidecarTemplates;
import dev.sidecarinjector.inject.TestSettings;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Template overrides from a directory: picked up on reload, and a bad set never replaces a good one. */
class TemplateStoreTest {

    @TempDir
    Path dir;

    @Test
    void overrideIsPickedUpAndABadOneKeepsTheLastGood() throws Exception {
        var store = new TemplateStore(Optional.of(dir), TestSettings.defaults());
        assertEquals("IfNotPresent", proxyPullPolicy(store));

        var proxy = SidecarTemplates.builtInSources().get(SidecarTemplates.PROXY);
        Files.writeString(dir.resolve(SidecarTemplates.PROXY), proxy.replace("imagePullPolicy: {proxy.imagePullPolicy}", "imagePullPolicy: Always"));
        assertTrue(store.reload());
        assertEquals("Always", proxyPullPolicy(store));
        var good = store.current().orElseThrow();

        Files.writeString(dir.resolve(SidecarTemplates.PROXY), proxy.replace("imagePullPolicy:", "imagePulPolicy:"));
        assertFalse(store.reload());
        assertSame(good, store.current().orElseThrow(), "the last good templates stay in force");
        assertTrue(store.lastError().orElseThrow().contains("imagePulPolicy"), store.lastError().orElseThrow());

        Files.writeString(dir.resolve(SidecarTemplates.PROXY), proxy);
        assertTrue(store.reload());
        assertTrue(store.lastError().isEmpty());
        assertFalse(store.reload(), "unchanged files are not recompiled");
    }

    @Test
    void invalidAtStartupMeansNoTemplates() throws Exception {
        Files.writeString(dir.resolve(SidecarTemplates.INIT), "name: {#each}");
        var store = new TemplateStore(Optional.of(dir), TestSettings.defaults());
        assertTrue(store.current().isEmpty());
        assertTrue(store.lastError().orElseThrow().contains("sidecar-init.yaml"));
    }

    private static String proxyPullPolicy(TemplateStore store) {
        var pod = new PodBuilder().withNewMetadata().withName("p").endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("app").endContainer().endSpec().build();
        var result = SidecarInjector.inject(pod, AdmissionFacts.manual("default", Map.of()), TestSettings.defaults(), store.current().orElseThrow());
        return ((InjectionResult.Injected) result).pod().getSpec().getContainers().getLast().getImagePullPolicy();
    }
}
