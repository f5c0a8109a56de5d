package dev.sidecarinjector.mesh.compile;

import java.util.List;

/** Istio's {@code exportTo}: empty or {@code *} everywhere, {@code .} the resource's own namespace, else the namespaces named. */
final class ExportTo {

    private ExportTo() {
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
