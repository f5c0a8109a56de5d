package dev.sidecarinjector.proxy;

import dev.sidecarinjector.api.ca.KeyStoreRounds;
import dev.sidecarinjector.proxy.admin.WaitCommand;
import dev.sidecarinjector.proxy.cli.UsageException;
import dev.sidecarinjector.proxy.init.InitCommand;
import dev.sidecarinjector.proxy.run.RunCommand;
import java.util.Arrays;
import java.util.List;

/** Entry point of the proxy image: {@code init} (iptables), {@code run} (the sidecar), {@code wait} (postStart hook). */
public final class Main {
    static final String USAGE = """
            usage: sidecar-proxy init [--include-inbound-ports P,..|*] [--exclude-inbound-ports P,..]
                                      [--exclude-outbound-ports P,..] [--include-outbound-cidrs CIDR,..|*]
                                      [--exclude-outbound-cidrs CIDR,..] [--proxy-uid 1337] [--proxy-gid 1337]
                                      [--inbound-port 15006] [--outbound-port 15001] [--dry-run] [--cleanup]
                   sidecar-proxy run  [--inbound-port 15006] [--outbound-port 15001] [--health-port 15021]
                                      [--metrics-port 15090] [--drain-seconds 5] [--exit-on-zero-active-connections]
                                      [--connect-timeout-ms 10000] [--idle-timeout-seconds 3600] [--dry-run]
                                      [--control-plane HOST:PORT] [--root-cert /var/run/secrets/istio/root-cert.pem]
                                      [--token-file /var/run/secrets/tokens/istio-token] [--config-grace-seconds 30]
                                      [--admin-port 15000] [--status-port 15020]
                   sidecar-proxy wait [--health-port 15021] [--timeout-seconds 60]""";

    private Main() {
    }

    public static void main(String[] args) {
        KeyStoreRounds.useOne();
        System.exit(run(Arrays.asList(args)));
    }

    static int run(List<String> args) {
        if (args.isEmpty()) {
            System.err.println(USAGE);
            return 2;
        }
        List<String> rest = args.subList(1, args.size());
        try {
            return switch (args.getFirst()) {
                case "init" -> new InitCommand(System.out, System.err).run(rest);
                case "run" -> RunCommand.run(rest);
                case "wait" -> WaitCommand.run(rest);
                case "help", "--help", "-h" -> {
                    System.out.println(USAGE);
                    yield 0;
                }
                default -> throw new UsageException("unknown command \"%s\"".formatted(args.getFirst()));
            };
        } catch (UsageException e) {
            System.err.println("sidecar-proxy " + args.getFirst() + ": " + e.getMessage());
            System.err.println("run 'sidecar-proxy help' for usage");
            return 2;
        }
    }
}
