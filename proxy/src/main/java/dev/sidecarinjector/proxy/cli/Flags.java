package dev.sidecarinjector.proxy.cli;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The flags of one command, as {@code --name value} or {@code --name=value}. Only flags the command
 * declares are accepted, so a typo in a rendered container fails the pod instead of being ignored.
 */
public final class Flags {
    private final Map<String, String> values;

    private Flags(Map<String, String> values) {
        this.values = values;
    }

    /**
     * @param valued   flags that take a value (an empty value is allowed and differs from absent)
     * @param switches flags without a value, such as {@code --dry-run}
     */
    public static Flags parse(List<String> args, Set<String> valued, Set<String> switches) throws UsageException {
        var values = new HashMap<String, String>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--")) {
                throw new UsageException("unexpected argument \"%s\"".formatted(arg));
            }
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg : arg.substring(0, eq);
            String inline = eq < 0 ? null : arg.substring(eq + 1);
            if (switches.contains(name)) {
                if (inline != null && !inline.equals("true") && !inline.equals("false")) {
                    throw UsageException.badValue(name, inline, "true or false");
                }
                values.put(name, inline == null ? "true" : inline);
            } else if (valued.contains(name)) {
                if (inline == null) {
                    if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
                        throw new UsageException(name + ": missing value");
                    }
                    inline = args.get(++i);
                }
                values.put(name, inline);
            } else {
                throw new UsageException(name + ": unknown flag");
            }
        }
        return new Flags(values);
    }

    public Optional<String> find(String name) {
        return Optional.ofNullable(values.get(name));
    }

    public String get(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    public boolean isSet(String aSwitch) {
        return "true".equals(values.get(aSwitch));
    }

    /** A TCP port, 1 to 65535. */
    public int port(String name, int fallback) throws UsageException {
        return find(name).isPresent() ? NetValues.port(name, values.get(name)) : fallback;
    }

    /** A whole number in [min, max]; {@code what} completes "is not ..." in the error. */
    public int number(String name, int fallback, int min, int max, String what) throws UsageException {
        String raw = values.get(name);
        if (raw == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(raw.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // answered below with the flag and the value
        }
        throw UsageException.badValue(name, raw, what);
    }
}
