package dev.sidecarinjector.mesh.source;

import dev.sidecarinjector.config.EventConfig;
import dev.sidecarinjector.config.MeshConfig;
import dev.sidecarinjector.mesh.compile.MeshCompiler;
import dev.sidecarinjector.mesh.compile.Problem;
import dev.sidecarinjector.mesh.compile.ProblemLog;
import dev.sidecarinjector.mesh.compile.UnknownPodException;
import dev.sidecarinjector.mesh.index.MeshIndex;
import dev.sidecarinjector.mesh.jwks.JwksFetcher;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.TreeSet;
import org.jboss.logging.Logger;

/**
 * Chooses the mesh's source once and says so in the startup log; logs each problem of the resources once (a
 * resource that stays invalid is not logged again on every change), on its own thread.
 */
@ApplicationScoped
public class MeshSourceProducer {

    private static final Logger LOG = Logger.getLogger(MeshSourceProducer.class);

    private volatile LatestIndexListener reporter;

    @Produces
    @Singleton
    JwksFetcher jwksFetcher(MeshConfig config) {
        var jwks = config.jwks();
        return new JwksFetcher(new JwksFetcher.Settings(jwks.refreshInterval(), jwks.retryInterval(), jwks.timeout(), jwks.maxBytes()));
    }

    void closeJwks(@Disposes JwksFetcher fetcher) {
        fetcher.close();
    }

    @Produces
    @Singleton
    MeshCompiler meshCompiler(MeshConfig config, JwksFetcher jwks) {
        return new MeshCompiler(config.domain(), config.rootNamespace(), jwks);
    }

    /** The mesh's problems as last reported: logged (and evented) once each, listed whole by {@code GET /debug/problemz}. */
    @Produces
    @Singleton
    ProblemLog problemLog() {
        return new ProblemLog();
    }

    @Produces
    @Singleton
    @Startup
    MeshSource meshSource(MeshConfig config, EventConfig eventConfig, MeshCompiler compiler, JwksFetcher jwks,
                          Instance<KubernetesClient> client, ProblemLog problems) {
        MeshSource source = switch (effectiveSource(config.source())) {
            case KUBERNETES -> new KubernetesMeshSource(client.get());
            case DIRECTORY, AUTO -> new DirectoryMeshSource(Path.of(config.directory()), config.directoryPollInterval(),
                    config.directoryMaxFileSize().asLongValue(), config.directoryMaxTotalSize().asLongValue());
        };
        // With the cluster as the source, each problem is also an Event on the resource (kubectl describe shows it).
        var events = source instanceof KubernetesMeshSource && eventConfig.enabled() ? new MeshProblemEvents(client.get()) : null;
        // Off the source's thread: the push layer hears of the index at once, not after every namespace is compiled here.
        // The same thread tells the fetcher which jwksUris are in use: new ones are fetched at once, off this thread.
        reporter = new LatestIndexListener("mesh-problems", index -> {
            jwks.track(compiler.jwksUris(index));
            problems.report(allProblems(source, compiler, index), problem -> {
                log(problem);
                if (events != null) {
                    events.record(problem, index);
                }
            });
        });
        source.addListener(reporter);
        switch (source) {
            case DirectoryMeshSource directory -> directory.start();
            case KubernetesMeshSource kubernetes -> kubernetes.start();
            default -> {
            }
        }
        LOG.infof("mesh source: %s", source.describe());
        return source;
    }

    void close(@Disposes MeshSource source) {
        source.close();
        if (reporter != null) {
            reporter.close();
        }
    }

    private static void log(Problem problem) {
        LOG.warnf("mesh: %s", problem.describe());
    }

    /** Problems of reading, of the index, and of the outbound part of every namespace that has pods. */
    static java.util.List<Problem> allProblems(MeshSource source, MeshCompiler compiler, MeshIndex index) {
        var all = new TreeSet<Problem>(source.readProblems());
        all.addAll(compiler.problems(index));
        var podByNamespace = new HashMap<String, String>();
        for (var pod : index.pods().values()) {
            podByNamespace.putIfAbsent(MeshIndex.namespace(pod), pod.getMetadata().getName());
        }
        for (var entry : podByNamespace.entrySet()) {
            try {
                all.addAll(compiler.compile(index, entry.getKey(), entry.getValue(), "check").problems());
            } catch (UnknownPodException e) {
                // cannot happen: the pod is taken from the same index
            }
        }
        return new ArrayList<>(all);
    }

    /** {@code auto}: the API when running in a pod (the kubelet sets KUBERNETES_SERVICE_HOST), else the directory. */
    public static MeshConfig.Source effectiveSource(MeshConfig.Source configured) {
        if (configured != MeshConfig.Source.AUTO) {
            return configured;
        }
        return System.getenv("KUBERNETES_SERVICE_HOST") != null ? MeshConfig.Source.KUBERNETES : MeshConfig.Source.DIRECTORY;
    }
}
