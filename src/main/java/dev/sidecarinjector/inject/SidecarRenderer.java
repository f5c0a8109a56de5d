package dev.sidecarinjector.inject;

import dev.sidecarinjector.inject.TemplateOutput.Slot;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EmptyDirVolumeSource;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code sidecar} template: the proxy (as a container or a native sidecar), the iptables init container and
 * the proxy's volumes (scratch, and with a control plane the root certificate and token), each in the slot the
 * pod's placement and hold-until-ready choose. {@link PodAssembly} puts them into the pod. Pure.
 */
public final class SidecarRenderer {

    public static final String PROXY_NAME = "sidecar-proxy";
    public static final String INIT_NAME = "sidecar-init";
    public static final String TMP_VOLUME = "sidecar-proxy-tmp";

    /** The two sets of the sidecar's volumes, built once and shared: nothing changes them. */
    private static final List<Volume> PLAIN_VOLUMES = buildVolumes(false);
    private static final List<Volume> MESH_VOLUMES = buildVolumes(true);

    private SidecarRenderer() {
    }

    static TemplateOutput output(SidecarSpec spec, InjectionSettings settings, SidecarTemplates templates) {
        var sidecar = templates.renderSidecar(spec, settings);
        var placed = new ArrayList<TemplateOutput.Placed>();
        if (sidecar.init() != null) {
            placed.add(new TemplateOutput.Placed(sidecar.init().container(), Slot.SIDECAR_INIT, sidecar.init().tree()));
        }
        var proxySlot = spec.placement() == Placement.NATIVE ? Slot.SIDECAR_INIT
                : spec.holdApplicationUntilProxyStarts() ? Slot.LEADING : Slot.TRAILING;
        placed.add(new TemplateOutput.Placed(sidecar.proxy().container(), proxySlot, sidecar.proxy().tree()));
        return new TemplateOutput(TemplateNames.SIDECAR, placed, volumes(settings.mesh()), List.of(), Map.of());
    }

    /**
     * The spec with the identity of the pod's own {@code sidecar-proxy} declaration (override by name), so that the
     * init container exempts the uid the proxy will run as. Root is refused with iptables interception: the rules
     * tell the proxy's own traffic apart by its uid, and exempting uid 0 would let every root process bypass them.
     */
    static SidecarSpec withDeclaredIdentity(SidecarSpec spec, Container declared, String field) {
        var context = declared.getSecurityContext();
        if (context == null || context.getRunAsUser() == null && context.getRunAsGroup() == null) {
            return spec;
        }
        var uid = context.getRunAsUser() == null ? spec.proxyUid() : context.getRunAsUser();
        var gid = context.getRunAsGroup() == null ? spec.proxyGid() : context.getRunAsGroup();
        if (spec.interception() == Interception.IPTABLES && (uid == 0 || uid < 0)) {
            throw new InvalidValueException(field + ".securityContext.runAsUser", Long.toString(uid),
                    "cannot be the proxy's user: the iptables rules exempt the proxy's own traffic by its uid, so it must not be root");
        }
        if (gid < 0) {
            throw new InvalidValueException(field + ".securityContext.runAsGroup", Long.toString(gid), "is not a group id");
        }
        return spec.withIdentity(uid, gid);
    }

    /**
     * The volumes the sidecar brings: its scratch {@code /tmp}, and with a control plane Istio's two, the mesh's
     * root certificate from the namespace's {@code istio-ca-root-cert} ConfigMap and a projected ServiceAccount
     * token for the CA (audience {@code istio-ca}, 12 h), under Istio's names so tooling that knows them works.
     */
    private static List<Volume> volumes(MeshSettings mesh) {
        return mesh.enabled() ? MESH_VOLUMES : PLAIN_VOLUMES;
    }


    private static List<Volume> buildVolumes(boolean mesh) {
        var volumes = new ArrayList<Volume>();
        volumes.add(new VolumeBuilder().withName(TMP_VOLUME).withEmptyDir(new EmptyDirVolumeSource("Memory", null)).build());
        if (mesh) {
            volumes.add(new VolumeBuilder().withName(MeshSettings.TOKEN_VOLUME)
                    .withNewProjected().addNewSource().withNewServiceAccountToken()
                    .withAudience(MeshSettings.TOKEN_AUDIENCE)
                    .withExpirationSeconds(MeshSettings.TOKEN_EXPIRATION_SECONDS)
                    .withPath(MeshSettings.TOKEN_PATH)
                    .endServiceAccountToken().endSource().endProjected().build());
            volumes.add(new VolumeBuilder().withName(MeshSettings.ROOT_CERT_VOLUME)
                    .withNewConfigMap().withName(MeshSettings.ROOT_CERT_CONFIG_MAP).endConfigMap().build());
        }
        return List.copyOf(volumes);
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
            proxy.put("uid", spec.proxyUid());
            proxy.put("gid", spec.proxyGid());
            proxy.put("drainSeconds", settings.drainSeconds());
            proxy.put("readinessInitialDelaySeconds", spec.readiness().initialDelaySeconds());
            proxy.put("readinessPeriodSeconds", spec.readiness().periodSeconds());
            proxy.put("readinessFailureThreshold", spec.readiness().failureThreshold());
            proxy.put("readinessProbe", spec.statusPort() != StatusPort.NONE);
            proxy.put("tmpVolume", TMP_VOLUME);
            proxy.putAll(ResourceData.of(resources));
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
                    "ports", Map.of("inbound", ports.inbound(), "outbound", ports.outbound(), "health", ports.health(), "metrics", ports.metrics(),
                            "status", StatusPort.listening(spec.statusPort(), ports)),
                    "traffic", Map.of(
                            "includeInboundPorts", traffic.includeInboundPorts().text(),
                            "excludeInboundPorts", traffic.excludeInboundPorts().text(),
                            "excludeOutboundPorts", traffic.excludeOutboundPorts().text(),
                            "includeOutboundCidrs", traffic.includeOutboundCidrs().text(),
                            "excludeOutboundCidrs", traffic.excludeOutboundCidrs().text()));
        }
    }
}
