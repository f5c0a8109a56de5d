package dev.sidecarinjector.chart;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Helm binary, found or installed by {@code hack/helm.sh} (the same script developers use), and run as
 * a process. The chart is always the one in this checkout.
 */
final class Helm {

    static final Path CHART = Path.of("charts/sidecar-injector").toAbsolutePath();
    static final String RELEASE = "mesh";
    static final String NAMESPACE = "mesh-system";

    private static Path binary;

    private Helm() {
    }

    /** What a Helm run printed and how it ended. */
    record Result(int exitCode, String stdout, String stderr) {
        String describe() {
            return "exit " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
        }
    }

    static synchronized Path binary() throws IOException, InterruptedException {
        if (binary == null) {
            var result = exec(List.of("hack/helm.sh"));
            if (result.exitCode() != 0) {
                throw new IllegalStateException("hack/helm.sh could not provide helm:\n" + result.describe());
            }
            binary = Path.of(result.stdout().strip());
        }
        return binary;
    }

    static Result run(String... args) throws IOException, InterruptedException {
        var command = new ArrayList<String>();
        command.add(binary().toString());
        command.addAll(List.of(args));
        return exec(command);
    }

    /** {@code helm template} of this chart as release "mesh" in namespace "mesh-system", with the given values files. */
    static Result template(Path... valuesFiles) throws IOException, InterruptedException {
        var args = new ArrayList<>(List.of("template", RELEASE, CHART.toString(), "--namespace", NAMESPACE));
        for (var file : valuesFiles) {
            args.add("--values");
            args.add(file.toAbsolutePath().toString());
        }
        return run(args.toArray(String[]::new));
    }

    private static Result exec(List<String> command) throws IOException, InterruptedException {
        var stdout = Files.createTempFile("helm", ".out");
        var stderr = Files.createTempFile("helm", ".err");
        try {
            var builder = new ProcessBuilder(command);
            // Never a real cluster: the tests render only, whatever kubeconfig the developer has.
            builder.environment().put("KUBECONFIG", "/nonexistent/kubeconfig");
            var process = builder
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in 5 minutes");
            }
            return new Result(process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8), Files.readString(stderr, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        }
    }
}
