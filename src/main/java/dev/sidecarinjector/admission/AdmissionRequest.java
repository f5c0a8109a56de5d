package dev.sidecarinjector.admission;


/**
 * The fields of an {@code admission.k8s.io/v1} AdmissionRequest that the injector uses. {@code object} is the
 * object as sent, of any JSON type, or null when missing or null (as for a DELETE).
 */
public record AdmissionRequest(
        String uid,
        String group,
        String kind,
        String operation,
        String namespace,
        String name,
        boolean dryRun,
        RequestObject object) {

    /** True when the object is a core/v1 Pod. */
    public boolean isPod() {
        return isPod(group, kind);
    }

    /** True for the core group's {@code Pod}; the codec asks this before the request is whole. */
    static boolean isPod(String group, String kind) {
        return group.isEmpty() && "Pod".equals(kind);
    }
}
