package dev.sidecarinjector.health;

import dev.sidecarinjector.mesh.push.StreamServer;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready while the mesh stream's server (15012) is listening, or when it is turned off; reports the port or why not. */
@Readiness
@ApplicationScoped
public class StreamReadiness implements HealthCheck {

    private final StreamServer server;

    public StreamReadiness(StreamServer server) {
        this.server = server;
    }

    @Override
    public HealthCheckResponse call() {
        var builder = HealthCheckResponse.named("mesh-stream");
        var failure = server.failure();
        if (failure == null) {
            return builder.up().withData("port", server.port()).build();
        }
        return failure.startsWith("disabled") ? builder.up().withData("state", failure).build()
                : builder.down().withData("error", failure).build();
    }
}
