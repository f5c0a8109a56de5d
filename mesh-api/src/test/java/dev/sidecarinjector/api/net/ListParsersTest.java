package dev.sidecarinjector.api.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
        "''|''",
        "2001:DB8::/32|2001:db8::/32",
        "2001:0db8:0000:0000:0000:0000:0000:0001|2001:db8::1/128",
        "2001:db8::1:2:3:4/64|2001:db8::/64",
        "fd00:1:2:3:4:5:6:7/65|fd00:1:2:3::/65",
        "1:0:0:1:0:0:0:1|1:0:0:1::1/128",
        "1:0:0:0:1:0:0:1|1::1:0:0:1/128",
        "0:0:1:0:0:0:0:0|0:0:1::/128",
        "1:0:1:0:1:0:1:0|1:0:1:0:1:0:1:0/128",
        "0:0:0:0:0:1:0:0|::1:0:0/128",
        "::|::/128",
        "::/0|::/0",
        "::1|::1/128",
        "::6/128|::6/128",
        "1::|1::/128",
        "fe80::1/10|fe80::/10",
        "64:ff9b::1.2.3.4|64:ff9b::102:304/128",
        "::1.2.3.4|::1.2.3.4/128",
        "::ffff:10.1.2.3|10.1.2.3/32",
        "::ffff:10.0.0.0/104|10.0.0.0/8",
        "::FFFF:a00:1/120|10.0.0.0/24",
        "::ffff:0:0/96|0.0.0.0/0",
        "::ffff:0:0/95|::fffe:0:0/95",
        "'10.0.0.0/8, fd00::/8 ,192.168.0.0/16,FD00::1/8'|10.0.0.0/8,fd00::/8,192.168.0.0/16"
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
        "fe80::1%eth0|has a zone (\"%eth0\"), which a rule cannot match",
        "10.0.0.0/8,fe80::1%eth0/64|has a zone (\"%eth0\"), which a rule cannot match (in \"fe80::1%eth0/64\")",
        "fd00::/129|has a prefix length over 128",
        "fd00::/1280|is not an IPv6 address or CIDR",
        "fd00::/x|is not an IPv6 address or CIDR",
        "fd00:::1|is not an IPv6 address or CIDR",
        "1::2::3|is not an IPv6 address or CIDR",
        "1:2:3:4:5:6:7:8:9|is not an IPv6 address or CIDR",
        "1:2:3:4:5:6:7|is not an IPv6 address or CIDR",
        "1:2:3:4:5:6:7::8|is not an IPv6 address or CIDR",
        "12345::|is not an IPv6 address or CIDR",
        "fd00:g::|is not an IPv6 address or CIDR",
        ":1::|is not an IPv6 address or CIDR",
        "1::2:|is not an IPv6 address or CIDR",
        "::ffff:010.0.0.1|is not an IPv6 address or CIDR",
        "::1.2.3.4:5|is not an IPv6 address or CIDR",
        "[fd00::1]|is not an IPv6 address or CIDR",
        "10.0.0.0/8, fd00::zz/8|is not an IPv6 address or CIDR (in \"fd00::zz/8\")",
        "010.0.0.0/8|has an octet with a leading zero (some tools read it as octal)",
        "10.0.0.1x|is not an IPv4 address or CIDR",
        "10.0.0.1.1|is not an IPv4 address or CIDR",
        "10.0.0.0/|is not an IPv4 address or CIDR",
        "10.0.0.0/-1|is not an IPv4 address or CIDR",
        "10.0.0.0/100|has a prefix length over 32",
        "10.0.0.0/1000|is not an IPv4 address or CIDR",
        "ten|is not an IP address or CIDR",
        "10.0.0.0/8,|holds an empty item, which is not an IP address or CIDR",
        "10.0.0.0/8,,10.1.0.0/16|holds an empty item, which is not an IP address or CIDR",
        "10.0.0.0/8,10.0.0.0/40|has a prefix length over 32 (in \"10.0.0.0/40\")",
        "10.0.0.0/8, ten |is not an IP address or CIDR (in \"ten\")"
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
        var cidrs = CidrList.parse("c", "10.1.2.3/8, 169.254.169.254,192.168.0.0/16,2001:DB8::7/32,::ffff:1.2.3.4", false);
        assertEquals(cidrs, CidrList.parse("c", cidrs.text(), false));
        assertFalse(PortList.parse("p", "*", true).equals(PortList.NONE));
    }

    @Test
    void ipv6RangesAreTheirOwnFamilyAndIpv4MappedOnesAreIpv4() {
        var cidrs = CidrList.parse("c", "10.0.0.0/8,fd00::/8,::ffff:192.168.0.0/112", false).cidrs();
        assertEquals(List.of(false, true, false), cidrs.stream().map(Cidr::ipv6).toList());
        assertEquals(Cidr.ipv4(0xC0A80000L, 16), cidrs.get(2));
        assertEquals(Cidr.ipv6(0xFD00L << 48, 0, 8), cidrs.get(1));
        assertNotEquals(Cidr.ipv4(0, 0), Cidr.ipv6(0, 0, 0), "0.0.0.0/0 and ::/0 are different networks");
    }

    @Test
    void everyIpv6AddressPrintsAsGlibcAndReadsBack() {
        // inet_ntop's choices, as ip6tables-save prints them (checked against ip6tables-save 1.8.9 on this kind of machine).
        assertEquals("::", Ipv6.format(0, 0));
        assertEquals("::ffff:0.0.0.1", Ipv6.format(0, 0xFFFF_0000_0001L));
        assertEquals("::1:0:0:0", Ipv6.format(0, 0x0001_0000_0000_0000L));
        assertEquals("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", Ipv6.format(-1L, -1L));
        var random = new java.util.Random(13);
        for (var i = 0; i < 20_000; i++) {
            // Words that are zero half of the time, so runs of zeros of every length and place occur.
            long high = 0;
            long low = 0;
            for (var w = 0; w < 4; w++) {
                high = high << 16 | (random.nextBoolean() ? 0 : random.nextInt(0x10000));
                low = low << 16 | (random.nextBoolean() ? 0 : random.nextInt(0x10000));
            }
            var text = Ipv6.format(high, low);
            assertArrayEquals(new long[] {high, low}, Ipv6.parse(text), text);
            assertFalse(text.contains(":::") || text.indexOf("::") != text.lastIndexOf("::"), text);
        }
    }

    @Test
    void istiosNumbers() {
        assertEquals(List.of(15001, 15006, 15021, 15090, 15000, 15020, 15012, 1337, 1337), List.of(MeshPorts.OUTBOUND, MeshPorts.INBOUND,
                MeshPorts.HEALTH, MeshPorts.METRICS, MeshPorts.ADMIN, MeshPorts.STATUS, MeshPorts.CONTROL_PLANE, MeshPorts.PROXY_UID, MeshPorts.PROXY_GID));
    }
}
