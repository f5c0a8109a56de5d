package dev.sidecarinjector.mesh.index;

/** Text that is not YAML or JSON at all: the message names the file and the line. */
public final class MeshDocumentException extends Exception {
    public MeshDocumentException(String message) {
        super(message);
    }
}
