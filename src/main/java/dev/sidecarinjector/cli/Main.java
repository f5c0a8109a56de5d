package dev.sidecarinjector.cli;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.util.Arrays;

/**
 * The one entry point of the image: {@code serve} (the default) runs the webhook; {@code kube-inject} runs the
 * manual injector without starting Quarkus, which proves the injection core needs no server and no CDI.
 */
@QuarkusMain
public final class Main {

    private Main() {
    }

    public static void main(String... args) {
        var command = args.length == 0 ? "serve" : args[0];
        var rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        switch (command) {
            case "serve" -> Quarkus.run(rest);
            case "kube-inject" -> System.exit(new KubeInjectCommand(System.in, System.out, System.err).run(rest));
            case "selftest" -> System.exit(SelfTestCommand.inCluster(System.out, System.err).run(rest));
            case "mesh" -> System.exit(mesh(rest));
            case "help", "--help", "-h" -> System.out.println(usage());
            default -> {
                System.err.println("unknown command \"" + command + "\"\n" + usage());
                System.exit(2);
            }
        }
    }

    /** {@code mesh status}; {@code mesh config} joins it with the mesh compiler. */
    static int mesh(String... args) {
        if (args.length > 0 && args[0].equals("status")) {
            return new MeshStatusCommand(System.out, System.err).run(Arrays.copyOfRange(args, 1, args.length));
        }
        System.err.println((args.length == 0 ? "mesh needs a command" : "unknown mesh command \"" + args[0] + "\"")
                + "\nusage: sidecar-injector mesh status [--control-plane URL] [--cacert FILE]");
        return 2;
    }

    static String usage() {
        return """
                usage: sidecar-injector [serve | kube-inject -f FILE [options] | mesh status [options] | selftest [options] | help]
                  serve         run the admission webhook (HTTPS on 8443); the default
                  kube-inject   inject sidecars into Kubernetes YAML and print it, like istioctl kube-inject
                                (run "sidecar-injector kube-inject --help" for its options)
                  mesh status   the proxies connected to the control plane, SYNCED or STALE, like istioctl proxy-status
                                (run "sidecar-injector mesh status --help" for its options)
                  selftest      create a dry-run Pod in the cluster and check the webhook injected it (helm test)""";
    }
}
