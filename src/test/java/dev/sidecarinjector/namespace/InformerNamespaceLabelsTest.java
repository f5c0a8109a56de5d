package dev.sidecarinjector.namespace;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** With the API unreachable the informer never syncs: not ready, and no decision is made from a guess. */
class InformerNamespaceLabelsTest {

    @Test
    void unreachableApiMeansNotReadyAndNoLabels() throws Exception {
        int closedPort;
        try (var socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        var config = new ConfigBuilder().withMasterUrl("http://127.0.0.1:" + closedPort)
                .withRequestRetryBackoffLimit(0).withConnectionTimeout(200).build();
        try (var client = new KubernetesClientBuilder().withConfig(config).build();
             var labels = new InformerNamespaceLabels(client)) {
            Thread.sleep(500);
            assertFalse(labels.ready());
            assertTrue(labels.describe().contains("not synced"));
            var error = assertThrows(NamespaceLabelsUnavailable.class, () -> labels.labelsOf("default"));
            assertTrue(error.getMessage().contains("127.0.0.1:" + closedPort), error.getMessage());
        }
    }
}
