package dev.sidecarinjector.api.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sidecarinjector.api.json.JsonException;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class CertificateMessagesTest {

    @Test
    void theRequestReadsBackAsWrittenInTheDocumentedForm() {
        var request = new CertificateRequest("-----BEGIN CERTIFICATE REQUEST-----\nMII\n-----END CERTIFICATE REQUEST-----\n", OptionalLong.of(3600));
        assertEquals("{\"csr\":\"-----BEGIN CERTIFICATE REQUEST-----\\nMII\\n-----END CERTIFICATE REQUEST-----\\n\",\"validitySeconds\":3600}",
                request.toJson());
        assertEquals(request, CertificateRequest.parse(request.toJson()));
        assertEquals(OptionalLong.empty(), CertificateRequest.parse("{\"csr\":\"x\",\"metadata\":{\"k\":\"v\"}}").validitySeconds());
    }

    @Test
    void aBadRequestNamesTheFieldAndTheValue() {
        assertEquals("csr: missing", assertThrows(JsonException.class, () -> CertificateRequest.parse("{}")).getMessage());
        assertEquals("csr: 5 is not a string", assertThrows(JsonException.class, () -> CertificateRequest.parse("{\"csr\":5}")).getMessage());
        assertEquals("validitySeconds: \"1h\" is not a whole number in 1..9223372036854775807",
                assertThrows(JsonException.class, () -> CertificateRequest.parse("{\"csr\":\"x\",\"validitySeconds\":\"1h\"}")).getMessage());
        assertEquals("validitySeconds: 0 is not a whole number in 1..9223372036854775807",
                assertThrows(JsonException.class, () -> CertificateRequest.parse("{\"csr\":\"x\",\"validitySeconds\":0}")).getMessage());
        assertThrows(JsonException.class, () -> CertificateRequest.parse("[\"csr\"]"));
        assertThrows(JsonException.class, () -> CertificateRequest.parse("{\"csr\":\"x\"} trailing"));
    }

    @Test
    void theResponseHasTheLeafFirstAndTheRootLast() {
        var response = new CertificateResponse(List.of("leaf", "intermediate", "root"));
        assertEquals("{\"certChain\":[\"leaf\",\"intermediate\",\"root\"]}", response.toJson());
        assertEquals(response, CertificateResponse.parse(response.toJson()));
        assertEquals("leaf", response.leaf());
        assertEquals("root", response.root());
        assertEquals("certChain: has 1 certificates, expected the leaf and at least the root",
                assertThrows(JsonException.class, () -> CertificateResponse.parse("{\"certChain\":[\"leaf\"]}")).getMessage());
    }

    @Test
    void spiffeIdsAreIstios() {
        var id = new SpiffeId("cluster.local", "default", "productpage");
        assertEquals("spiffe://cluster.local/ns/default/sa/productpage", id.uri());
        assertEquals("cluster.local/ns/default/sa/productpage", id.principal());
        assertEquals(id, SpiffeId.parse(id.uri()));
        for (var bad : List.of("spiffe://cluster.local/ns/default", "https://cluster.local/ns/a/sa/b", "spiffe://Cluster/ns/a/sa/b",
                "spiffe://cluster.local/ns/a/sa/b/c", "spiffe://cluster.local/ns/A/sa/b", "spiffe://cluster.local/ns/a/sa/")) {
            assertThrows(IllegalArgumentException.class, () -> SpiffeId.parse(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> new SpiffeId("cluster.local", "a:b", "c"));
    }
}
