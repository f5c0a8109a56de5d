package dev.sidecarinjector.api.net;

import java.util.LinkedHashSet;
import java.util.List;

/**
 * A comma-separated list of TCP ports, or {@code *} for every port where the field allows it: the
 * {@code traffic.sidecar.istio.io/*Ports} annotations, the injector's properties and the proxy's {@code init}
 * flags, parsed by this one class on both sides. Istio's rules: items are trimmed, a blank value is an empty
 * list, a blank item in a list is refused (Istio's injector refuses {@code "80,,443"}), duplicates keep the
 * first. {@link #text()} is what the webhook renders and the proxy reads back.
 */
public record PortList(boolean all, List<Integer> ports) {

    public static final PortList NONE = new PortList(false, List.of());
    public static final PortList ALL = new PortList(true, List.of());
    private static final String NOT_A_PORT = "not a port (1-65535)";

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
                throw new InvalidListException(field, value, "must list ports; \"*\" is not allowed here");
            }
            return ALL;
        }
        // A set keeps the first occurrence and the order, in linear time: a list checked with contains() made an
        // annotation of tens of thousands of ports cost seconds of CPU.
        var ports = new LinkedHashSet<Integer>();
        for (var item : text.split(",", -1)) {
            ports.add(item(field, value, item.strip(), !item.strip().equals(text)));
        }
        return new PortList(false, List.copyOf(ports));
    }

    /** One port (a flag or property that takes a single port), refused with the same words as a list item. */
    public static int port(String field, String value) {
        return item(field, value, value.strip(), false);
    }

    private static int item(String field, String value, String port, boolean inList) {
        // ASCII digits only: Integer.parseInt also reads other scripts' digits, which no other tool takes.
        var digits = !port.isEmpty() && port.length() <= 5;
        for (var i = 0; digits && i < port.length(); i++) {
            digits = port.charAt(i) >= '0' && port.charAt(i) <= '9';
        }
        if (!digits) {
            var shown = port.isEmpty() ? "an empty item" : "\"" + port + "\"";
            throw new InvalidListException(field, value, inList ? "holds " + shown + ", which is not a port" : "is not a port");
        }
        var number = Integer.parseInt(port);
        if (number < 1 || number > 65535) {
            throw new InvalidListException(field, value, (inList ? "holds " + number + ", which is " : "is ") + NOT_A_PORT);
        }
        return number;
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
