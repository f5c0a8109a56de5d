package dev.sidecarinjector.inject;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What one template adds to a pod: its containers, each in a {@link Slot}, its volumes, the mounts it adds to the
 * pod's own containers, and which of its mount paths came from an annotation or a setting (normalised path to source).
 */
record TemplateOutput(String template, List<Placed> containers, List<Volume> volumes, List<VolumeMount> appVolumeMounts,
                      Map<String, MountPaths.Source> mountSources) {

    /** Where an injected container goes; within a slot, templates keep their order. */
    enum Slot {
        /** Before every other init container (vault-agent with agent-init-first). */
        LEADING_INIT,
        /** Before the pod's own init containers (the sidecar's iptables init and its native proxy). */
        SIDECAR_INIT,
        /** After the pod's own init containers. */
        TRAILING_INIT,
        /**
         * After every other init container: a named template's long-running containers as native sidecars, in native
         * placement. The proxy and the init containers that fill the secrets (vault-agent-init) run before them; the
         * proxy, started first, is stopped last.
         */
        NATIVE_SIDECAR,
        /** Before the pod's own containers (the proxy held until ready). */
        LEADING,
        /** After the pod's own containers. */
        TRAILING;

        boolean init() {
            return this == LEADING_INIT || this == SIDECAR_INIT || this == TRAILING_INIT || this == NATIVE_SIDECAR;
        }
    }

    /**
     * One injected container, its slot, and its JSON when the render cache keeps it (else null). The container may be
     * shared between pods: nothing changes it (see {@link ContainerEdits}).
     */
    record Placed(Container container, Slot slot, JsonNode json) {

        Placed(Container container, Slot slot) {
            this(container, slot, null);
        }
    }

    TemplateOutput {
        containers = List.copyOf(containers);
        volumes = List.copyOf(volumes);
        appVolumeMounts = List.copyOf(appVolumeMounts);
        mountSources = Map.copyOf(mountSources);
    }

    /**
     * A named template's fragment: its init containers lead or trail the pod's own; its containers trail the pod's
     * own, or in native placement run as native sidecars (restartPolicy Always) after every init container, so that a
     * Job's pod completes: Kubernetes stops native sidecars once the pod's containers have exited.
     */
    static TemplateOutput of(String template, TemplateFragment fragment, Placement placement, Map<String, MountPaths.Source> mountSources) {
        var placed = new ArrayList<Placed>();
        var initSlot = fragment.initContainersFirst() ? Slot.LEADING_INIT : Slot.TRAILING_INIT;
        fragment.initContainers().forEach(c -> placed.add(new Placed(c, initSlot)));
        for (var container : fragment.containers()) {
            placed.add(placement == Placement.NATIVE
                    ? new Placed(new ContainerBuilder(container).withRestartPolicy(NATIVE_RESTART_POLICY).build(), Slot.NATIVE_SIDECAR)
                    : new Placed(container, Slot.TRAILING));
        }
        return new TemplateOutput(template, placed, fragment.volumes(), fragment.appVolumeMounts(), mountSources);
    }

    /** A native sidecar is an init container with this restart policy. */
    static final String NATIVE_RESTART_POLICY = "Always";
}
