package dev.sidecarinjector.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fields of proxy.istio.io/config that have no effect here are named, as unread or as not ProxyConfig's at all. */
class ProxyConfigCheckTest {

    private static List<String> said(String config) {
        return ProxyConfigCheck.warnings(Map.of(Annotations.PROXY_CONFIG, config)).stream().map(w -> w.kind().tag() + ": " + w.message()).toList();
    }

    @Test
    void istiosFieldsThisInjectorDoesNotReadAreNamedInOneWarning() {
        assertEquals(List.of("unsupported_annotation: proxy.istio.io/config: terminationDrainDuration, concurrency, proxyMetadata are fields of "
                + "Istio's ProxyConfig that this injector does not read (it reads holdApplicationUntilProxyStarts): they have no effect"),
                said("{holdApplicationUntilProxyStarts: true, terminationDrainDuration: 30s, concurrency: 2, proxyMetadata: {A: b}}"));
        assertEquals(List.of("unsupported_annotation: proxy.istio.io/config: termination_drain_duration is a field of Istio's ProxyConfig that "
                + "this injector does not read (it reads holdApplicationUntilProxyStarts): it has no effect"), said("termination_drain_duration: 5s"));
    }

    @Test
    void aNameProxyConfigDoesNotHaveGetsTheClosestField() {
        assertEquals(List.of("unknown_annotation: proxy.istio.io/config: holdApplicationUntilProxyStart is not a field of Istio's ProxyConfig "
                + "(did you mean holdApplicationUntilProxyStarts?): it has no effect"), said("holdApplicationUntilProxyStart: true"));
        assertEquals(List.of("unknown_annotation: proxy.istio.io/config: zzz is not a field of Istio's ProxyConfig: it has no effect"), said("zzz: 1"));
    }

    @Test
    void whatIsReadOrRefusedElsewhereSaysNothingHere() {
        assertEquals(List.of(), said("holdApplicationUntilProxyStarts: true"));
        assertEquals(List.of(), said("hold_application_until_proxy_starts: false"));
        assertEquals(List.of(), said(""));
        assertEquals(List.of(), said("[not, a, mapping]"));
        assertEquals(List.of(), ProxyConfigCheck.warnings(Map.of()));
    }
}
