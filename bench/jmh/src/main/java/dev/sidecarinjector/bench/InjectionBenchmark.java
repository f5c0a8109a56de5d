package dev.sidecarinjector.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sidecarinjector.admission.AdmissionReviewCodec;
import dev.sidecarinjector.config.InjectionSettingsFactory;
import dev.sidecarinjector.inject.AdmissionFacts;
import dev.sidecarinjector.inject.InjectionDecision;
import dev.sidecarinjector.inject.InjectionPolicy;
import dev.sidecarinjector.inject.InjectionResult;
import dev.sidecarinjector.inject.InjectionSettings;
import dev.sidecarinjector.inject.PodOverrides;
import dev.sidecarinjector.inject.SidecarInjector;
import dev.sidecarinjector.inject.SidecarSpec;
import dev.sidecarinjector.inject.SidecarTemplates;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The injection core on the HTTPS benchmark's Deployment pod (3 containers, 1 init container, 20 annotations):
 * each pipeline step alone, the whole pure pipeline ({@link SidecarInjector#inject}), and the whole review as
 * the handler sees it (bytes in, bytes out) without HTTP, metrics, logging or events.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class InjectionBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();

    private byte[] review;
    private Pod pod;
    private AdmissionFacts facts;
    private InjectionSettings settings;
    private SidecarTemplates templates;
    private SidecarSpec spec;

    @Setup
    public void setUp() throws IOException {
        try (InputStream in = InjectionBenchmark.class.getResourceAsStream("/deployment-pod-review.json")) {
            JsonNode tree = JSON.readTree(in);
            review = JSON.writeValueAsBytes(tree);
            pod = JSON.treeToValue(tree.at("/request/object"), Pod.class);
        }
        facts = new AdmissionFacts("CREATE", "demo", Map.of("istio-injection", "enabled"), true);
        settings = InjectionSettingsFactory.from(InjectionSettingsFactory.standaloneConfig(Optional.empty(), Map.of()));
        templates = SidecarTemplates.builtIn();
        spec = PodOverrides.read(pod.getMetadata().getAnnotations(), settings);
        if (!(SidecarInjector.inject(pod, facts, settings, templates) instanceof InjectionResult.Injected)) {
            throw new IllegalStateException("the benchmark pod is not injected: check the fixture and the facts");
        }
    }

    /** Step 1: the decision (labels, annotations, namespace). */
    @Benchmark
    public InjectionDecision decide() {
        return InjectionPolicy.decide(pod, facts, settings);
    }

    /** Step 2: the override annotations read into one typed spec. */
    @Benchmark
    public SidecarSpec overrides() {
        return PodOverrides.read(pod.getMetadata().getAnnotations(), settings);
    }

    // Steps 3 and 4 (the templates applied to the pod, and the JSON Patch built from what they changed) are not
    // measured alone: they are package-private, and inject minus the other steps gives them.

    /** Steps 1 to 4: decide + overrides + render + patch, the pure entry point the webhook and kube-inject call. */
    @Benchmark
    public InjectionResult inject() {
        return SidecarInjector.inject(pod, facts, settings, templates);
    }

    /** The review as the handler answers it: decode the bytes, bind the Pod, inject, encode the reply to bytes. */
    @Benchmark
    public byte[] review() throws IOException {
        var request = AdmissionReviewCodec.decode(review);
        var object = request.object().pod();
        var result = SidecarInjector.inject(object, facts, settings, templates);
        var reply = AdmissionReviewCodec.allowed(request.uid(), ((InjectionResult.Injected) result).patch());
        return AdmissionReviewCodec.encode(reply);
    }
}
