package dev.sidecarinjector.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The parsers behind every annotation, flag and property: what they accept, and how they say no. */
class ValueParsersTest {

    // What the port and CIDR lists accept is mesh-api's ListParsersTest; here, that the webhook names the annotation.
    @ParameterizedTest
    @ValueSource(strings = {"80x", "0", "70000", "-1", "80,,443", "8 0", "*"})
    void badPortListsNameFieldAndValue(String input) {
        var error = assertThrows(InvalidValueException.class, () -> TrafficValues.ports("traffic.sidecar.istio.io/excludeInboundPorts", input, false));
        assertTrue(error.getMessage().startsWith("traffic.sidecar.istio.io/excludeInboundPorts: \"" + input + "\""), error.getMessage());
        assertEquals(input, error.value());
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/33", "10.0.0.256/8", "10.0.0/8", "fe80::1%eth0", "fd00::/129", "fd00:::1", "ten", "10.0.0.0/8,"})
    void badCidrsNameFieldAndValue(String input) {
        var error = assertThrows(InvalidValueException.class, () -> TrafficValues.cidrs("traffic.sidecar.istio.io/excludeOutboundIPRanges", input, false));
        assertTrue(error.getMessage().startsWith("traffic.sidecar.istio.io/excludeOutboundIPRanges: \"" + input + "\""), error.getMessage());
    }

    @Test
    void aLongListIsShortenedInTheMessageJustAsOtherValues() {
        var value = "80,".repeat(30_000) + "x";
        var error = assertThrows(InvalidValueException.class, () -> TrafficValues.ports(Annotations.EXCLUDE_OUTBOUND_PORTS, value, false));
        assertEquals(Annotations.EXCLUDE_OUTBOUND_PORTS + ": \"" + value.substring(0, 40) + "...\" (" + value.length() + " characters) holds \"x\", which is not a port",
                error.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"100m,0.1", "1,1", "1.5,1.5", "64Mi,67108864", "1Gi,1073741824", "2k,2000", "1e3,1000", "500u,0.0005"})
    void quantitiesCompareByValue(String text, String amount) {
        assertEquals(0, ResourceQuantity.parse("f", text).amount().compareTo(new java.math.BigDecimal(amount)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"lots", "-1", "1.2.3", "10 Mi", "Mi", "", "1mi"})
    void badQuantities(String input) {
        var error = assertThrows(InvalidValueException.class, () -> ResourceQuantity.parse("sidecar.istio.io/proxyMemory", input));
        assertTrue(error.getMessage().contains("is not a resource quantity"), error.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"+1,1", "1.,1", ".5,0.5", "1E3,1000", "1e-3,0.001", "1e+2,100", "0.000000001,0.000000001"})
    void kubernetesSpellingsOfAQuantity(String text, String amount) {
        assertEquals(0, ResourceQuantity.parse("f", text).amount().compareTo(new java.math.BigDecimal(amount)));
    }

    @Test
    void aQuantityOfHalfAMillionDigitsIsRefusedShortenedWithoutParsingIt() {
        var digits = "1".repeat(500_000);
        var error = assertThrows(InvalidValueException.class, () -> ResourceQuantity.parse(Annotations.PROXY_CPU, digits));
        assertTrue(error.getMessage().startsWith(Annotations.PROXY_CPU + ": \"" + "1".repeat(40) + "...\" (500000 characters) is not a resource quantity: longer than 64 characters"),
                error.getMessage());
        assertTrue(error.getMessage().length() < 200, error.getMessage());
        assertEquals(digits, error.value());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1e99999999999", "1e999999", "1E-1000", "5e101", "1e-101", "1e99999999999999999999999"})
    void anExponentOutOfRangeIsRefusedNamingTheValue(String input) {
        var error = assertThrows(InvalidValueException.class, () -> ResourceQuantity.parse(Annotations.PROXY_MEMORY, input));
        assertEquals(Annotations.PROXY_MEMORY + ": \"" + input + "\" is not a resource quantity: the exponent must be between -100 and 100",
                error.getMessage());
    }

    @Test
    void theLargestExponentsStillParse() {
        assertEquals(0, ResourceQuantity.parse("f", "1e100").compareTo(ResourceQuantity.parse("f", "10e99")));
        assertTrue(ResourceQuantity.parse("f", "1e-100").compareTo(ResourceQuantity.parse("f", "1n")) < 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "sidecar-proxy:0.1.0",
        "nginx",
        "registry.example.com/team/sidecar-proxy:0.2",
        "localhost:5000/proxy",
        "Registry.Example.com:443/a/b_c/d__e/f-g--h:v1.2-RC_3",
        "ghcr.io/org/proxy@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "ghcr.io/org/proxy:1.0@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "[fd00::1]:5000/proxy:1",
        "10.0.0.1:5000/proxy:1",
        " sidecar-proxy:0.1.0 "
    })
    void imageReferencesOfTheDistributionGrammar(String input) {
        assertEquals(input.strip(), ImageReference.parse(Annotations.PROXY_IMAGE, input));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", " ", "proxy:1\"", "proxy\\1", "proxy:$(id)", "proxy:`id`", "proxy|sh", "proxy\u00a0:1", "proxy:1\uffff",
        "Proxy:1", "proxy:", "proxy:-1", "/proxy", "proxy/", "a//b", "a..b", "a-", "-a", "proxy@sha256:abc",
        "proxy@sha256", "proxy:1:2", "proxy:1 2", "proxy\n:1", "proxy@@sha256:0123456789abcdef0123456789abcdef"
    })
    void badImageReferencesNameTheAnnotationAndValue(String input) {
        var error = assertThrows(InvalidValueException.class, () -> ImageReference.parse(Annotations.PROXY_IMAGE, input));
        assertTrue(error.getMessage().startsWith(Annotations.PROXY_IMAGE + ": \"" + input + "\" is not a container image reference"), error.getMessage());
    }

    @Test
    void imageReferenceBoundsOfTheDistributionGrammar() {
        var tag128 = "t".repeat(128);
        assertEquals("proxy:" + tag128, ImageReference.parse("f", "proxy:" + tag128));
        assertThrows(InvalidValueException.class, () -> ImageReference.parse("f", "proxy:" + tag128 + "t"));
        var name255 = "a/".repeat(127) + "a";
        assertEquals(name255, ImageReference.parse("f", name255));
        var tooLong = assertThrows(InvalidValueException.class, () -> ImageReference.parse("f", name255 + "b:1"));
        assertTrue(tooLong.getMessage().endsWith("is not a container image reference: its name is longer than 255 characters"), tooLong.getMessage());
    }

    @Test
    void aMegabyteImageIsRefusedQuicklyAndShortened() {
        var huge = "a".repeat(1_000_000);
        var error = assertThrows(InvalidValueException.class, () -> ImageReference.parse(Annotations.PROXY_IMAGE, huge + "!"));
        assertTrue(error.getMessage().length() < 250, error.getMessage());
        assertTrue(error.getMessage().contains("(1000001 characters)"), error.getMessage());
        // Nested quantifiers that can match the same text two ways backtrack exponentially on a near miss.
        var error2 = assertThrows(InvalidValueException.class, () -> ImageReference.parse("f", "a-".repeat(100) + "!"));
        assertTrue(error2.getMessage().contains("is not a container image reference"), error2.getMessage());
    }

    @Test
    void aBadDefaultImageStopsStartupNamingTheProperty() {
        var error = assertThrows(InvalidValueException.class, () -> TestSettings.with(java.util.Map.of("injector.proxy.image", "proxy:$(id)")));
        assertTrue(error.getMessage().startsWith("injector.proxy.image: \"proxy:$(id)\" is not a container image reference"), error.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "'{holdApplicationUntilProxyStarts: [1]}'|proxy.istio.io/config: holdApplicationUntilProxyStarts: [1] is not a boolean (expected true or false)",
        "'holdApplicationUntilProxyStarts: {a: 1}'|proxy.istio.io/config: holdApplicationUntilProxyStarts: {\"a\":1} is not a boolean (expected true or false)",
        "'holdApplicationUntilProxyStarts: maybe'|proxy.istio.io/config: holdApplicationUntilProxyStarts: \"maybe\" is not a boolean (expected true or false)",
        "'holdApplicationUntilProxyStarts: 1'|proxy.istio.io/config: holdApplicationUntilProxyStarts: 1 is not a boolean (expected true or false)",
        "'{holdApplicationUntilProxyStarts: true, holdApplicationUntilProxyStarts: false}'|proxy.istio.io/config: \"{holdApplicationUntilProxyStarts: true, ...\" (79 characters) has the key holdApplicationUntilProxyStarts twice",
        "'{proxyMetadata: {A: 1, A: 2}}'|proxy.istio.io/config: \"{proxyMetadata: {A: 1, A: 2}}\" has the key proxyMetadata.A twice",
        "'{holdApplicationUntilProxyStarts: true, hold_application_until_proxy_starts: true}'|proxy.istio.io/config: \"{holdApplicationUntilProxyStarts: true, ...\" (82 characters) sets holdApplicationUntilProxyStarts twice (also as hold_application_until_proxy_starts)"
    })
    void proxyConfigNamesTheKeyTheActualValueAndTheExpectedType(String config, String message) {
        var error = assertThrows(InvalidValueException.class,
                () -> PodOverrides.read(java.util.Map.of(Annotations.PROXY_CONFIG, config), TestSettings.defaults()));
        assertEquals(message, error.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "holdApplicationUntilProxyStarts: true|true",
        "'holdApplicationUntilProxyStarts: \"yes\"'|true",
        "'{holdApplicationUntilProxyStarts: false, concurrency: 2}'|false",
        "'holdApplicationUntilProxyStarts: null'|false",
        "'holdApplicationUntilProxyStarts:'|false",
        "hold_application_until_proxy_starts: true|true",
        "''|false"
    })
    void proxyConfigHold(String config, boolean hold) {
        assertEquals(hold, PodOverrides.read(java.util.Map.of(Annotations.PROXY_CONFIG, config), TestSettings.defaults()).holdApplicationUntilProxyStarts());
    }

    @ParameterizedTest
    @ValueSource(strings = {"true", "TRUE", "yes", "y", "on"})
    void istioYesWords(String input) {
        assertTrue(PodOverrides.flag("f", input));
    }

    @ParameterizedTest
    @ValueSource(strings = {"maybe", "", "1", "enabled"})
    void otherWordsAreNotBooleans(String input) {
        assertThrows(InvalidValueException.class, () -> PodOverrides.flag("f", input));
    }

    // Istio reads this annotation with Go's strconv.ParseBool, not with the yes/no words of sidecar.istio.io/inject.
    @ParameterizedTest
    @CsvSource({"true,true", "True,true", "1,true", "t,true", "false,false", "FALSE,false", "0,false", "f,false"})
    void rewriteAppProbersReadsGoBooleans(String input, boolean rewrite) {
        var settings = TestSettings.with(java.util.Map.of("injector.proxy.rewrite-app-probes", Boolean.toString(!rewrite)));
        assertEquals(rewrite, PodOverrides.read(java.util.Map.of(Annotations.REWRITE_APP_PROBERS, input), settings).rewriteAppProbes());
    }

    @ParameterizedTest
    @ValueSource(strings = {"yes", "on", "", " true", "tRUE"})
    void rewriteAppProbersRefusesWhatIstioWouldIgnore(String input) {
        var error = assertThrows(InvalidValueException.class,
                () -> PodOverrides.read(java.util.Map.of(Annotations.REWRITE_APP_PROBERS, input), TestSettings.defaults()));
        assertEquals("sidecar.istio.io/rewriteAppHTTPProbers: \"" + input + "\" is not a boolean (expected \"true\" or \"false\", as Istio reads it)",
                error.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"native", "NATIVE", " container "})
    void placements(String input) {
        assertTrue(List.of(Placement.values()).contains(Placement.parse("f", input)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "var/log/app | is not an absolute path",
            "/ | is the root directory",
            "/var/log/ | is not a normalised absolute path",
            "/var//log | is not a normalised absolute path",
            "/var/../etc | is not a normalised absolute path",
            "/var/log/*.d | only letters, digits and . _ @ + = - are allowed",
            "/var/log app | only letters, digits and . _ @ + = - are allowed",
            "/var/log,/tmp | only letters, digits and . _ @ + = - are allowed"})
    void aLogDirectoryIsAnAbsoluteNormalisedPathWithoutGlobs(String value, String problem) {
        var error = assertThrows(InvalidValueException.class, () -> LogDirectory.parse(Annotations.LOG_DIRECTORY, value));
        assertTrue(error.getMessage().startsWith(Annotations.LOG_DIRECTORY + ": \"" + value + "\" "), error.getMessage());
        assertTrue(error.getMessage().contains(problem), error.getMessage());
        assertEquals("/var/log/my-app_1.0", LogDirectory.parse(Annotations.LOG_DIRECTORY, "/var/log/my-app_1.0"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Logs", "logs_out", "-logs", "logs.", ""})
    void anObjectNameIsADnsSubdomain(String value) {
        var error = assertThrows(InvalidValueException.class, () -> KubernetesNames.subdomain(Annotations.LOG_SHIPPER_OUTPUT, value));
        assertTrue(error.getMessage().startsWith(Annotations.LOG_SHIPPER_OUTPUT + ": \"" + value + "\" is not a Kubernetes object name"), error.getMessage());
        assertEquals("logs.to-loki", KubernetesNames.subdomain(Annotations.LOG_SHIPPER_OUTPUT, "logs.to-loki"));
    }

    /** The last pod's spec is given again for equal annotations under the same settings, and read anew otherwise. */
    @Test
    void theLastPodsSpecIsReusedOnlyForEqualAnnotationsAndTheSameSettings() {
        var settings = TestSettings.defaults();
        var mutable = new HashMap<>(Map.of(Annotations.PROXY_CPU, "200m"));
        var first = PodOverrides.read(mutable, settings);
        assertSame(first, PodOverrides.read(new LinkedHashMap<>(Map.of(Annotations.PROXY_CPU, "200m")), settings));
        mutable.put(Annotations.PROXY_CPU, "300m");
        assertEquals("300m", PodOverrides.read(mutable, settings).resources().cpuRequest().orElseThrow().text(),
                "the annotations are copied, not kept");
        var otherSettings = TestSettings.defaults();
        assertNotSame(PodOverrides.read(mutable, settings), PodOverrides.read(mutable, otherSettings));
        for (var attempt = 0; attempt < 2; attempt++) {
            assertThrows(InvalidValueException.class, () -> PodOverrides.read(Map.of(Annotations.PROXY_CPU, "lots"), settings));
        }
    }
}
