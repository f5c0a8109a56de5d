package dev.sidecarinjector.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a template renders is checked as the API server checks those fields: a pod that names a template rendering a
 * bad container is refused with one line naming the template file, the container, the field and the value.
 */
class TemplateContainerCheckTest {

    private static final String DEBUG = "containers:\n- name: debug\n  image: busybox\n";

    private static InjectionResult inject(String template, Map<String, String> annotations, Pod pod) {
        var sources = new LinkedHashMap<>(SidecarTemplates.builtInSources());
        sources.put("debug.yaml", template);
        var all = new LinkedHashMap<>(annotations);
        all.put(Annotations.TEMPLATES, "debug");
        var withAnnotations = new PodBuilder(pod).editMetadata().withAnnotations(all).endMetadata().build();
        return SidecarInjector.inject(withAnnotations, AdmissionFacts.manual("default", Map.of()), TestSettings.defaults(), SidecarTemplates.compile(sources));
    }

    private static Pod pod() {
        return new PodBuilder().withNewMetadata().withName("p").endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("app:1").endContainer()
                .addNewVolume().withName("data").withNewEmptyDir().endEmptyDir().endVolume().endSpec().build();
    }

    private static void refused(String template, String message) {
        refused(template, Map.of(), message);
    }

    private static void refused(String template, Map<String, String> annotations, String message) {
        var rejected = assertInstanceOf(InjectionResult.Rejected.class, inject(template, annotations, pod()));
        assertEquals(InjectionResult.FailureReason.TEMPLATE_ERROR, rejected.reason());
        assertEquals(message, rejected.message());
    }

    @Test
    void aContainerNameThatIsNoDnsLabel() {
        refused("containers:\n- name: Dbg_Shell\n  image: busybox\n", "template debug.yaml: container \"Dbg_Shell\": name: \"Dbg_Shell\" is not a valid "
                + "container name (a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters)");
        var long64 = "a".repeat(64);
        refused("initContainers:\n- name: " + long64 + "\n  image: busybox\n", "template debug.yaml: container \"" + long64 + "\": name: \"" + long64
                + "\" is not a valid container name (a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters)");
    }

    /** The API server refuses a pod container without an image ("Required value"), and a Deployment's pods never start. */
    @Test
    void aContainerWithNoImage() {
        refused("containers:\n- name: debug\n  command: [sleep, infinity]\n",
                "template debug.yaml: container \"debug\": image: missing: Kubernetes runs no container without one");
        refused("initContainers:\n- name: setup\n  image: \"\"\n", "template debug.yaml: container \"setup\": image: \"\" is empty: "
                + "Kubernetes runs no container without an image");
        refused("containers:\n- name: debug\n  image: \" busybox\"\n", "template debug.yaml: container \"debug\": image: \" busybox\" starts or "
                + "ends with white space, which the API server refuses");
    }

    @Test
    void aMountWithNoPath() {
        refused(DEBUG + "  volumeMounts:\n  - name: data\n", "template debug.yaml: container \"debug\": volumeMounts[0].mountPath: missing, which Kubernetes requires");
        refused(DEBUG + "  volumeMounts:\n  - name: data\n    mountPath: /data\n  - name: data\n    mountPath: \"\"\n",
                "template debug.yaml: container \"debug\": volumeMounts[1].mountPath: missing, which Kubernetes requires");
    }

    /** Kubernetes' relaxed rule for environment variable names (KEP 4369): printable ASCII but '='; stricter clusters take fewer. */
    @Test
    void anEnvironmentVariableNameNoClusterTakes() {
        refused(DEBUG + "  env:\n  - name: A=B\n    value: x\n", "template debug.yaml: container \"debug\": env[0].name: \"A=B\" is not a valid "
                + "environment variable name (printable ASCII characters other than '=')");
        refused(DEBUG + "  env:\n  - name: OK\n    value: x\n  - name: \"\"\n", "template debug.yaml: container \"debug\": env[1].name: \"\" is not a "
                + "valid environment variable name (printable ASCII characters other than '=')");
        refused(DEBUG + "  env:\n  - name: \"caf\u00e9\"\n", "template debug.yaml: container \"debug\": env[0].name: \"caf\u00e9\" is not a valid "
                + "environment variable name (printable ASCII characters other than '=')");
        var accepted = inject(DEBUG + "  env:\n  - name: my.setting-1\n    value: x\n  - name: \"1 with space\"\n", Map.of(), pod());
        assertInstanceOf(InjectionResult.Injected.class, accepted, accepted::toString);
    }

