package dev.sidecarinjector.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Override by name: the pod's declaration merged over the rendered container with strategic-merge rules. */
class ContainerOverrideTest {

    private static final ObjectMapper YAML = Golden.YAML;

    private static Container container(String yaml) throws Exception {
        return YAML.readValue(yaml, Container.class);
    }

    private static final String RENDERED = """
            name: sidecar-proxy
            image: sidecar-proxy:0.1.0
            args: [run, --drain-seconds, "5"]
            env:
            - {name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
            - {name: LEVEL, value: info}
            ports:
            - {name: proxy-health, containerPort: 15021, protocol: TCP}
            - {name: proxy-metrics, containerPort: 15090, protocol: TCP}
            readinessProbe: {httpGet: {path: /healthz/ready, port: 15021}, periodSeconds: 5}
            resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {memory: 128Mi}}
            securityContext: {runAsUser: 1337, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
            volumeMounts:
            - {name: tmp, mountPath: /tmp}
            """;

    @Test
    void mapsMergeKeyByKeyAndKeyedListsItemByItem() throws Exception {
        var merged = ContainerOverride.merge(container(RENDERED), container("""
                name: sidecar-proxy
                env:
                - {name: LEVEL, value: debug}
                - {name: EXTRA, value: "1"}
                ports:
                - {containerPort: 15090, name: http-envoy-prom}
                - {containerPort: 9901}
                resources: {limits: {cpu: "2"}}
                securityContext: {runAsUser: 1500}
                volumeMounts:
                - {name: other-tmp, mountPath: /tmp}
                - {name: certs, mountPath: /certs, readOnly: true}
                """), "spec.containers[0]");
        assertEquals(List.of("POD_NAME", "LEVEL", "EXTRA"), merged.getEnv().stream().map(e -> e.getName()).toList());
        assertEquals("debug", merged.getEnv().get(1).getValue());
        assertEquals(List.of("proxy-health", "http-envoy-prom"), merged.getPorts().stream().limit(2).map(p -> p.getName()).toList());
        assertEquals("TCP", merged.getPorts().get(1).getProtocol(), "a port's protocol defaults to TCP, so 15090 is the rendered port");
        assertEquals(3, merged.getPorts().size());
        assertEquals("2", merged.getResources().getLimits().get("cpu").toString());
        assertEquals("128Mi", merged.getResources().getLimits().get("memory").toString());
        assertEquals("100m", merged.getResources().getRequests().get("cpu").toString());
        assertEquals(1500L, merged.getSecurityContext().getRunAsUser());
        assertEquals(true, merged.getSecurityContext().getReadOnlyRootFilesystem());
        assertEquals(List.of("other-tmp", "certs"), merged.getVolumeMounts().stream().map(m -> m.getName()).toList());
    }

    @Test
    void otherListsAndScalarsAreReplacedAndAutoKeepsTheImage() throws Exception {
        var merged = ContainerOverride.merge(container(RENDERED), container("""
                name: sidecar-proxy
                image: auto
                args: [run, --drain-seconds, "20"]
                securityContext: {capabilities: {drop: [NET_RAW]}}
                """), "spec.containers[0]");
        assertEquals("sidecar-proxy:0.1.0", merged.getImage());
        assertEquals(List.of("run", "--drain-seconds", "20"), merged.getArgs());
        assertEquals(List.of("NET_RAW"), merged.getSecurityContext().getCapabilities().getDrop());
        var image = ContainerOverride.merge(container(RENDERED), container("{name: sidecar-proxy, image: 'mine:2'}"), "spec.containers[0]");
        assertEquals("mine:2", image.getImage());
    }

    @Test
    void aOneOfChoiceReplacesTheRenderedOneInsteadOfJoiningIt() throws Exception {
        var merged = ContainerOverride.merge(container(RENDERED), container("""
                name: sidecar-proxy
                env:
                - {name: POD_NAME, value: fixed}
                readinessProbe: {tcpSocket: {port: 15021}}
                """), "spec.containers[0]");
        assertEquals("fixed", merged.getEnv().getFirst().getValue());
        assertNull(merged.getEnv().getFirst().getValueFrom(), "value and valueFrom together would be an invalid pod");
        assertNull(merged.getReadinessProbe().getHttpGet());
        assertEquals(15021, merged.getReadinessProbe().getTcpSocket().getPort().getIntVal());
        assertEquals(5, merged.getReadinessProbe().getPeriodSeconds(), "the probe's other fields stay");
    }

    @Test
    void theRestartPolicyIsTheInjectionsChoice() throws Exception {
        var error = assertThrows(InvalidValueException.class, () -> ContainerOverride.merge(container(RENDERED),
                container("{name: sidecar-proxy, restartPolicy: Always}"), "spec.initContainers[0]"));
        assertEquals("spec.initContainers[0].restartPolicy: \"Always\" cannot be overridden: the injected sidecar-proxy runs as a regular container"
                + " (choose with sidecar.istio.io/nativeSidecar)", error.getMessage());
        var native_ = container(RENDERED);
        native_.setRestartPolicy("Always");
        assertEquals("Always", ContainerOverride.merge(native_, container("{name: sidecar-proxy, restartPolicy: Always}"), "f").getRestartPolicy());
        assertTrue(ContainerOverride.merge(native_, container("{name: sidecar-proxy}"), "f").getRestartPolicy().equals("Always"));
    }
}
