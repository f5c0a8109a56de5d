package dev.sidecarinjector.health;

import dev.sidecarinjector.templates.TemplateStore;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once a valid template set is in force. A refused reload is shown in the data but keeps the check up:
 * the last good templates still serve, and failing every replica over a ConfigMap typo would stop every pod
 * creation in the cluster (failurePolicy Fail).
 */
@Readiness
@ApplicationScoped
public class TemplateReadiness implements HealthCheck {

    private final TemplateStore templates;

    public TemplateReadiness(TemplateStore templates) {
        this.templates = templates;
    }

    @Override
    public HealthCheckResponse call() {
        var builder = HealthCheckResponse.named("templates")
                .status(templates.current().isPresent())
                .withData("source", templates.describe());
        templates.current().ifPresent(current -> builder.withData("names", String.join(",", current.names()))
                .withData("renderCacheBytes", current.renderCacheBytes()));
        templates.lastError().ifPresent(error -> builder.withData("lastReloadError", error));
        return builder.build();
    }
}
