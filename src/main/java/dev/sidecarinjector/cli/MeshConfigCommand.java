package dev.sidecarinjector.cli;

import dev.sidecarinjector.inject.KubernetesNames;
import dev.sidecarinjector.mesh.compile.MeshCompiler;
import dev.sidecarinjector.mesh.compile.UnknownPodException;
import dev.sidecarinjector.mesh.source.DirectoryMeshSource;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.TreeSet;

/**
 * {@code sidecar-injector mesh config NS/POD}: prints the snapshot the pod's proxy gets, compiled from a directory
 * of Kubernetes and Istio YAML by the control plane's own compiler, like {@code istioctl proxy-config all}.
 * Problems of the resources go to standard error. Exit 0, 1 when the pod is not in the sources, 2 for a usage error.
 */
public final class MeshConfigCommand extends Subcommand<MeshConfigCommand.Options> {

    static final String HELP = """
            usage: sidecar-injector mesh config NAMESPACE/POD [options]
              --directory DIR          the YAML/JSON files of Services, EndpointSlices, Pods, VirtualServices and
                                       DestinationRules (default: $INJECTOR_MESH_DIRECTORY, else /etc/sidecar-injector/mesh)
              --domain DOMAIN          the cluster's DNS domain (default: cluster.local)
              --root-namespace NS      Istio's root namespace, for DestinationRules (default: istio-system)
            Prints the snapshot the pod's proxy gets (JSON, as the control plane sends it, version "local");
            resources left out or partly ignored are listed on standard error.""";

    public MeshConfigCommand(PrintStream stdout, PrintStream stderr) {
        super(HELP, Options::parse, stdout, stderr);
    }

    @Override
    int execute(Options options) {
        if (!Files.isDirectory(options.directory())) {
            stderr.println("error: " + options.directoryFrom() + " " + options.directory() + " is not a directory\n" + HELP);
            return 2;
        }
        var source = new DirectoryMeshSource(options.directory(), Duration.ZERO).load();
        var index = source.current();
        var compiler = new MeshCompiler(options.domain(), options.rootNamespace());
        try {
            var result = compiler.compile(index, options.namespace(), options.pod(), "local");
            source.fileErrors().forEach(error -> stderr.println("error: " + error));
            var problems = new TreeSet<>(source.readProblems());
            problems.addAll(result.problems());
            problems.forEach(problem -> stderr.println((problem.leftOut() ? "error: " : "warning: ") + problem.describe()));
            stdout.println(result.snapshot().toJson(true));
            stdout.flush();
            return 0;
        } catch (UnknownPodException e) {
            stderr.println("error: " + e.getMessage() + " in " + options.directory());
            return 1;
        }
    }

    /** The parsed command line. */
    record Options(String namespace, String pod, Path directory, String directoryFrom, String domain, String rootNamespace, boolean help)
            implements Flags {

        static Options parse(String... args) {
            return parseWith(System.getenv("INJECTOR_MESH_DIRECTORY"), args);
        }

        /** {@code environment}: $INJECTOR_MESH_DIRECTORY, or null. */
        static Options parseWith(String environment, String... args) {
            String target = null;
            var fromEnvironment = environment != null && !environment.isBlank();
            var directory = Path.of(fromEnvironment ? environment : "/etc/sidecar-injector/mesh");
            // Where the directory came from, for the error that says it is not one.
            var directoryFrom = fromEnvironment ? "$INJECTOR_MESH_DIRECTORY" : "the default directory";
            var domain = "cluster.local";
            var root = "istio-system";
            var flags = new FlagReader(args);
            while (flags.next()) {
                switch (flags.name()) {
                    case "-h", "--help" -> {
                        return new Options("", "", directory, directoryFrom, domain, root, true);
                    }
                    case "--directory", "-d" -> {
                        directoryFrom = "--directory";
                        directory = Path.of(flags.value());
                    }
                    case "--domain" -> domain = flags.value();
                    case "--root-namespace" -> root = flags.value();
                    default -> {
                        if (flags.name().startsWith("-")) {
                            throw flags.unknown();
                        }
                        if (target != null) {
                            throw new UsageException("one pod at a time: \"" + flags.name() + "\" is one too many");
                        }
                        target = flags.name();
                    }
                }
            }
            if (!KubernetesNames.isSubdomain(domain)) {
                throw new UsageException("--domain \"" + domain + "\" is not a DNS domain (lowercase letters, digits, '-' and '.': cluster.local)");
            }
            if (!KubernetesNames.isLabel(root, false)) {
                throw new UsageException("--root-namespace \"" + root + "\" is not a namespace name (lowercase letters, digits and '-', at most 63)");
            }
            if (target == null) {
                throw new UsageException("NAMESPACE/POD is required");
            }
            var slash = target.indexOf('/');
            if (slash <= 0 || slash == target.length() - 1 || target.indexOf('/', slash + 1) >= 0) {
                throw new UsageException("\"" + target + "\" is not NAMESPACE/POD");
            }
            return new Options(target.substring(0, slash), target.substring(slash + 1), directory, directoryFrom, domain, root, false);
        }
    }
}
