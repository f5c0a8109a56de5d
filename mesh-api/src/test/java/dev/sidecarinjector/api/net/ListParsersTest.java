package dev.sidecarinjector.api.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The port and CIDR list parsers both sides use: what they accept, what they make of it, and how they say no. */
class ListParsersTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "80|80",
        "80, 443 ,8080|80,443,8080",
        "' 80, 443 '|80,443",
        "443,443|443",
        "1,65535|1,65535",
        "080|80",
        "''|''",
        "'  '|''"
    })
    void portListsNormalise(String input, String text) {
        assertEquals(text, PortList.parse("f", input, false).text());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "80x|is not a port",
        "0|is not a port (1-65535)",
        "70000|is not a port (1-65535)",
        "100000|is not a port",
        "-1|is not a port",
        "8 0|is not a port",
        "80,70000|holds 70000, which is not a port (1-65535)",
        "80,x|holds \"x\", which is not a port",
        "80,,443|holds an empty item, which is not a port",
        "'80, 443,'|holds an empty item, which is not a port",
        "\u0668\u0660|is not a port",
        "*|must list ports; \"*\" is not allowed here"
    })
    void badPortListsNameFieldValueAndProblem(String input, String problem) {
        var error = assertThrows(InvalidListException.class, () -> PortList.parse("traffic.sidecar.istio.io/excludeInboundPorts", input, false));
        assertEquals("traffic.sidecar.istio.io/excludeInboundPorts: \"" + input + "\" " + problem, error.getMessage());
        assertEquals("traffic.sidecar.istio.io/excludeInboundPorts", error.field());
        assertEquals(input, error.value());
        assertEquals(problem, error.problem());
    }

    @ParameterizedTest
    @ValueSource(strings = {"*", " * "})
    void wildcardOnlyWhereAllowed(String input) {
        assertTrue(PortList.parse("f", input, true).all());
        assertTrue(CidrList.parse("f", input, true).all());
        assertThrows(InvalidListException.class, () -> CidrList.parse("f", input, false));
    }

    @Test
    void aSinglePortIsRefusedWithTheWordsOfAListItem() {
        assertEquals(15006, PortList.port("--inbound-port", " 15006 "));
        assertEquals("--inbound-port: \"15006x\" is not a port",
                assertThrows(InvalidListException.class, () -> PortList.port("--inbound-port", "15006x")).getMessage());
        assertEquals("--inbound-port: \"0\" is not a port (1-65535)",
                assertThrows(InvalidListException.class, () -> PortList.port("--inbound-port", "0")).getMessage());
        assertThrows(InvalidListException.class, () -> PortList.port("--inbound-port", "80,443"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "10.0.0.0/8|10.0.0.0/8",
        "10.0.0.7|10.0.0.7/32",
        "10.1.2.3/8|10.0.0.0/8",
        "10.0.0.0/8, 192.168.1.0/24|10.0.0.0/8,192.168.1.0/24",
        "10.0.0.0/8,10.9.9.9/8|10.0.0.0/8",
        "192.168.1.77/24|192.168.1.0/24",
        "255.255.255.255/31|255.255.255.254/31",
        "0.0.0.0/0|0.0.0.0/0",
        "8.8.8.8/0|0.0.0.0/0",
        "10.0.0.0/08|10.0.0.0/8",
        "''|''"
    })
    void cidrListsNormaliseToTheirNetworks(String input, String text) {
        assertEquals(text, CidrList.parse("f", input, false).text());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "10.0.0.0/33|has a prefix length over 32",
        "10.0.0.256/8|has an octet over 255",
        "10.0.0.1/8,10.0.0.256/8|has an octet over 255 (in \"10.0.0.256/8\")",
        "10.0.0/8|is not an IPv4 address or CIDR",
        "010.0.0.0/8|has an octet with a leading zero (some tools read it as octal)",
        "10.0.0.1x|is not an IPv4 address or CIDR",
        "10.0.0.1.1|is not an IPv4 address or CIDR",
        "10.0.0.0/|is not an IPv4 address or CIDR",
        "10.0.0.0/-1|is not an IPv4 address or CIDR",
        "10.0.0.0/100|is not an IPv4 address or CIDR",
        "fe80::/10|is not an IPv4 address or CIDR",
        "ten|is not an IPv4 address or CIDR",
        "10.0.0.0/8,|holds an empty item, which is not an IPv4 address or CIDR",
        "10.0.0.0/8,,10.1.0.0/16|holds an empty item, which is not an IPv4 address or CIDR",
        "10.0.0.0/8,10.0.0.0/40|has a prefix length over 32 (in \"10.0.0.0/40\")",
        "10.0.0.0/8, ten |is not an IPv4 address or CIDR (in \"ten\")"
    })
    void badCidrsNameFieldValueAndProblem(String input, String problem) {
        var error = assertThrows(InvalidListException.class, () -> CidrList.parse("traffic.sidecar.istio.io/excludeOutboundIPRanges", input, false));
        assertEquals("traffic.sidecar.istio.io/excludeOutboundIPRanges: \"" + input + "\" " + problem, error.getMessage());
    }

    @Test
    void aLongValueIsShortenedInTheMessageAndKeptWhole() {
        var value = "80,".repeat(100_000) + "x";
        var error = assertThrows(InvalidListException.class, () -> PortList.parse("p", value, false));
        assertEquals("p: \"" + value.substring(0, 40) + "...\" (" + value.length() + " characters) holds \"x\", which is not a port",
                error.getMessage());
        assertEquals(value, error.value());
    }

    @Test
    void longListsKeepTheFirstOfEachItemInOrder() {
        // Annotations hold up to 256 KiB: a list of tens of thousands of repeated items, deduplicated in one pass.
        var ports = new StringBuilder();
        var cidrs = new StringBuilder();
        for (var i = 0; i < 60_000; i++) {
            ports.append(i == 0 ? "" : ",").append(65535 - i % 30_000);
            var j = i % 20_000;
            cidrs.append(i == 0 ? "" : ",").append("10.").append(j / 256).append('.').append(j % 256).append(".0/24");
        }
        var portList = PortList.parse("p", ports.toString(), false);
        assertEquals(30_000, portList.ports().size());
        assertEquals(List.of(65535, 65534), portList.ports().subList(0, 2));
        var cidrList = CidrList.parse("c", cidrs.toString(), false);
        assertEquals(20_000, cidrList.cidrs().size());
        assertEquals("10.0.0.0/24", cidrList.cidrs().get(0).toString());
        assertEquals("10.0.1.0/24", cidrList.cidrs().get(1).toString());
    }

    @Test
    void theTextReadsBackToTheSameList() {
        var ports = PortList.parse("p", " 8080, 80 ,8080,443", false);
        assertEquals(ports, PortList.parse("p", ports.text(), false));
        var cidrs = CidrList.parse("c", "10.1.2.3/8, 169.254.169.254,192.168.0.0/16", false);
        assertEquals(cidrs, CidrList.parse("c", cidrs.text(), false));
        assertFalse(PortList.parse("p", "*", true).equals(PortList.NONE));
    }

    @Test
    void istiosNumbers() {
        assertEquals(List.of(15001, 15006, 15021, 15090, 15000, 15020, 15012, 1337, 1337), List.of(MeshPorts.OUTBOUND, MeshPorts.INBOUND,
                MeshPorts.HEALTH, MeshPorts.METRICS, MeshPorts.ADMIN, MeshPorts.STATUS, MeshPorts.CONTROL_PLANE, MeshPorts.PROXY_UID, MeshPorts.PROXY_GID));
    }
}
