package dev.sidecarinjector.health;

import dev.sidecarinjector.namespace.NamespaceLabels;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once namespace labels can be served: the informer has synced, or the static policy is in use. */
@Readiness
@ApplicationScoped
public class NamespaceReadiness implements HealthCheck {

    private final NamespaceLabels namespaces;

    public NamespaceReadiness(NamespaceLabels namespaces) {
        this.namespaces = namespaces;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("namespace-labels")
                .status(namespaces.ready())
                .withData("source", namespaces.describe())
                .build();
    }
}
