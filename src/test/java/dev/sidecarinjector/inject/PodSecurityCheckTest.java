package dev.sidecarinjector.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Pod Security Standards' container checks as the injector applies them to what it injects. */
class PodSecurityCheckTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static Container container(String securityContext) throws Exception {
        return YAML.readValue("name: c\nimage: i\n" + securityContext, Container.class);
    }

    private static List<String> problems(PodSecurityLevel level, PodSecurityContext pod, String securityContext) throws Exception {
        var violations = PodSecurityCheck.check(level, pod, List.of(container(securityContext)));
        return violations.isEmpty() ? List.of() : violations.getFirst().problems();
    }

    /** The built-in templates' own security contexts: the proxy passes restricted, the iptables init container no level but privileged. */
    @Test
    void theBuiltInContainersFailOnlyWhereTheInitContainersCapabilitiesDo() throws Exception {
        var admitted = YAML.readValue("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p}
                spec: {containers: [{name: app, image: app}]}
                """, io.fabric8.kubernetes.api.model.Pod.class);
        var result = SidecarInjector.inject(admitted, AdmissionFacts.manual("demo", Map.of()), TestSettings.defaults(), SidecarTemplates.builtIn());
        var injected = PatchedPods.apply(admitted, result).getSpec();
        var containers = new java.util.ArrayList<>(injected.getInitContainers());
        containers.add(injected.getContainers().getLast());
        assertEquals(List.of("sidecar-init", "sidecar-proxy"), containers.stream().map(Container::getName).toList());
        assertEquals(List.of(new PodSecurityCheck.Violation("sidecar-init", List.of("adds NET_ADMIN, NET_RAW"))),
                PodSecurityCheck.check(PodSecurityLevel.BASELINE, null, containers));
        assertEquals(List.of(new PodSecurityCheck.Violation("sidecar-init", List.of("adds NET_ADMIN, NET_RAW", "runs as root"))),
                PodSecurityCheck.check(PodSecurityLevel.RESTRICTED, null, containers));
        assertEquals(List.of(), PodSecurityCheck.check(PodSecurityLevel.PRIVILEGED, null, containers));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            baseline   | 'securityContext: {privileged: true}'                                    | privileged
            baseline   | 'securityContext: {capabilities: {add: [NET_BIND_SERVICE, CHOWN, SYS_ADMIN]}}' | adds SYS_ADMIN
            baseline   | 'ports: [{containerPort: 80, hostPort: 8080}]'                           | hostPort 8080
            baseline   | 'securityContext: {seccompProfile: {type: Unconfined}}'                  | seccompProfile Unconfined
            baseline   | 'securityContext: {runAsUser: 0}'                                        | ''
            restricted | 'securityContext: {capabilities: {add: [CHOWN], drop: [ALL]}}'           | adds CHOWN
            restricted | 'securityContext: {allowPrivilegeEscalation: true}'                      | allowPrivilegeEscalation not false
            restricted | 'securityContext: {runAsUser: 0, runAsNonRoot: true}'                    | runs as root
            restricted | 'securityContext: {runAsUser: 1000, runAsNonRoot: false}'               | runAsNonRoot not true
            restricted | 'securityContext: {runAsUser: 1000}'                                     | ''
            restricted | 'securityContext: {capabilities: {drop: [NET_RAW]}}'                     | keeps capabilities (drop ALL)
            restricted | 'securityContext: {seccompProfile: {type: Localhost, localhostProfile: p.json}}' | ''
            """)
    void eachCheckNamesWhatFails(String level, String container, String expected) throws Exception {
        var compliant = "securityContext: {allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: {drop: [ALL]}, seccompProfile: {type: RuntimeDefault}}";
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode) YAML.readTree(compliant);
        var overrides = YAML.readTree(container);
        if (overrides.has("securityContext")) {
            overrides.get("securityContext").fields().forEachRemaining(field -> ((com.fasterxml.jackson.databind.node.ObjectNode) tree.get("securityContext"))
                    .set(field.getKey(), field.getValue()));
        }
        if (overrides.has("ports")) {
            tree.set("ports", overrides.get("ports"));
        }
        tree.put("name", "c").put("image", "i");
        var violations = PodSecurityCheck.check(PodSecurityLevel.valueOf(level.toUpperCase(java.util.Locale.ROOT)), null,
                List.of(YAML.treeToValue(tree, Container.class)));
        var problems = violations.isEmpty() ? List.of() : violations.getFirst().problems();
        assertEquals(expected.isEmpty() ? List.of() : List.of(expected), problems);
    }

    @Test
    void theContainerInheritsThePodsSettingsWhereKubernetesLetsIt() throws Exception {
        var bare = "securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}";
        assertEquals(List.of("no seccompProfile RuntimeDefault", "runAsNonRoot not true"), problems(PodSecurityLevel.RESTRICTED, null, bare));
        var pod = new PodSecurityContextBuilder().withRunAsNonRoot(true).withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().build();
        assertEquals(List.of(), problems(PodSecurityLevel.RESTRICTED, pod, bare));
        assertEquals(List.of("seccompProfile Unconfined", "runAsNonRoot not true"), problems(PodSecurityLevel.RESTRICTED, pod,
                "securityContext: {allowPrivilegeEscalation: false, runAsNonRoot: false, capabilities: {drop: [ALL]}, seccompProfile: {type: Unconfined}}"));
        var rootPod = new PodSecurityContextBuilder().withRunAsUser(0L).withRunAsNonRoot(true).withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().build();
        assertEquals(List.of("runs as root"), problems(PodSecurityLevel.RESTRICTED, rootPod, bare));
        assertEquals(List.of(), problems(PodSecurityLevel.RESTRICTED, rootPod, bare.replace("{allow", "{runAsUser: 1000, allow")));
    }

    @Test
    void theLevelComesFromTheEnforceLabelAndAnUnknownValueIsRestricted() {
        assertEquals(Optional.empty(), PodSecurityLevel.enforcedBy(Map.of("pod-security.kubernetes.io/warn", "restricted")));
        assertEquals(Optional.of(PodSecurityLevel.PRIVILEGED), PodSecurityLevel.enforcedBy(Map.of(PodSecurityLevel.ENFORCE_LABEL, "privileged")));
        assertEquals(Optional.of(PodSecurityLevel.BASELINE), PodSecurityLevel.enforcedBy(Map.of(PodSecurityLevel.ENFORCE_LABEL, "baseline")));
        assertEquals(Optional.of(PodSecurityLevel.RESTRICTED), PodSecurityLevel.enforcedBy(Map.of(PodSecurityLevel.ENFORCE_LABEL, "restricted")));
        assertEquals(Optional.of(PodSecurityLevel.RESTRICTED), PodSecurityLevel.enforcedBy(Map.of(PodSecurityLevel.ENFORCE_LABEL, "Baseline")));
    }

    /** The skip holds for every template of the pod, and its owner gets an InjectionSkipped Event: not an opt-out anyone wrote. */
    @Test
    void theSkipIsForThePodAndRecordedAsAnEvent() {
        org.junit.jupiter.api.Assertions.assertTrue(SkipReason.POD_SECURITY.recordsEvent() && !SkipReason.POD_SECURITY.meshOnly()
                && !SkipReason.POD_SECURITY.explicitOptOut());
        org.junit.jupiter.api.Assertions.assertFalse(SkipReason.NAMESPACE_NOT_ENABLED.recordsEvent());
    }

    @Test
    void theWarningNamesTheLabelTheContainerWhatFailsAndTheWayOut() {
        var init = new PodSecurityCheck.Violation("sidecar-init", List.of("adds NET_ADMIN, NET_RAW"));
        assertEquals("pod-security.kubernetes.io/enforce=baseline rejects injected sidecar-init (adds NET_ADMIN, NET_RAW): "
                + "use a CNI (interception none), the privileged level or a namespace exemption", PodSecurityCheck.warning("baseline", init, false));
        assertEquals("not injected: pod-security.kubernetes.io/enforce=baseline rejects sidecar-init (adds NET_ADMIN, NET_RAW): "
                + "use a CNI (interception none), the privileged level or a namespace exemption", PodSecurityCheck.warning("baseline", init, true));
        var proxy = new PodSecurityCheck.Violation("sidecar-proxy", List.of("runs as root"));
        assertEquals("pod-security.kubernetes.io/enforce=restricted rejects injected sidecar-proxy (runs as root): fix its securityContext, "
                + "the privileged level or a namespace exemption", PodSecurityCheck.warning("restricted", proxy, false));
    }
}
