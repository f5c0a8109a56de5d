package dev.sidecarinjector.mesh.e2e;

import dev.sidecarinjector.mesh.e2e.ReviewsMesh.Pod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A pod's application: {@link ReviewsServer} run with {@code java} inside the pod's namespace, its log in the lab's folder. */
final class AppProcess {

    private AppProcess() {
    }

    /** Starts it on the pod's address and {@code port} and waits until it listens (at most 30 s). */
    static void start(MeshLab lab, String ns, Pod pod, int port) throws Exception {
        var log = logFile(lab, pod);
        var classes = Path.of(AppProcess.class.getProtectionDomain().getCodeSource().getLocation().getPath()).toString();
        var java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        lab.start(ns, log, Map.of(), List.of(java, "-Xmx32m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", classes,
                ReviewsServer.class.getName(), pod.name(), pod.version(), pod.ip(), Integer.toString(port)));
        LogText.await(() -> Files.exists(log) ? Files.readString(log) : "", "ready " + pod.name(), 30);
    }

    /** Its log: one line per request answered ({@link ReviewsServer}). */
    static String log(MeshLab lab, Pod pod) throws IOException {
        return Files.readString(logFile(lab, pod));
    }

    private static Path logFile(MeshLab lab, Pod pod) {
        return lab.dir.resolve("app-" + pod.name() + ".log");
    }
}
