package dev.sidecarinjector.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.zjsonpatch.JsonPatch;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The patch says what the injection changed and nothing else, and applied to the pod as written gives the rendered pod. */
class PodPatchTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final YAMLMapper YAML = new YAMLMapper();

    private static final Container PROXY = new ContainerBuilder().withName("sidecar-proxy").withImage("proxy").build();
    private static final Container INIT = new ContainerBuilder().withName("sidecar-init").withImage("init").build();
    private static final Volume WORKLOAD = new VolumeBuilder().withName("workload").withNewEmptyDir().endEmptyDir().build();

    @Test
    void addsWhatIsInjectedWhereItGoesAndOnlyTheChangedFieldsOfThePodsOwnContainers() throws Exception {
        var pod = pod("""
                metadata:
                  name: app
                  annotations: {team: a, "example.com/owner~x": b}
                spec:
                  containers:
                  - {name: app, image: app, readinessProbe: {httpGet: {path: /ready, port: 8080}}}
                  - {name: helper, image: helper, volumeMounts: [{name: data, mountPath: /data}]}
                  volumes:
                  - {name: data, emptyDir: {}}
                """);
        var app = pod.getSpec().getContainers().get(0);
        var helper = pod.getSpec().getContainers().get(1);
        var appEdits = new ContainerEdits(app);
        appEdits.set("readinessProbe", new ProbeBuilder().withNewHttpGet().withPath("/app-health/app/readyz").withPort(new IntOrString(15020)).endHttpGet().build());
        var helperEdits = new ContainerEdits(helper);
        var mounts = new ArrayList<>(helperEdits.volumeMounts());
        mounts.add(new VolumeMountBuilder().withName("workload").withMountPath("/workload").build());
        helperEdits.set("volumeMounts", mounts);
        var annotations = new LinkedHashMap<>(pod.getMetadata().getAnnotations());
        annotations.put("team", "b");
        annotations.put("sidecar.istio.io/status", "{}");
        var rendered = rendered(pod, annotations, Map.of("security.istio.io/tlsMode", "istio"), List.of(INIT),
                List.of(PROXY, app, helper), List.of(pod.getSpec().getVolumes().getFirst(), WORKLOAD), Map.of(app, appEdits, helper, helperEdits));

        assertEquals(YAML.readTree("""
                - {op: replace, path: /metadata/annotations/team, value: b}
                - {op: add, path: /metadata/annotations/sidecar.istio.io~1status, value: "{}"}
                - {op: add, path: /metadata/labels, value: {security.istio.io/tlsMode: istio}}
                - {op: add, path: /spec/initContainers, value: [{name: sidecar-init, image: init}]}
                - {op: add, path: /spec/containers/0, value: {name: sidecar-proxy, image: proxy}}
                - {op: replace, path: /spec/containers/1/readinessProbe, value: {httpGet: {path: /app-health/app/readyz, port: 15020}}}
                - {op: add, path: /spec/containers/2/volumeMounts/1, value: {mountPath: /workload, name: workload}}
                - {op: add, path: /spec/volumes/1, value: {name: workload, emptyDir: {}}}
                """), PodPatch.between(pod, rendered).tree());
        assertAppliesTo(pod, rendered);
    }

    @Test
    void aSharedRenderingKeepsItsJsonAndGetsItsEditsOnlyInThePatch() throws Exception {
        var pod = pod("""
                metadata: {name: app}
                spec:
                  containers: [{name: app, image: app}]
                """);
        var proxy = new ContainerBuilder(PROXY).addNewEnv().withName("A").withValue("1").endEnv().build();
        var cached = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.valueToTree(proxy);
        var edits = new ContainerEdits(proxy);
        var env = new ArrayList<>(edits.env());
        env.add(new io.fabric8.kubernetes.api.model.EnvVar("ISTIO_KUBE_APP_PROBERS", "{}", null));
        edits.set("env", env);
        var rendered = new PodAssembly.Rendered(Map.of(), Map.of(), List.of(), List.of(pod.getSpec().getContainers().getFirst(), proxy), List.of(),
                List.of(PROXY.getName()), List.of(), List.of(), Map.of(proxy, edits), Map.of(proxy, cached), List.of());

        assertEquals(YAML.readTree("""
                - {op: add, path: /spec/containers/1, value: {env: [{name: A, value: "1"}, {name: ISTIO_KUBE_APP_PROBERS, value: "{}"}], image: proxy, name: sidecar-proxy}}
                """), PodPatch.between(pod, rendered).tree());
        assertEquals(1, proxy.getEnv().size(), "the shared container is not changed");
        assertEquals(1, cached.get("env").size(), "the cached JSON is not changed");
        assertAppliesTo(pod, rendered);
    }

    @Test
    void aDeclarationOfAnInjectedContainerIsRemovedAndTheMergedOneAddedWhereItGoes() throws Exception {
        var pod = pod("""
                metadata: {name: app, labels: {app: web}}
                spec:
                  initContainers:
                  - {name: migrate, image: migrate}
                  containers:
                  - {name: sidecar-proxy, image: auto, resources: {limits: {cpu: "2"}}}
                  - {name: app, image: app}
                """);
        var merged = new ContainerBuilder(PROXY).withNewResources().addToLimits("cpu", new io.fabric8.kubernetes.api.model.Quantity("2")).endResources().build();
        var labels = new LinkedHashMap<>(pod.getMetadata().getLabels());
        labels.put("service.istio.io/canonical-name", "web");
        var rendered = rendered(pod, Map.of(), labels, List.of(INIT, pod.getSpec().getInitContainers().getFirst()),
                List.of(pod.getSpec().getContainers().get(1), merged), List.of());

        assertEquals(YAML.readTree("""
                - {op: add, path: /metadata/labels/service.istio.io~1canonical-name, value: web}
                - {op: add, path: /spec/initContainers/0, value: {name: sidecar-init, image: init}}
                - {op: remove, path: /spec/containers/0}
                - {op: add, path: /spec/containers/1, value: {name: sidecar-proxy, image: proxy, resources: {limits: {cpu: "2"}}}}
                """), PodPatch.between(pod, rendered).tree());
        assertAppliesTo(pod, rendered);
    }

    @Test
    void aPodWithoutMetadataGetsItWhole() throws Exception {
        var pod = pod("""
                spec:
                  containers: [{name: app, image: app}]
                """);
        var rendered = rendered(pod, Map.of("sidecar.istio.io/status", "{}"), Map.of(), List.of(),
                List.of(pod.getSpec().getContainers().getFirst(), PROXY), List.of());

        assertEquals(YAML.readTree("""
                - {op: add, path: /metadata, value: {annotations: {sidecar.istio.io/status: "{}"}}}
                - {op: add, path: /spec/containers/1, value: {name: sidecar-proxy, image: proxy}}
                """), PodPatch.between(pod, rendered).tree());
        assertAppliesTo(pod, rendered);
    }

    @Test
    void aKeyIsEscapedAsAJsonPointerToken() {
        assertEquals("a~1b~0c", PodPatch.escape("a/b~c"));
        assertEquals("plain", PodPatch.escape("plain"));
    }

    private static Pod pod(String yaml) throws Exception {
        return YAML.readValue("apiVersion: v1\nkind: Pod\n" + yaml, Pod.class);
    }

    private static Container copy(Container container) {
        return new ContainerBuilder(container).build();
    }

    /** What the assembly returns for {@code pod}: the injected names are those of PROXY, INIT and WORKLOAD. */
    private static PodAssembly.Rendered rendered(Pod pod, Map<String, String> annotations, Map<String, String> labels,
                                                 List<Container> init, List<Container> containers, List<Volume> volumes) {
        return rendered(pod, annotations, labels, init, containers, volumes, Map.of());
    }

    private static PodAssembly.Rendered rendered(Pod pod, Map<String, String> annotations, Map<String, String> labels, List<Container> init,
                                                 List<Container> containers, List<Volume> volumes, Map<Container, ContainerEdits> edits) {
        return new PodAssembly.Rendered(annotations, labels, new ArrayList<>(init), new ArrayList<>(containers), new ArrayList<>(volumes),
                List.of(PROXY.getName(), INIT.getName()), List.of(WORKLOAD.getName()), List.of(), new IdentityHashMap<>(edits), Map.of(), List.of());
    }

    private static void assertAppliesTo(Pod pod, PodAssembly.Rendered rendered) throws Exception {
        JsonNode patched = JsonPatch.apply(PodPatch.between(pod, rendered).tree(), JSON.valueToTree(pod));
        assertEquals(JSON.valueToTree(rendered.pod(pod)), JSON.valueToTree(JSON.treeToValue(patched, Pod.class)));
    }
}
