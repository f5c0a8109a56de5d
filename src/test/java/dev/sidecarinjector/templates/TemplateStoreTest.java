package dev.sidecarinjector.templates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.inject.AdmissionFacts;
import dev.sidecarinjector.inject.Annotations;
import dev.sidecarinjector.inject.InjectionResult;
import dev.sidecarinjector.inject.PatchedPods;
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

/** Templates from a directory: replace or add by name, picked up on reload, and a bad set never replaces a good one. */
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

    @Test
    void aFileAddsATemplateByNameThatSeesThePodsAnnotations() throws Exception {
        Files.writeString(dir.resolve("debug-shell.yaml"), """
                containers:
                - name: debug-shell
                  image: {pod.annotations.get('example.com/debug-image') ?: 'busybox:1.36'}
                  command: [sleep, infinity]
                """);
        var store = new TemplateStore(Optional.of(dir), TestSettings.defaults());
        assertEquals(Optional.empty(), store.lastError());
        var templates = store.current().orElseThrow();
        assertEquals(java.util.List.of("config-reloader", "debug-shell", "log-shipper", "sidecar", "vault-agent"), java.util.List.copyOf(templates.names()));
        var pod = pod(Map.of(Annotations.TEMPLATES, "debug-shell", "example.com/debug-image", "nicolaka/netshoot:v0.13"));
        var injected = (InjectionResult.Injected) SidecarInjector.inject(pod, AdmissionFacts.manual("default", Map.of()), TestSettings.defaults(), templates);
        assertEquals("nicolaka/netshoot:v0.13", PatchedPods.apply(pod, injected).getSpec().getContainers().getLast().getImage());
    }

    @Test
    void aFileReplacesABuiltInTemplateByNameWithTheSameValues() throws Exception {
        var builtIn = SidecarTemplates.builtInSources().get("log-shipper.yaml");
        Files.writeString(dir.resolve("log-shipper.yaml"), builtIn.replace("- --flush\n  - \"1\"", "- --flush\n  - \"5\""));
        var store = new TemplateStore(Optional.of(dir), TestSettings.defaults());
        assertEquals(Optional.empty(), store.lastError());
        var pod = pod(Map.of(Annotations.TEMPLATES, "log-shipper", Annotations.LOG_DIRECTORY, "/logs"));
        var injected = (InjectionResult.Injected) SidecarInjector.inject(pod, AdmissionFacts.manual("default", Map.of()), TestSettings.defaults(), store.current().orElseThrow());
        var shipper = PatchedPods.apply(pod, injected).getSpec().getContainers().getLast();
        assertEquals(java.util.List.of("--flush", "5"), shipper.getArgs().subList(0, 2));
        assertTrue(shipper.getArgs().contains("path=/logs/*.log"), shipper.getArgs().toString());
    }

    @Test
    void aBadNamedTemplateIsRefusedNamingItsFileAndTheLastGoodSetStays() throws Exception {
        var store = new TemplateStore(Optional.of(dir), TestSettings.defaults());
        var good = store.current().orElseThrow();
        Files.writeString(dir.resolve("debug-shell.yaml"), "containers:\n- name: debug-shell\n  image: busybox\nsidecars: []\n");
        assertFalse(store.reload());
        assertSame(good, store.current().orElseThrow());
        assertTrue(store.lastError().orElseThrow().startsWith("template debug-shell.yaml renders the key sidecars, which is not one of"), store.lastError().orElseThrow());

        Files.writeString(dir.resolve("debug-shell.yaml"), "containers:\n- name: debug-shell\n  imagePulPolicy: Always\n");
        assertFalse(store.reload());
        assertTrue(store.lastError().orElseThrow().contains("containers[0].imagePulPolicy"), store.lastError().orElseThrow());

        Files.delete(dir.resolve("debug-shell.yaml"));
        Files.writeString(dir.resolve("Debug_Shell.yaml"), "containers: []\n");
        assertFalse(store.reload());
        assertTrue(store.lastError().orElseThrow().startsWith("template file Debug_Shell.yaml does not name a template"), store.lastError().orElseThrow());

        Files.delete(dir.resolve("Debug_Shell.yaml"));
        Files.writeString(dir.resolve("sidecar.yaml"), "containers: []\n");
        assertFalse(store.reload());
        assertTrue(store.lastError().orElseThrow().contains("the sidecar template is made of sidecar-proxy.yaml"), store.lastError().orElseThrow());
    }

    /** The user's report: both were hot-reloaded without an error and injected as written, so the API server refused every pod. */
    @Test
    void aTemplateRenderingAContainerKubernetesRefusesIsRefusedAtLoadNamingItAndTheLastGoodSetStays() throws Exception {
        Files.writeString(dir.resolve("debug-shell.yaml"), "containers:\n- name: debug-shell\n  image: busybox\n");
        var store = new TemplateStore(Optional.of(dir), TestSettings.defaults());
        var good = store.current().orElseThrow();

        Files.writeString(dir.resolve("badname.yaml"), "containers:\n- name: Dbg_Shell\n  image: busybox\n");
        assertFalse(store.reload());
        assertSame(good, store.current().orElseThrow(), "the last good templates stay in force");
        assertEquals("template badname.yaml: container \"Dbg_Shell\": name: \"Dbg_Shell\" is not a valid container name (a DNS-1123 label: lowercase "
                + "letters, digits and '-', starting and ending with a letter or digit, at most 63 characters) (while rendering a sample pod with template badname)",
                store.lastError().orElseThrow());

        Files.delete(dir.resolve("badname.yaml"));
        Files.writeString(dir.resolve("badqty.yaml"), "containers:\n- name: q\n  image: busybox\n  resources:\n    limits:\n      cpu: lots\n");
        assertFalse(store.reload());
        assertSame(good, store.current().orElseThrow());
        assertEquals("template badqty.yaml: container \"q\": resources.limits.cpu: \"lots\" is not a resource quantity (examples: 100m, 0.5, 64Mi, 1Gi)"
                + " (while rendering a sample pod with template badqty)", store.lastError().orElseThrow());

        Files.writeString(dir.resolve("badqty.yaml"), "containers:\n- name: debug\n  image: busybox\n  securityContext:\n    runAsUser: \"root\"\n");
        assertFalse(store.reload());
        assertEquals("template badqty.yaml: container \"debug\": securityContext.runAsUser: \"root\" is not an integer (while rendering a sample pod with template badqty)",
                store.lastError().orElseThrow());
        assertFalse(store.lastError().orElseThrow().contains("java."), "no Java class names");

        Files.delete(dir.resolve("badqty.yaml"));
        assertTrue(store.reload());
        assertTrue(store.lastError().isEmpty());
    }

    /** The sample pod has not the volumes of the pods a template is written for: a mount of one of those is checked per pod, not at load. */
    @Test
    void aTemplateMountingAVolumeItsPodsBringLoadsAndAPodWithoutItIsRefused() throws Exception {
        Files.writeString(dir.resolve("backup.yaml"), "containers:\n- name: backup\n  image: busybox\n  volumeMounts:\n  - name: data\n    mountPath: /data\n");
        var store = new TemplateStore(Optional.of(dir), TestSettings.defaults());
        assertEquals(Optional.empty(), store.lastError());
        var rejected = (InjectionResult.Rejected) SidecarInjector.inject(pod(Map.of(Annotations.TEMPLATES, "backup")), AdmissionFacts.manual("default", Map.of()),
                TestSettings.defaults(), store.current().orElseThrow());
        assertEquals("template backup.yaml: container \"backup\": volumeMounts[0].name: \"data\" names no volume of the pod (spec.volumes) nor of the templates applied",
                rejected.message());
    }

    @Test
    void aTemplateThatCollidesWithTheSidecarIsRefusedWhenTheyAreCombined() throws Exception {
        Files.writeString(dir.resolve("second-proxy.yaml"), "containers:\n- name: sidecar-proxy\n  image: other:1\n");
        var store = new TemplateStore(Optional.of(dir), TestSettings.defaults());
        assertEquals(Optional.empty(), store.lastError(), "alone it is valid");
        var result = SidecarInjector.inject(pod(Map.of(Annotations.TEMPLATES, "sidecar,second-proxy")), AdmissionFacts.manual("default", Map.of()),
                TestSettings.defaults(), store.current().orElseThrow());
        var rejected = (InjectionResult.Rejected) result;
        assertEquals(InjectionResult.FailureReason.TEMPLATE_ERROR, rejected.reason());
        assertEquals("templates sidecar and second-proxy both inject a container named sidecar-proxy, so they cannot be applied together", rejected.message());
    }

    /** As the mesh directory: {@code .yml}, and the extension in any case, is YAML too. */
    @Test
    void aYmlFileIsATemplateAsAYamlOneIs() throws Exception {
        Files.writeString(dir.resolve("debug.yml"), "containers:\n- name: debug\n  image: busybox:1.36\n");
        Files.writeString(dir.resolve("shell.YAML"), "containers:\n- name: shell\n  image: busybox:1.36\n");
        var proxy = SidecarTemplates.builtInSources().get(SidecarTemplates.PROXY);
        Files.writeString(dir.resolve("sidecar-proxy.yml"), proxy.replace("imagePullPolicy: {proxy.imagePullPolicy}", "imagePullPolicy: Always"));
        var store = new TemplateStore(Optional.of(dir), TestSettings.defaults());
        assertEquals(Optional.empty(), store.lastError());
        assertTrue(store.current().orElseThrow().names().containsAll(java.util.List.of("debug", "shell")), store.current().orElseThrow().names().toString());
        assertEquals("Always", proxyPullPolicy(store), "sidecar-proxy.yml replaces the proxy's part");

        Files.writeString(dir.resolve("debug.yaml"), "containers:\n- name: debug\n  image: busybox:1.37\n");
        assertFalse(store.reload());
        assertEquals("template files debug.yaml and debug.yml are both debug: keep one", store.lastError().orElseThrow());
        Files.delete(dir.resolve("debug.yaml"));
        Files.writeString(dir.resolve("Debug.yml"), "containers: []\n");
        assertFalse(store.reload());
        assertTrue(store.lastError().orElseThrow().startsWith("template file Debug.yml does not name a template: expected NAME.yaml or NAME.yml"),
                store.lastError().orElseThrow());
    }

    @Test
    void aFileOfAnotherExtensionIsSaidToBeSkippedOnce() throws Exception {
        Files.writeString(dir.resolve("debug.txt"), "containers: []\n");
        Files.writeString(dir.resolve("README.md"), "templates\n");
        var records = new java.util.ArrayList<String>();
        var handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                records.add(java.text.MessageFormat.format(record.getMessage(), record.getParameters()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        var logger = java.util.logging.Logger.getLogger(TemplateStore.class.getName());
        logger.addHandler(handler);
        try {
            var store = new TemplateStore(Optional.of(dir), TestSettings.defaults());
            Files.writeString(dir.resolve("other.yaml"), "containers:\n- name: other\n  image: busybox:1.36\n");
            assertTrue(store.reload());
            assertEquals(java.util.Set.of("debug.txt", "README.md"), store.skippedFiles());
            var skipped = records.stream().filter(line -> line.contains("is skipped")).toList();
            assertEquals(java.util.List.of("templates directory " + dir + ": README.md is skipped: a template file is NAME.yaml or NAME.yml",
                    "templates directory " + dir + ": debug.txt is skipped: a template file is NAME.yaml or NAME.yml"), skipped);
        } finally {
            logger.removeHandler(handler);
        }
    }

    @Test
    void aConfigMapMountsDotEntriesAreNotTemplates() throws Exception {
        var data = Files.createDirectories(dir.resolve("..2026_11_30_01_00_00.000000001"));
        Files.writeString(data.resolve("debug-shell.yaml"), "containers: []\n");
        Files.createSymbolicLink(dir.resolve("..data"), data.getFileName());
        Files.createSymbolicLink(dir.resolve("debug-shell.yaml"), Path.of("..data/debug-shell.yaml"));
        var store = new TemplateStore(Optional.of(dir), TestSettings.defaults());
        assertEquals(Optional.empty(), store.lastError());
        assertTrue(store.current().orElseThrow().names().contains("debug-shell"));
    }

    private static io.fabric8.kubernetes.api.model.Pod pod(Map<String, String> annotations) {
        return new PodBuilder().withNewMetadata().withName("p").withAnnotations(annotations).endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("app").endContainer().endSpec().build();
    }

    private static String proxyPullPolicy(TemplateStore store) {
        var pod = new PodBuilder().withNewMetadata().withName("p").endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("app").endContainer().endSpec().build();
        var result = SidecarInjector.inject(pod, AdmissionFacts.manual("default", Map.of()), TestSettings.defaults(), store.current().orElseThrow());
        return PatchedPods.apply(pod, result).getSpec().getContainers().getLast().getImagePullPolicy();
    }
}
