package dev.sidecarinjector.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Istio's canonical-name, canonical-revision and tlsMode rules, case by case. */
class WorkloadLabelsTest {

    private static ObjectMeta owned(String generateName, String kind, String owner, Map<String, String> labels) {
        return new ObjectMetaBuilder().withGenerateName(generateName).withLabels(labels)
                .addNewOwnerReference().withKind(kind).withName(owner).withController(true).endOwnerReference().build();
    }

    @Test
    void nameComesFromLabelsInIstiosOrder() {
        var meta = new ObjectMetaBuilder().withName("pod-1").withLabels(Map.of("app", "b", "app.kubernetes.io/name", "a")).build();
        assertEquals("a", WorkloadLabels.of(meta, Optional.empty()).get(WorkloadLabels.CANONICAL_NAME));
        meta = new ObjectMetaBuilder().withName("pod-1").withLabels(Map.of("app", "b", "app.kubernetes.io/name", "")).build();
        assertEquals("b", WorkloadLabels.of(meta, Optional.empty()).get(WorkloadLabels.CANONICAL_NAME), "an empty label counts as absent");
    }

    @Test
    void revisionComesFromVersionLabelsElseLatest() {
        var meta = new ObjectMetaBuilder().withName("p").withLabels(Map.of("version", "v2", "app.kubernetes.io/version", "1.4")).build();
        assertEquals("1.4", WorkloadLabels.of(meta, Optional.empty()).get(WorkloadLabels.CANONICAL_REVISION));
        meta = new ObjectMetaBuilder().withName("p").withLabels(Map.of("version", "v2")).build();
        assertEquals("v2", WorkloadLabels.of(meta, Optional.empty()).get(WorkloadLabels.CANONICAL_REVISION));
        meta = new ObjectMetaBuilder().withName("p").build();
        assertEquals("latest", WorkloadLabels.of(meta, Optional.empty()).get(WorkloadLabels.CANONICAL_REVISION));
    }

    @Test
    void workloadNameFollowsIstiosOwnerHeuristics() {
        assertEquals("reviews-v1", WorkloadLabels.workloadName(owned("reviews-v1-7d9f-", "ReplicaSet", "reviews-v1-7d9f",
                Map.of("pod-template-hash", "7d9f"))));
        assertEquals("canary", WorkloadLabels.workloadName(owned("canary-abc-", "ReplicaSet", "canary-abc",
                Map.of("rollouts-pod-template-hash", "abc"))));
        assertEquals("plain-rs", WorkloadLabels.workloadName(owned("plain-rs-", "ReplicaSet", "plain-rs", Map.of())));
        assertEquals("frontend", WorkloadLabels.workloadName(owned("frontend-3-", "ReplicationController", "frontend-3",
                Map.of("deploymentconfig", "frontend"))));
        assertEquals("backup", WorkloadLabels.workloadName(owned("backup-29001440-", "Job", "backup-29001440", Map.of())));
        assertEquals("migrate-1", WorkloadLabels.workloadName(owned("migrate-1-", "Job", "migrate-1", Map.of())));
        assertEquals("agent", WorkloadLabels.workloadName(owned("agent-", "DaemonSet", "agent", Map.of())));
        assertEquals("loose-", WorkloadLabels.workloadName(new ObjectMetaBuilder().withGenerateName("loose-").build()));
        assertEquals("db-0", WorkloadLabels.workloadName(new ObjectMetaBuilder().withName("db-0")
                .addNewOwnerReference().withKind("StatefulSet").withName("db").withController(true).endOwnerReference().build()));
    }

    @Test
    void derivedNameIsALabelValueAndTheWorkloadNameWinsWhenGiven() {
        var labels = WorkloadLabels.of(new ObjectMetaBuilder().withGenerateName("loose-").build(), Optional.empty());
        assertEquals("loose", labels.get(WorkloadLabels.CANONICAL_NAME));
        var longName = "x".repeat(70);
        labels = WorkloadLabels.of(new ObjectMetaBuilder().withName(longName).build(), Optional.empty());
        assertEquals("x".repeat(63), labels.get(WorkloadLabels.CANONICAL_NAME));
        labels = WorkloadLabels.of(new ObjectMetaBuilder().build(), Optional.of("reviews"));
        assertEquals("reviews", labels.get(WorkloadLabels.CANONICAL_NAME));
        labels = WorkloadLabels.of(new ObjectMetaBuilder().build(), Optional.empty());
        assertEquals(null, labels.get(WorkloadLabels.CANONICAL_NAME), "no name at all: no empty label");
    }

    @Test
    void existingLabelsAreKept() {
        var meta = new ObjectMetaBuilder().withName("p").withLabels(Map.of(WorkloadLabels.TLS_MODE, "disabled",
                WorkloadLabels.CANONICAL_NAME, "mine", WorkloadLabels.CANONICAL_REVISION, "r1", "app", "other")).build();
        var labels = WorkloadLabels.of(meta, Optional.empty());
        assertEquals("disabled", labels.get(WorkloadLabels.TLS_MODE));
        assertEquals("mine", labels.get(WorkloadLabels.CANONICAL_NAME));
        assertEquals("r1", labels.get(WorkloadLabels.CANONICAL_REVISION));
        assertEquals("istio", WorkloadLabels.of(new ObjectMetaBuilder().withName("p").build(), Optional.empty()).get(WorkloadLabels.TLS_MODE));
    }
}
