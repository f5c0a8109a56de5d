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
            case "help", "--help", "-h" -> System.out.println(usage());
            default -> {
                System.err.println("unknown command \"" + command + "\"\n" + usage());
                System.exit(2);
            }
        }
    }

    static String usage() {
        return """
                usage: sidecar-injector [serve | kube-inject -f FILE [options] | selftest [options] | help]
                  serve         run the admission webhook (HTTPS on 8443); the default
                  kube-inject   inject sidecars into Kubernetes YAML and print it, like istioctl kube-inject
                                (run "sidecar-injector kube-inject --help" for its options)
                  selftest      create a dry-run Pod in the cluster and check the webhook injected it (helm test)""";
    }
}
