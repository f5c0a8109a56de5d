package dev.sidecarinjector.config;

import dev.sidecarinjector.inject.InjectionSettings;
import dev.sidecarinjector.inject.RenderCacheLimits;
import dev.sidecarinjector.templates.TemplateStore;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Builds the core's values from configuration once, at startup, so a bad property stops the process with its name. */
@ApplicationScoped
public class InjectorBeans {

    @Produces
    @Singleton
    InjectionSettings settings(NamespaceConfig namespaces, ProxyConfig proxy, InterceptionConfig interception, MeshConfig mesh,
                               LogShipperConfig logShipper, VaultAgentConfig vault, ConfigReloaderConfig reloader, PodSecurityConfig podSecurity) {
        return InjectionSettingsFactory.from(namespaces, proxy, interception, mesh, logShipper, vault, reloader, podSecurity);
    }

    @Produces
    @Singleton
    @Startup
    TemplateStore templates(TemplateConfig config, InjectionSettings settings, TemplateReloader reloader) {
        var cache = config.renderCache();
        var store = new TemplateStore(config.directory(), settings,
                new RenderCacheLimits(cache.maxBytes().asLongValue(), cache.maxEntryBytes().asLongValue()));
        if (config.directory().isPresent()) {
            var period = config.reloadPeriod().toMillis();
            reloader.executor().scheduleWithFixedDelay(store::reload, period, period, TimeUnit.MILLISECONDS);
        }
        return store;
    }

    /** The single daemon thread that re-reads the template directory. */
    @Singleton
    public static class TemplateReloader {
        private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("template-reload").factory());

        ScheduledExecutorService executor() {
            return executor;
        }

        @jakarta.annotation.PreDestroy
        void shutdown() {
            executor.shutdownNow();
        }
    }
}
