package dev.sidecarinjector.namespace;

import java.util.Map;

/** The labels of the namespace a pod is created in, from a cache: never a call to the API per admission. */
public interface NamespaceLabels {

    /**
     * The namespace's labels; an empty map for a namespace the source does not know.
     *
     * @throws NamespaceLabelsUnavailable when the source has not loaded yet (the API was never reached)
     */
    Map<String, String> labelsOf(String namespace);

    /** True once labels can be served. */
    boolean ready();

    /** One line for the startup log and the readiness check. */
    String describe();
}
