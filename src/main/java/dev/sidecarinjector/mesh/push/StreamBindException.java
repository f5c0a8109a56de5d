package dev.sidecarinjector.mesh.push;

import io.quarkus.runtime.QuarkusBindException;
import java.net.BindException;

/** The mesh stream's port cannot be bound: {@code serve} stops, naming the port and the settings that choose it. */
public final class StreamBindException extends QuarkusBindException {

    public StreamBindException(String host, int port, BindException cause) {
        super(host, port, cause);
    }
}
