package dev.sidecarinjector.proxy.init;

import java.util.List;

/**
 * The text fed to {@code iptables-restore --noflush}, given what {@code iptables-save -t nat} shows now.
 * One payload per action keeps each apply atomic: a pod never runs with half its rules.
 */
public final class RestoreInput {
    private RestoreInput() {
    }

    /**
     * Declaring a chain ({@code :NAME - [0:0]}) creates or flushes it under --noflush, so our chains are
     * rebuilt from scratch; each hook present is deleted before the one copy is appended. Running
     * init twice therefore leaves exactly one copy.
     */
    public static String apply(InterceptionRules rules, NatTable current) {
        var out = new StringBuilder("*nat\n");
        for (String chain : InterceptionRules.CHAINS) {
            out.append(':').append(chain).append(" - [0:0]\n");
        }
        deleteHooks(current, out);
        rules.jumps().forEach(jump -> out.append(jump).append('\n'));
        rules.rules().forEach(rule -> out.append(rule).append('\n'));
        return out.append("COMMIT\n").toString();
    }

    /** Removes our hooks and chains; empty when there is nothing of ours to remove. */
    public static String cleanup(NatTable current) {
        var body = new StringBuilder();
        deleteHooks(current, body);
        for (String chain : InterceptionRules.CHAINS) {
            if (current.hasChain(chain)) {
                body.append("-F ").append(chain).append('\n');
            }
        }
        for (String chain : InterceptionRules.CHAINS) {
            if (current.hasChain(chain)) {
                body.append("-X ").append(chain).append('\n');
            }
        }
        return body.isEmpty() ? "" : "*nat\n" + body + "COMMIT\n";
    }

    private static void deleteHooks(NatTable current, StringBuilder out) {
        for (String jump : InterceptionRules.ALL_JUMPS) {
            String delete = "-D" + jump.substring(2);
            for (int i = current.count(jump); i > 0; i--) {
                out.append(delete).append('\n');
            }
        }
    }

    /** What the dry run prints: the payload for a pod whose nat table is still empty. */
    public static String forEmptyTable(InterceptionRules rules) {
        return apply(rules, NatTable.parse(List.of()));
    }
}
