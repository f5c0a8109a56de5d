package dev.sidecarinjector.mesh.compile;

import dev.sidecarinjector.inject.KubernetesNames;
import java.util.List;

/** Istio's {@code exportTo}: empty or {@code *} everywhere, {@code .} the resource's own namespace, {@code ~} nowhere, else the namespaces named. */
final class ExportTo {

    private ExportTo() {
    }

    /**
     * {@code exportTo} as Istio's validation accepts it, or an {@link InvalidField}: {@code .}, {@code *}, {@code ~}
     * (nowhere) or namespace names, no entry twice, and {@code *} or {@code ~} alone.
     */
    static List<String> checked(List<String> exportTo) {
        if (exportTo == null) {
            return List.of();
        }
        for (var i = 0; i < exportTo.size(); i++) {
            var entry = exportTo.get(i);
            var field = "spec.exportTo[" + i + "]";
            if (entry == null || !entry.equals(".") && !entry.equals("*") && !entry.equals("~") && !KubernetesNames.isLabel(entry, false)) {
                throw new InvalidField(field, entry, "is not ., *, ~ or a namespace name");
            }
            if (exportTo.indexOf(entry) < i) {
                throw new InvalidField(field, entry, "is a duplicate");
            }
            if ((entry.equals("*") || entry.equals("~")) && exportTo.size() > 1) {
                throw new InvalidField(field, entry, "cannot be given with other entries");
            }
        }
        return List.copyOf(exportTo);
    }

    static boolean visible(List<String> exportTo, String ownNamespace, String clientNamespace) {
        if (exportTo == null || exportTo.isEmpty()) {
            return true;
        }
        for (var entry : exportTo) {
            if (entry.equals("*") || entry.equals(clientNamespace) || entry.equals(".") && ownNamespace.equals(clientNamespace)) {
                return true;
            }
        }
        return false;
    }
}
