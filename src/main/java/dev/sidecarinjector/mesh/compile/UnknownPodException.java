package dev.sidecarinjector.mesh.compile;

/** The proxy's pod is not in the index: nothing can be compiled for it. */
public final class UnknownPodException extends Exception {
    public UnknownPodException(String namespace, String pod) {
        super("pod " + namespace + "/" + pod + " is not known (no Pod of that name in the mesh's sources)");
    }
}
