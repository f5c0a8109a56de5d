package dev.sidecarinjector.inject;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * An injected pod etcd would not store: etcd takes at most 1.5 MiB an object (its default request limit), and the
 * API server, which validates the pod after the webhooks, refuses a larger one with a storage error that names
 * nothing. Thousands of Vault secrets do it: each is in both agents' configuration. Refused naming the largest
 * value the injection added. Only a pod whose annotations and injected env values are large is measured: most pods
 * cost nothing here.
 */
final class PodSize {

    /** etcd's default {@code --max-request-bytes}. */
    static final long MAX_BYTES = 1536 * 1024;
    /** Below this, annotations and injected env values together cannot take a pod of the API server's request size past the limit. */
    private static final long MEASURE_FROM = 256 * 1024;

    private PodSize() {
    }

    static void check(Pod pod, PodAssembly.Rendered rendered, PatchOps patch) {
        long estimate = 0;
        for (var entry : rendered.annotations().entrySet()) {
            // A pod whose first container has no name gets a null default-container annotation: the API server refuses it later.
            estimate += entry.getKey().length() + (entry.getValue() == null ? 0 : entry.getValue().length());
        }
        Container largestIn = null;
        EnvVar largest = null;
        var largestLength = -1;
        for (var container : rendered.injectedContainers()) {
            for (var env : container.getEnv() == null ? java.util.List.<EnvVar>of() : container.getEnv()) {
                var length = env.getValue() == null ? 0 : env.getValue().length();
                estimate += length;
                if (length > largestLength) {
                    largest = env;
                    largestIn = container;
                    largestLength = length;
                }
            }
        }
        if (estimate < MEASURE_FROM) {
            return;
        }
        var patched = io.fabric8.zjsonpatch.JsonPatch.apply(patch.tree(), PodTreeBase.tree(pod));
        var bytes = new CountingStream();
        try {
            ModelJson.MAPPER.writeValue(bytes, patched);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (bytes.count > MAX_BYTES) {
            var what = largest == null ? "" : "; the largest value it adds is env " + largest.getName() + " of " + largestIn.getName() + " ("
                    + largestLength + " characters)";
            throw InvalidValueException.written("metadata.annotations", PodFields.annotations(pod).size() + " annotations", "make the injected pod "
                    + bytes.count + " bytes of JSON, more than the " + MAX_BYTES + " etcd stores for an object" + what
                    + ": ask for fewer secrets or templates in one pod");
        }
    }

    private static final class CountingStream extends OutputStream {
        private long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }
}
