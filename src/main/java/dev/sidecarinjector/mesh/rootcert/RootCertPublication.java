package dev.sidecarinjector.mesh.rootcert;

import dev.sidecarinjector.ca.ControlPlaneCa;
import dev.sidecarinjector.config.MeshConfig;
import dev.sidecarinjector.config.NamespaceConfig;
import dev.sidecarinjector.inject.InjectionSettings;
import dev.sidecarinjector.mesh.source.MeshSourceProducer;
import dev.sidecarinjector.namespace.InformerNamespaceLabels;
import dev.sidecarinjector.namespace.NamespaceLabels;
import dev.sidecarinjector.tls.TlsConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Runs the {@link RootCertPublisher} when the mesh is read from the cluster (the rule of injector.mesh.source);
 * with the directory source there is no cluster to publish to, and proxies run by hand read the file itself. The
 * root is the mesh CA's when it is on, else injector.mesh.root-cert-file.
 */
@ApplicationScoped
public class RootCertPublication {

    private static final Logger LOG = Logger.getLogger(RootCertPublication.class);
    static final Duration FIRST_RETRY = Duration.ofMillis(500);
    static final Duration MAX_RETRY = Duration.ofMinutes(5);

    private final MeshConfig mesh;
    private final NamespaceConfig namespaceConfig;
    private final TlsConfig tls;
    private final Instance<KubernetesClient> client;
    private final NamespaceLabels labels;
    private final ControlPlaneCa ca;
    private RootCertPublisher publisher;

    public RootCertPublication(MeshConfig mesh, NamespaceConfig namespaceConfig, TlsConfig tls, Instance<KubernetesClient> client,
            NamespaceLabels labels, ControlPlaneCa ca) {
        this.mesh = mesh;
        this.namespaceConfig = namespaceConfig;
        this.tls = tls;
        this.client = client;
        this.labels = labels;
        this.ca = ca;
    }

    void start(@Observes StartupEvent startup) {
        var file = Path.of(mesh.rootCertFile());
        var caRoot = ca.rootPem();
        if (MeshSourceProducer.effectiveSource(mesh.source()) != MeshConfig.Source.KUBERNETES) {
            LOG.infof("root certificate: not published (no cluster: the mesh source is a directory); proxies read %s",
                    caRoot.isPresent() ? ca.rootOrigin() : file);
            return;
        }
        var root = caRoot.map(pem -> RootCertificate.fixed(pem, "the mesh CA (" + ca.rootOrigin() + ")")).orElseGet(() -> new RootCertificate(file));
        var ignored = new HashSet<>(InjectionSettings.SYSTEM_NAMESPACES);
        ignored.addAll(namespaceConfig.ignored().orElse(List.of()));
        var shared = labels instanceof InformerNamespaceLabels informer ? informer.informer() : null;
        try {
            publisher = new RootCertPublisher(client.get(), shared, root, ignored, tls.reloadPeriod(),
                    FIRST_RETRY, MAX_RETRY).start();
            LOG.infof("root certificate: publishing %s", publisher.describe());
        } catch (RuntimeException e) {
            // Publishing serves the proxies; it must never keep the webhook from starting.
            LOG.errorf(e, "root certificate: the publisher could not start; injected pods with the mesh wait for istio-ca-root-cert");
        }
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (publisher != null) {
            publisher.close();
        }
    }
}