    @Test
    void aVolumeNameThatIsNoDnsLabel() {
        refused(DEBUG + "volumes:\n- name: Scratch.Space\n  emptyDir: {}\n", "template debug.yaml: volume \"Scratch.Space\": name: \"Scratch.Space\" is not a valid "
                + "volume name (a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters)");
    }

    @Test
    void aResourceQuantityThatIsNone() {
        refused(DEBUG + "  resources:\n    limits:\n      cpu: lots\n",
                "template debug.yaml: container \"debug\": resources.limits.cpu: \"lots\" is not a resource quantity (examples: 100m, 0.5, 64Mi, 1Gi)");
        refused(DEBUG + "  resources:\n    requests:\n      memory: -64Mi\n",
                "template debug.yaml: container \"debug\": resources.requests.memory: \"-64Mi\" is not a resource quantity (examples: 100m, 0.5, 64Mi, 1Gi)");
    }

    @Test
    void aRequestAboveItsLimit() {
        refused(DEBUG + "  resources:\n    requests:\n      memory: 1Gi\n    limits:\n      memory: 512Mi\n",
                "template debug.yaml: container \"debug\": resources.requests.memory: \"1Gi\" is above the limit \"512Mi\" (resources.limits.memory)");
    }

    @Test
    void aPortOutOfRange() {
        refused(DEBUG + "  ports:\n  - containerPort: 99999\n", "template debug.yaml: container \"debug\": ports[0].containerPort: 99999 is not a port (1-65535)");
        refused(DEBUG + "  ports:\n  - containerPort: 8080\n  - containerPort: 0\n", "template debug.yaml: container \"debug\": ports[1].containerPort: 0 is not a port (1-65535)");
        refused(DEBUG + "  ports:\n  - containerPort: 8080\n    hostPort: 70000\n", "template debug.yaml: container \"debug\": ports[0].hostPort: 70000 is not a port (1-65535)");
        refused(DEBUG + "  ports:\n  - name: http\n", "template debug.yaml: container \"debug\": ports[0]: has no containerPort, which Kubernetes requires");
    }

    @Test
    void aProtocolKubernetesDoesNotKnow() {
        refused(DEBUG + "  ports:\n  - containerPort: 8080\n    protocol: SCTPX\n", "template debug.yaml: container \"debug\": ports[0].protocol: \"SCTPX\" is not one of TCP, UDP, SCTP");
        refused(DEBUG + "  ports:\n  - containerPort: 8080\n    name: http\n  - containerPort: 8081\n    name: http\n",
                "template debug.yaml: container \"debug\": ports[1].name: \"http\" is the name of ports[0] too: a container's port names are unique");
        refused(DEBUG + "  ports:\n  - containerPort: 8080\n    protocol: tcp\n", "template debug.yaml: container \"debug\": ports[0].protocol: \"tcp\" is not one of TCP, UDP, SCTP");
    }

    @Test
    void aPortNameThatIsNoServiceName() {
        refused(DEBUG + "  ports:\n  - containerPort: 8080\n    name: http-metrics-port\n", "template debug.yaml: container \"debug\": ports[0].name: \"http-metrics-port\" is not a "
                + "valid port name (an IANA service name: at most 15 lowercase letters, digits and '-', with at least one letter, no '--', not starting or ending with '-')");
    }

    @Test
    void anImagePullPolicyKubernetesDoesNotKnow() {
        refused(DEBUG + "  imagePullPolicy: Sometimes\n", "template debug.yaml: container \"debug\": imagePullPolicy: \"Sometimes\" is not one of Always, IfNotPresent, Never");
    }

    @Test
    void aNameTwiceInOneTemplate() {
        refused(DEBUG + "initContainers:\n- name: debug\n  image: busybox\n", "template debug.yaml: container \"debug\": name: \"debug\" is the name of a container "
                + "the template renders before it (init container): the names in a pod must be unique");
        refused(DEBUG + "volumes:\n- name: scratch\n  emptyDir: {}\n- name: scratch\n  emptyDir: {}\n", "template debug.yaml: volume \"scratch\": name: \"scratch\" "
                + "is the name of a volume the template renders before it (volume): the names in a pod must be unique");
    }

