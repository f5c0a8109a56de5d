package dev.sidecarinjector.namespace;

/** The namespace cache has not synced with the Kubernetes API yet, so no decision can be made. */
public final class NamespaceLabelsUnavailable extends RuntimeException {

    public NamespaceLabelsUnavailable(String message) {
        super(message);
    }
}
