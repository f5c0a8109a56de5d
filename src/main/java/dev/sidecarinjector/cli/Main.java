package dev.sidecarinjector.cli;

import dev.sidecarinjector.api.ca.KeyStoreRounds;
import dev.sidecarinjector.config.StartFailure;
import io.quarkus.runtime.ApplicationLifecycleManager;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;

/**
 * The one entry point of the image: {@code serve} (the default) runs the webhook; {@code kube-inject} runs the
 * manual injector without starting Quarkus, which proves the injection core needs no server and no CDI.
 */
@QuarkusMain
public final class Main {

    private Main() {
    }

    public static void main(String... args) {
        KeyStoreRounds.useOne();
        var command = args.length == 0 ? "serve" : args[0];
        var rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        switch (command) {
            case "serve" -> {
                var refused = serveArguments(rest, System.out, System.err);
                if (refused.isPresent()) {
                    System.exit(refused.getAsInt());
                }
                Quarkus.run(null, StartFailure.reporting(System.err, ApplicationLifecycleManager.getDefaultExitCodeHandler()), rest);
            }
            case "kube-inject" -> System.exit(new KubeInjectCommand(System.in, System.out, System.err).run(rest));
            case "mesh" -> System.exit(mesh(rest, System.out, System.err));
            case "selftest" -> System.exit(SelfTestCommand.inCluster(System.out, System.err).run(rest));
            case "help", "--help", "-h" -> System.out.println(usage());
            default -> {
                System.err.println("unknown command \"" + command + "\"\n" + usage());
                System.exit(2);
            }
        }
    }

    /**
     * {@code serve} takes no arguments (its settings are environment variables, {@code -D} properties and
     * application.properties): its usage for a help flag (exit 0), a refusal naming anything else (exit 2), and
     * nothing, to start, when there are none.
     */
    static OptionalInt serveArguments(String[] args, PrintStream stdout, PrintStream stderr) {
        if (args.length == 0) {
            return OptionalInt.empty();
        }
        if (args.length == 1 && HELP.contains(args[0])) {
            stdout.println(SERVE_USAGE);
            return OptionalInt.of(0);
        }
        stderr.println("error: serve takes no arguments, got \"" + String.join(" ", args) + "\"\n" + SERVE_USAGE);
        return OptionalInt.of(2);
    }

    private static final List<String> HELP = List.of("-h", "--help", "help");

    static final String SERVE_USAGE = """
            usage: sidecar-injector serve
              runs the admission webhook (HTTPS on 8443) and the mesh's control plane (15012) until stopped
              settings: environment variables or -D properties before -jar, e.g. TLS_CERT_FILE and TLS_KEY_FILE for the
              serving certificate and key (PEM, re-read when they change); every setting is in docs/configuration.md""";

    /** {@code mesh config NS/POD} (the snapshot a pod gets) and {@code mesh status} (the connected proxies). */
    static int mesh(String[] args, java.io.PrintStream stdout, java.io.PrintStream stderr) {
        var sub = args.length == 0 ? "" : args[0];
        return switch (sub) {
            case "config" -> new MeshConfigCommand(stdout, stderr).run(Arrays.copyOfRange(args, 1, args.length));
            case "status" -> new MeshStatusCommand(stdout, stderr).run(Arrays.copyOfRange(args, 1, args.length));
            case "-h", "--help", "help" -> {
                stdout.println(MESH_USAGE);
                yield 0;
            }
            default -> {
                stderr.println((sub.isEmpty() ? "error: mesh needs a command" : "error: unknown mesh command \"" + sub + "\"") + "\n" + MESH_USAGE);
                yield 2;
            }
        };
    }

    static final String MESH_USAGE = """
            usage: sidecar-injector mesh config NAMESPACE/POD [--directory DIR]
                   sidecar-injector mesh status [--control-plane URL] [--cacert FILE]
              config        print the snapshot a pod's proxy gets from the control plane, like istioctl proxy-config
                            (run "sidecar-injector mesh config --help" for its options)
              status        list the proxies connected to the control plane, SYNCED or STALE, like istioctl proxy-status""";

    static String usage() {
        return """
                usage: sidecar-injector [serve | kube-inject -f FILE [options] | mesh config NS/POD | mesh status | selftest [options] | help]
                  serve         run the admission webhook (HTTPS on 8443); the default
                  kube-inject   inject sidecars into Kubernetes YAML and print it, like istioctl kube-inject
                                (run "sidecar-injector kube-inject --help" for its options)
                  mesh config   print the snapshot a pod's proxy gets (run "sidecar-injector mesh --help")
                  mesh status   list the connected proxies, SYNCED or STALE
                  selftest      create a dry-run Pod in the cluster and check the webhook injected it (helm test)""";
    }
}