    @Test
    void aMountOfAVolumeThatIsNowhere() {
        refused(DEBUG + "  volumeMounts:\n  - name: cache\n    mountPath: /cache\n",
                "template debug.yaml: container \"debug\": volumeMounts[0].name: \"cache\" names no volume of the pod (spec.volumes) nor of the templates applied");
        refused(DEBUG + "appVolumeMounts:\n- name: cache\n  mountPath: /cache\n",
                "template debug.yaml: appVolumeMounts[0].name: \"cache\" names no volume of the pod (spec.volumes) nor of the templates applied");
    }

    @Test
    void aMountOfThePodsVolumeOrTheTemplatesIsInjected() {
        var template = DEBUG + "  volumeMounts:\n  - name: data\n    mountPath: /data\n  - name: scratch\n    mountPath: /scratch\n"
                + "volumes:\n- name: scratch\n  emptyDir: {}\n";
        assertInstanceOf(InjectionResult.Injected.class, inject(template, Map.of(), pod()));
    }

    /** Jackson's words ("Cannot deserialize value of type java.lang.Long ... Source: UNKNOWN") are not the user's. */
    @Test
    void aValueOfTheWrongTypeIsNamedInKubernetesFieldNames() {
        refused(DEBUG + "  securityContext:\n    runAsUser: \"root\"\n", "template debug.yaml: container \"debug\": securityContext.runAsUser: \"root\" is not an integer");
        refused(DEBUG + "  args: sleep\n", "template debug.yaml: container \"debug\": args: \"sleep\" is not a list");
        refused("containers:\n- debug\n", "template debug.yaml: containers[0]: \"debug\" is not a mapping");
    }

    @Test
    void aValueFromAnAnnotationIsCheckedForEachPod() {
        var template = DEBUG + "  ports:\n  - containerPort: {pod.annotations.get('example.com/port') ?: 9000}\n";
        assertInstanceOf(InjectionResult.Injected.class, inject(template, Map.of(), pod()));
        refused(template, Map.of("example.com/port", "http"), "template debug.yaml: container \"debug\": ports[0].containerPort: \"http\" is not an integer");
        var policy = DEBUG + "  imagePullPolicy: {pod.annotations.get('example.com/pull') ?: 'IfNotPresent'}\n";
        refused(policy, Map.of("example.com/pull", "sometimes"), "template debug.yaml: container \"debug\": imagePullPolicy: \"sometimes\" is not one of Always, IfNotPresent, Never");
    }

    @Test
    void aReplacedSidecarFileIsCheckedToo() {
        var sources = new LinkedHashMap<>(SidecarTemplates.builtInSources());
        sources.put(SidecarTemplates.PROXY, sources.get(SidecarTemplates.PROXY).replace("imagePullPolicy: {proxy.imagePullPolicy}", "imagePullPolicy: Sometimes"));
        var rejected = assertInstanceOf(InjectionResult.Rejected.class,
                SidecarInjector.inject(pod(), AdmissionFacts.manual("default", Map.of()), TestSettings.defaults(), SidecarTemplates.compile(sources)));
        assertEquals("template sidecar-proxy.yaml: container \"sidecar-proxy\": imagePullPolicy: \"Sometimes\" is not one of Always, IfNotPresent, Never", rejected.message());
    }

    @Test
    void aFlowMappingReadAsAnExpressionSaysHowToWriteIt() {
        var rejected = assertInstanceOf(InjectionResult.Rejected.class, inject(DEBUG + "  resources: {limits: {cpu: 1}}\n", Map.of(), pod()));
        assertEquals("template debug.yaml does not render: Rendering error in template [debug.yaml:4]: No namespace resolver found for [limits] in expression "
                + "{limits:{cpu:.1)} (a YAML flow mapping such as {limits: {cpu: 1}} is read by Qute as an expression: write it in block style, or escape its braces as \\{)",
                rejected.message());
        assertInstanceOf(InjectionResult.Injected.class, inject(DEBUG + "  resources: \\{limits: \\{cpu: 1}}\n", Map.of(), pod()));
    }
}
