package dev.sidecarinjector.inject;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A comma-separated list of TCP ports, or {@code *} for all ports where the field allows it.
 * Kept as the normalised text the proxy's {@code init} command takes.
 */
public record PortList(boolean all, List<Integer> ports) {

    public static final PortList NONE = new PortList(false, List.of());
    public static final PortList ALL = new PortList(true, List.of());
    private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");

    public PortList {
        ports = List.copyOf(ports);
    }

    /** Parses the field's value; {@code wildcardAllowed} says whether {@code *} means every port here. */
    public static PortList parse(String field, String value, boolean wildcardAllowed) {
        var text = value.strip();
        if (text.isEmpty()) {
            return NONE;
        }
        if (text.equals("*")) {
            if (!wildcardAllowed) {
                throw new InvalidValueException(field, value, "must list ports; \"*\" is not allowed here");
            }
            return ALL;
        }
        // A set keeps the first occurrence and the order, in linear time: a list checked with contains() made an
        // annotation of tens of thousands of ports cost seconds of CPU.
        var ports = new LinkedHashSet<Integer>();
        for (var item : text.split(",", -1)) {
            var port = item.strip();
            if (!PORT.matcher(port).matches()) {
                throw new InvalidValueException(field, value, port.equals(text) ? "is not a port" : "holds \"" + port + "\", which is not a port");
            }
            var number = Integer.parseInt(port);
            if (number < 1 || number > 65535) {
                throw new InvalidValueException(field, value, (port.equals(text) ? "is" : "holds " + number + ", which is") + " not a port (1-65535)");
            }
            ports.add(number);
        }
        return new PortList(false, List.copyOf(ports));
    }

    /** The canonical text: {@code *}, empty, or ports joined by commas. */
    public String text() {
        if (all) {
            return "*";
        }
        var joined = new StringBuilder();
        for (var port : ports) {
            if (!joined.isEmpty()) {
                joined.append(',');
            }
            joined.append(port);
        }
        return joined.toString();
    }
}
