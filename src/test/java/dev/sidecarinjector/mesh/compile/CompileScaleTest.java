package dev.sidecarinjector.mesh.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sidecarinjector.mesh.index.MeshIndex;
import io.fabric8.istio.api.networking.v1.DestinationRuleBuilder;
import io.fabric8.istio.api.networking.v1.VirtualServiceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.util.ArrayList;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The scale, 1,000 Services with 10,000 endpoints and 100 proxies in 10 namespaces, compiles completely.
 * The time is printed for the record, not asserted (timing belongs in make bench).
 */
class CompileScaleTest {

    @Test
    void thousandServicesTenThousandEndpointsHundredProxies() throws Exception {
        var resources = new ArrayList<HasMetadata>();
        for (var s = 0; s < 1000; s++) {
            var namespace = "ns" + s % 10;
            var name = "svc" + s;
            resources.add(new ServiceBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                    .withNewSpec().withClusterIP("10.96." + s / 250 + "." + s % 250).addToSelector("app", name)
                    .addNewPort().withName("http").withPort(80).withNewTargetPort(8080).endPort().endSpec().build());
            var slice = new EndpointSliceBuilder().withNewMetadata().withName(name + "-x").withNamespace(namespace)
                    .addToLabels("kubernetes.io/service-name", name).endMetadata().withAddressType("IPv4")
                    .addNewPort().withName("http").withPort(8080).endPort();
            for (var e = 0; e < 10; e++) {
                var pod = name + "-" + e;
                var ip = "10." + (100 + s / 250) + "." + s % 250 + "." + (e + 1);
                slice.addNewEndpoint().withAddresses(ip).withNewConditions().withReady(true).endConditions()
                        .withNewTargetRef().withKind("Pod").withName(pod).withNamespace(namespace).endTargetRef().endEndpoint();
                resources.add(new PodBuilder().withNewMetadata().withName(pod).withNamespace(namespace)
                        .withLabels(Map.of("app", name, "version", "v" + e % 2)).endMetadata().withNewStatus().withPodIP(ip).endStatus().build());
            }
            resources.add(slice.build());
            if (s % 2 == 0) {
                resources.add(new DestinationRuleBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                        .withNewSpec().withHost(name).addNewSubset().withName("v0").addToLabels("version", "v0").endSubset()
                        .addNewSubset().withName("v1").addToLabels("version", "v1").endSubset().endSpec().build());
                resources.add(new VirtualServiceBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                        .withNewSpec().withHosts(name).addNewHttp().addNewRoute().withNewDestination().withHost(name).withSubset("v0").endDestination()
                        .withWeight(90).endRoute().addNewRoute().withNewDestination().withHost(name).withSubset("v1").endDestination()
                        .withWeight(10).endRoute().withTimeout("10s").endHttp().endSpec().build());
            }
        }
        var index = MeshIndex.of(1, resources);
        var compiler = new MeshCompiler("cluster.local", "istio-system");
        var start = System.nanoTime();
        compiler.problems(index);
        var checked = System.nanoTime();
        var results = new ArrayList<CompileResult>();
        for (var p = 0; p < 100; p++) {
            var service = p * 10 + p % 10;
            results.add(compiler.compile(index, "ns" + service % 10, "svc" + service + "-0", "1"));
        }
        var compiled = System.nanoTime();
        var json = results.getFirst().snapshot().toJson(false);
        var serialized = System.nanoTime();
        for (var result : results) {
            assertEquals(1000, result.snapshot().listeners().size());
            assertEquals(1000 + 500 * 2, result.snapshot().clusters().size());
            assertEquals(0, result.problems().size(), result.problems().toString());
        }
        System.out.printf("mesh compile: 1,000 Services, 10,000 endpoints, 100 proxies in 10 namespaces: %d ms to compile (cold JVM;"
                + " %d ms of it checking the index once); one snapshot is %d KiB of JSON, written in %d ms%n", (compiled - start) / 1_000_000,
                (checked - start) / 1_000_000, json.length() / 1024, (serialized - compiled) / 1_000_000);
        for (var round = 2; round <= 3; round++) {
            var again = MeshIndex.of(round, resources);
            var warmStart = System.nanoTime();
            compiler.problems(again);
            var warmChecked = System.nanoTime();
            for (var p = 0; p < 100; p++) {
                var service = p * 10 + p % 10;
                compiler.compile(again, "ns" + service % 10, "svc" + service + "-0", String.valueOf(round));
            }
            System.out.printf("mesh compile: the same, index version %d: %d ms (%d ms checking)%n", round,
                    (System.nanoTime() - warmStart) / 1_000_000, (warmChecked - warmStart) / 1_000_000);
        }
    }
}
