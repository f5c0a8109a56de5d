package dev.sidecarinjector.inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EmptyDirVolumeSource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Renders the sidecar into a copy of the pod: the proxy (as a container or a native sidecar), the iptables
 * init container, the proxy's volumes (scratch, and with a control plane the root certificate and token), Istio's
 * workload labels and the annotations that describe the injection. Pure.
 */
public final class SidecarRenderer {

    public static final String PROXY_NAME = "sidecar-proxy";
    public static final String INIT_NAME = "sidecar-init";
    public static final String TMP_VOLUME = "sidecar-proxy-tmp";
    private static final ObjectMapper JSON = new ObjectMapper();

    private SidecarRenderer() {
    }

    /**
     * Renders into a fresh pod bound from {@code original}, the admitted pod's tree (see {@link PodPatch#tree});
     * {@code workloadName} as in {@link AdmissionFacts}.
     */
    public static Pod render(JsonNode original, SidecarSpec spec, InjectionSettings settings, SidecarTemplates templates,
                             Optional<String> workloadName) {
        checkHasContainers(original);
        var pod = JSON.convertValue(original, Pod.class);
        if (pod.getMetadata() == null) {
            pod.setMetadata(new ObjectMeta());
        }
        if (pod.getSpec() == null) {
            pod.setSpec(new PodSpec());
        }
        var podSpec = pod.getSpec();
        var containers = new ArrayList<>(nonNull(podSpec.getContainers()));
        var initContainers = new ArrayList<>(nonNull(podSpec.getInitContainers()));
        var volumes = new ArrayList<>(nonNull(podSpec.getVolumes()));
        checkReserved(containers, "spec.containers");
        checkReserved(initContainers, "spec.initContainers");
        var injectedVolumes = volumes(settings.mesh());
        checkVolumeReserved(volumes, injectedVolumes);
        var appContainer = containers.isEmpty() ? null : containers.getFirst().getName();

        var data = TemplateData.of(spec, settings);
        var proxy = templates.renderProxy(data);
        var injectedInit = new ArrayList<Container>();
        if (settings.interception() == Interception.IPTABLES) {
            injectedInit.add(templates.renderInit(data));
        }
        if (spec.placement() == Placement.NATIVE) {
            injectedInit.add(proxy);
        } else if (spec.holdApplicationUntilProxyStarts()) {
            containers.addFirst(proxy);
        } else {
            containers.add(proxy);
        }
        initContainers.addAll(0, injectedInit);
        volumes.addAll(injectedVolumes);
        podSpec.setContainers(containers);
        podSpec.setInitContainers(initContainers);
        podSpec.setVolumes(volumes);

        var annotations = new LinkedHashMap<>(PodFields.annotations(pod));
        annotations.put(Annotations.STATUS, InjectionStatus.of(spec, injectedInit, injectedVolumes).json());
        if (appContainer != null) {
            annotations.putIfAbsent(Annotations.DEFAULT_CONTAINER, appContainer);
        }
        if (!annotations.containsKey(Annotations.PROMETHEUS_SCRAPE)) {
            annotations.put(Annotations.PROMETHEUS_SCRAPE, "true");
            annotations.put(Annotations.PROMETHEUS_PORT, Integer.toString(settings.ports().metrics()));
            annotations.put(Annotations.PROMETHEUS_PATH, "/stats/prometheus");
        }
        pod.getMetadata().setAnnotations(annotations);
        pod.getMetadata().setLabels(WorkloadLabels.of(pod.getMetadata(), workloadName));
        return pod;
    }

    private static <T> List<T> nonNull(List<T> list) {
        return list == null ? List.of() : list;
    }

    /**
     * Refuses a pod with no container of its own rather than skipping it: injected, the proxy would be its only
     * container, which Kubernetes' validation (run after mutating webhooks) then accepts. Istio's kube-inject
     * fails on a workload without a pod template too; Kubernetes itself requires at least one container.
     */
    private static void checkHasContainers(JsonNode pod) {
        // The tree leaves an empty list out, so a spec without containers and containers: [] both read as missing.
        var spec = pod.path("spec");
        var containers = spec.path("containers");
        if (containers.isMissingNode() || containers.isNull() || containers.isArray() && containers.isEmpty()) {
            throw new InvalidValueException("spec.containers", spec.isObject() ? "[]" : "null",
                    "has no container: a pod needs at least one of its own, and the sidecar is not injected into a pod it would be alone in");
        }
    }

    private static void checkReserved(List<Container> containers, String field) {
        for (var i = 0; i < containers.size(); i++) {
            if (containers.get(i) == null) {
                throw new InvalidValueException(field + "[" + i + "]", "null", "is not a container");
            }
            var name = containers.get(i).getName();
            if (PROXY_NAME.equals(name) || INIT_NAME.equals(name)) {
                throw new InvalidValueException(field + "[" + i + "].name", name, "is reserved for the injected sidecar");
            }
        }
    }

