package dev.sidecarinjector.inject;

import dev.sidecarinjector.api.net.CidrList;
import dev.sidecarinjector.api.net.InvalidListException;
import dev.sidecarinjector.api.net.PortList;

/**
 * The port and CIDR values of the interception (annotations and properties), parsed by the parsers the proxy
 * uses too (mesh-api), so what the webhook accepts and renders is what {@code init} reads. The one place their
 * error becomes the webhook's {@link InvalidValueException}, with the same message.
 */
public final class TrafficValues {

    private TrafficValues() {
    }

    /** A port list; {@code wildcardAllowed} says whether {@code *} means every port here. */
    public static PortList ports(String field, String value, boolean wildcardAllowed) {
        try {
            return PortList.parse(field, value, wildcardAllowed);
        } catch (InvalidListException e) {
            throw invalid(e);
        }
    }

    /** A CIDR list; {@code wildcardAllowed} says whether {@code *} means every destination here. */
    public static CidrList cidrs(String field, String value, boolean wildcardAllowed) {
        try {
            return CidrList.parse(field, value, wildcardAllowed);
        } catch (InvalidListException e) {
            throw invalid(e);
        }
    }

    /** A single port. */
    public static int port(String field, String value) {
        try {
            return PortList.port(field, value);
        } catch (InvalidListException e) {
            throw invalid(e);
        }
    }

    private static InvalidValueException invalid(InvalidListException e) {
        return new InvalidValueException(e.field(), e.value(), e.problem());
    }
}
