package dev.sidecarinjector.proxy.init;

import java.util.List;

/** The nat table as {@code iptables-save -t nat} printed it, for the few questions init asks of it. */
public record NatTable(List<String> lines) {

    public static NatTable parse(List<String> lines) {
        return new NatTable(lines.stream().map(String::strip).toList());
    }

    public int count(String rule) {
        return (int) lines.stream().filter(rule::equals).count();
    }

    public boolean hasChain(String chain) {
        return lines.stream().anyMatch(line -> line.startsWith(":" + chain + " "));
    }

    /** Every line that belongs to our layout: our chains' rules and the hooks into them. */
    public List<String> ours() {
        return lines.stream()
                .filter(line -> InterceptionRules.CHAINS.stream().anyMatch(chain -> line.contains(" " + chain)
                        || line.startsWith(":" + chain + " ")))
                .toList();
    }
}
