package dev.sidecarinjector.mesh.e2e;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/** Remembers whether any test of a class failed, so the class's lab can keep its logs for a look afterwards. */
final class FailureWatch implements TestWatcher {

    private volatile boolean failed;

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        failed = true;
    }

    boolean failed() {
        return failed;
    }
}
