package dev.sidecarinjector.mesh.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * What every netns end-to-end test of this module needs: root, iproute2's netns, iptables and setpriv, and the two
 * built jars (the proxy's and this application's, which {@code make test} builds before it runs them), and any other
 * command a test names. Without them the test is skipped, except with CI=true, where it fails.
 */
record BuiltJars(Path proxy, Path controlPlane) {

    static BuiltJars require(String test, String... commands) throws InterruptedException {
        String problem = null;
        var jars = new BuiltJars(Path.of(System.getProperty("proxy.jar", "proxy/target/sidecar-proxy.jar")),
                Path.of(System.getProperty("control-plane.jar", "target/quarkus-app/quarkus-run.jar")));
        if (!MeshLab.isRoot()) {
            problem = "not root";
        } else if (!works("ip", "netns", "list") || !works("iptables-restore", "--version") || !works("setpriv", "--version")) {
            problem = "ip netns, iptables-restore or setpriv unavailable";
        } else if (!allWork(commands)) {
            problem = "one of " + String.join(", ", commands) + " unavailable";
        } else if (!Files.exists(jars.proxy()) || !Files.exists(jars.controlPlane())) {
            problem = jars.proxy() + " or " + jars.controlPlane() + " missing (make test builds the proxy first and runs this after package)";
        }
        if (problem != null) {
            var message = test + " needs root, iproute2, iptables, setpriv" + (commands.length == 0 ? "" : ", " + String.join(", ", commands))
                    + " and the built jars: " + problem;
            if ("true".equals(System.getenv("CI"))) {
                fail(message + " (CI=true: not skipping)");
            }
            Assumptions.abort(message + " (skipped outside CI)");
        }
        return jars;
    }

    private static boolean allWork(String... commands) throws InterruptedException {
        for (var command : commands) {
            if (!works(command, "--version")) {
                return false;
            }
        }
        return true;
    }

    private static boolean works(String... command) throws InterruptedException {
        try {
            return MeshLab.run(List.of(command)).exit() == 0;
        } catch (IOException e) {
            return false; // not installed
        }
    }
}
