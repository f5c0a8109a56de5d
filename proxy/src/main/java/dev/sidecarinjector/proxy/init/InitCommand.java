package dev.sidecarinjector.proxy.init;

import dev.sidecarinjector.proxy.cli.Flags;
import dev.sidecarinjector.proxy.cli.UsageException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** {@code sidecar-proxy init}: installs (or with --cleanup removes) the interception rules of the pod's network namespace. */
public final class InitCommand {
    private final PrintStream out;
    private final PrintStream err;

    public InitCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public int run(List<String> args) throws UsageException {
        var valued = new HashSet<>(InterceptionSpec.FLAGS);
        Flags flags = Flags.parse(args, valued, Set.of("--dry-run", "--cleanup"));
        // Validate every flag even for --cleanup, so a bad template fails the same way in both modes.
        InterceptionRules rules = InterceptionRules.of(InterceptionSpec.from(flags));
        boolean cleanup = flags.isSet("--cleanup");
        if (flags.isSet("--dry-run")) {
            out.print(cleanup ? RestoreInput.cleanup(fullyInstalled()) : RestoreInput.forEmptyTable(rules));
            return 0;
        }
        try {
            NatTable current = NatTable.parse(run(List.of("iptables-save", "-t", "nat"), ""));
            String payload = cleanup ? RestoreInput.cleanup(current) : RestoreInput.apply(rules, current);
            if (payload.isEmpty()) {
                out.println("init: no interception rules to remove");
                return 0;
            }
            run(List.of("iptables-restore", "--noflush"), payload);
            out.print(payload);
            out.println(cleanup ? "init: interception rules removed" : "init: interception rules applied");
            return 0;
        } catch (IOException e) {
            err.println("init: " + e.getMessage());
            return 1;
        }
    }

    /** The nat table as it looks after an apply: what a dry-run cleanup assumes. */
    private static NatTable fullyInstalled() {
        var lines = new java.util.ArrayList<>(InterceptionRules.ALL_JUMPS);
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