    /**
     * The volumes the sidecar brings: its scratch {@code /tmp}, and with a control plane Istio's two, the mesh's
     * root certificate from the namespace's {@code istio-ca-root-cert} ConfigMap and a projected ServiceAccount
     * token for the CA (audience {@code istio-ca}, 12 h), under Istio's names so tooling that knows them works.
     */
    private static List<Volume> volumes(MeshSettings mesh) {
        var volumes = new ArrayList<Volume>();
        volumes.add(new VolumeBuilder().withName(TMP_VOLUME).withEmptyDir(new EmptyDirVolumeSource("Memory", null)).build());
        if (mesh.enabled()) {
            volumes.add(new VolumeBuilder().withName(MeshSettings.TOKEN_VOLUME)
                    .withNewProjected().addNewSource().withNewServiceAccountToken()
                    .withAudience(MeshSettings.TOKEN_AUDIENCE)
                    .withExpirationSeconds(MeshSettings.TOKEN_EXPIRATION_SECONDS)
                    .withPath(MeshSettings.TOKEN_PATH)
                    .endServiceAccountToken().endSource().endProjected().build());
            volumes.add(new VolumeBuilder().withName(MeshSettings.ROOT_CERT_VOLUME)
                    .withNewConfigMap().withName(MeshSettings.ROOT_CERT_CONFIG_MAP).endConfigMap().build());
        }
        return volumes;
    }

    private static void checkVolumeReserved(List<Volume> volumes, List<Volume> injected) {
        var reserved = injected.stream().map(Volume::getName).toList();
        for (var i = 0; i < volumes.size(); i++) {
            if (volumes.get(i) == null) {
                throw new InvalidValueException("spec.volumes[" + i + "]", "null", "is not a volume");
            }
            var name = volumes.get(i).getName();
            if (reserved.contains(name)) {
                throw new InvalidValueException("spec.volumes[" + i + "].name", name, "is reserved for the injected sidecar");
            }
        }
    }

    /** The variables the templates see; docs/templates.md lists them. */
    static final class TemplateData {
        private TemplateData() {
        }

        static Map<String, Object> of(SidecarSpec spec, InjectionSettings settings) {
            var resources = spec.resources();
            var proxy = new LinkedHashMap<String, Object>();
            proxy.put("name", PROXY_NAME);
            proxy.put("image", spec.image());
            proxy.put("imagePullPolicy", settings.imagePullPolicy());
            proxy.put("native", spec.placement() == Placement.NATIVE);
            proxy.put("holdUntilReady", spec.holdApplicationUntilProxyStarts() && spec.placement() == Placement.CONTAINER);
            proxy.put("uid", settings.proxyUid());
            proxy.put("gid", settings.proxyGid());
            proxy.put("drainSeconds", settings.drainSeconds());
            proxy.put("tmpVolume", TMP_VOLUME);
            proxy.put("cpuRequest", resources.cpuRequest().map(ResourceQuantity::text).orElse(""));
            proxy.put("memoryRequest", resources.memoryRequest().map(ResourceQuantity::text).orElse(""));
            proxy.put("cpuLimit", resources.cpuLimit().map(ResourceQuantity::text).orElse(""));
            proxy.put("memoryLimit", resources.memoryLimit().map(ResourceQuantity::text).orElse(""));
            var hasRequests = resources.cpuRequest().isPresent() || resources.memoryRequest().isPresent();
            var hasLimits = resources.cpuLimit().isPresent() || resources.memoryLimit().isPresent();
            proxy.put("hasRequests", hasRequests);
            proxy.put("hasLimits", hasLimits);
            proxy.put("hasResources", hasRequests || hasLimits);
            var ports = settings.ports();
            var traffic = spec.traffic();
            var mesh = new LinkedHashMap<String, Object>();
            mesh.put("enabled", settings.mesh().enabled());
            mesh.put("controlPlane", settings.mesh().controlPlane().map(ControlPlaneAddress::text).orElse(""));
            mesh.put("rootCertFile", MeshSettings.ROOT_CERT_FILE);
            mesh.put("rootCertDir", MeshSettings.ROOT_CERT_DIR);
            mesh.put("rootCertVolume", MeshSettings.ROOT_CERT_VOLUME);
            mesh.put("tokenFile", MeshSettings.TOKEN_FILE);
            mesh.put("tokenDir", MeshSettings.TOKEN_DIR);
            mesh.put("tokenVolume", MeshSettings.TOKEN_VOLUME);
            return Map.of(
                    "mesh", mesh,
                    "proxy", proxy,
                    "init", Map.of("name", INIT_NAME),
                    "ports", Map.of("inbound", ports.inbound(), "outbound", ports.outbound(), "health", ports.health(), "metrics", ports.metrics()),
                    "traffic", Map.of(
                            "includeInboundPorts", traffic.includeInboundPorts().text(),
                            "excludeInboundPorts", traffic.excludeInboundPorts().text(),
                            "excludeOutboundPorts", traffic.excludeOutboundPorts().text(),
                            "includeOutboundCidrs", traffic.includeOutboundCidrs().text(),
                            "excludeOutboundCidrs", traffic.excludeOutboundCidrs().text()));
        }
    }
}
