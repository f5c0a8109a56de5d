package dev.sidecarinjector.proxy.init;

import dev.sidecarinjector.proxy.cli.Flags;
import dev.sidecarinjector.proxy.cli.UsageException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code sidecar-proxy init}: installs (or with --cleanup removes) the interception rules of the pod's network
 * namespace: the IPv4 rules always, the IPv6 rules beside them when the pod has an IPv6 address (Istio's rule), with
 * Istio's {@code ::6} added to {@code lo} as the proxy's inbound source. A pod with IPv6 whose rules cannot be written
 * (no {@code ip6tables}) fails rather than leave its IPv6 traffic uncaptured, as istio-iptables does.
 */
public final class InitCommand {
    /** Istio's IPv6 inbound passthrough source; IPv6 loopback is ::1/128 only, so it must be added (127.0.0.6 need not). */
    static final List<String> ADD_PASSTHROUGH_SOURCE = List.of("ip", "-6", "addr", "replace", "::6/128", "dev", "lo");
    private final PrintStream out;
    private final PrintStream err;
    private final Path ifInet6;

    public InitCommand(PrintStream out, PrintStream err) {
        this(out, err, PodIpv6.IF_INET6);
    }

    InitCommand(PrintStream out, PrintStream err, Path ifInet6) {
        this.out = out;
        this.err = err;
        this.ifInet6 = ifInet6;
    }

    public int run(List<String> args) throws UsageException {
        var valued = new HashSet<>(InterceptionSpec.FLAGS);
        Flags flags = Flags.parse(args, valued, Set.of("--dry-run", "--cleanup"));
        // Validate every flag even for --cleanup, so a bad template fails the same way in both modes.
        InterceptionSpec spec = InterceptionSpec.from(flags);
        boolean cleanup = flags.isSet("--cleanup");
        if (flags.isSet("--dry-run")) {
            // Both families, whatever this machine has: what a dual-stack pod gets.
            for (IpFamily family : IpFamily.values()) {
                out.println("# " + family.restore() + " --noflush");
                out.print(cleanup ? RestoreInput.cleanup(fullyInstalled()) : RestoreInput.forEmptyTable(InterceptionRules.of(spec, family)));
            }
            return 0;
        }
        try {
            write(IpFamily.IPV4, spec, cleanup);
            List<String> ipv6 = PodIpv6.addresses(ifInet6);
            if (ipv6.isEmpty()) {
                out.println("init: no IPv6 address in the pod's network namespace: IPv4 rules only");
                return 0;
            }
            try {
                write(IpFamily.IPV6, spec, cleanup);
                if (!cleanup) {
                    run(ADD_PASSTHROUGH_SOURCE, "");
                    out.println("init: ::6 on lo (the proxy's inbound passthrough source)");
                }
            } catch (IOException e) {
                throw new IOException("the pod has IPv6 (" + String.join(", ", ipv6) + ") and its IPv6 traffic cannot be "
                        + (cleanup ? "released" : "captured") + ": " + e.getMessage(), e);
            }
            return 0;
        } catch (IOException e) {
            err.println("init: " + e.getMessage());
            return 1;
        }
    }

    /** One family's rules in one restore: applied (or removed) atomically, whatever the other family's state. */
    private void write(IpFamily family, InterceptionSpec spec, boolean cleanup) throws IOException {
        NatTable current = NatTable.parse(run(List.of(family.save(), "-t", "nat"), ""));
        String payload = cleanup ? RestoreInput.cleanup(current) : RestoreInput.apply(InterceptionRules.of(spec, family), current);
        if (payload.isEmpty()) {
            out.println("init: no " + family.label() + " interception rules to remove");
            return;
        }
        run(List.of(family.restore(), "--noflush"), payload);
        out.println("# " + family.restore() + " --noflush");
        out.print(payload);
        out.println("init: " + family.label() + (cleanup ? " interception rules removed" : " interception rules applied"));
    }

    /** The nat table as it looks after an apply: what a dry-run cleanup assumes. */
    private static NatTable fullyInstalled() {
        var lines = new ArrayList<>(InterceptionRules.ALL_JUMPS);
        InterceptionRules.CHAINS.forEach(chain -> lines.add(":" + chain + " - [0:0]"));
        return NatTable.parse(lines);
    }

    private static List<String> run(List<String> command, String stdin) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (var in = process.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            int exit = process.waitFor();
            if (exit != 0) {
                throw new IOException("%s failed (exit %d): %s".formatted(command.getFirst(), exit, output.strip()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(command.getFirst() + " interrupted", e);
        }
        return output.lines().toList();
    }
}
