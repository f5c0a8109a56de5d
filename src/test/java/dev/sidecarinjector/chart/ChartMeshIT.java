package dev.sidecarinjector.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sidecarinjector.inject.ControlPlaneAddress;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The chart's side of the mesh: the control-plane port on the Service and the pods, the address the app gives
 * injected proxies (a name the serving certificate has, in every certificate mode), and Istio's own CRDs, which
 * a value skips.
 */
class ChartMeshIT {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String NS = Helm.NAMESPACE;
    private static final String OWN_CRD = "httplocalratelimitpolicies.policy.sidecarinjector.dev";
    private static final List<String> CRDS = List.of("virtualservices.networking.istio.io", "destinationrules.networking.istio.io",
            "peerauthentications.security.istio.io", "authorizationpolicies.security.istio.io", "requestauthentications.security.istio.io");

    @Test
    void serviceExposesTheControlPlanePortOfThePods() throws Exception {
        var chart = ChartRenderIT.render("defaults.yaml");
        var ports = chart.one("Service").path("spec").path("ports");
        var xds = find(ports, "grpc-xds");
        assertEquals(15012, xds.path("port").asInt());
        assertEquals("grpc-xds", xds.path("targetPort").asText());
        var container = chart.one("Deployment").path("spec").path("template").path("spec").path("containers").get(0);
        assertEquals(15012, find(container.path("ports"), "grpc-xds").path("containerPort").asInt(), "the Service's targetPort names no container port");
        assertEquals(443, find(ports, "https").path("port").asInt(), "the webhook's port is unchanged");
    }

    @Test
    void proxiesGetThisReleasesServiceByANameTheCertificateHas() throws Exception {
        var chart = ChartRenderIT.render("defaults.yaml");
        var properties = ChartRenderIT.properties(chart);
        assertEquals("kubernetes", properties.getProperty("injector.mesh.source"));
        var service = chart.one("Service").path("metadata").path("name").asText();
        assertEquals(service + "." + NS + ".svc:15012", properties.getProperty("injector.mesh.control-plane-address"));
        var settings = ChartRenderIT.appSettings(chart);
        assertEquals(Optional.of(new ControlPlaneAddress(service + "." + NS + ".svc", 15012)), settings.mesh().controlPlane(),
                "the app reads the address the chart writes");

        var serving = CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(
                Base64.getDecoder().decode(chart.one("Secret").path("data").path("tls.crt").asText())));
        var sans = new HashSet<String>();
        for (var san : ((X509Certificate) serving).getSubjectAlternativeNames()) {
            sans.add((String) san.get(1));
        }
        assertTrue(sans.contains(settings.mesh().controlPlane().orElseThrow().host()), sans.toString());
        for (var valueSet : List.of("cert-manager.yaml", "cert-manager-issuer.yaml")) {
            var managed = ChartRenderIT.render(valueSet);
            var host = ChartRenderIT.appSettings(managed).mesh().controlPlane().orElseThrow().host();
            var dnsNames = new ArrayList<String>();
            managed.all("Certificate").stream().filter(c -> !c.path("spec").path("isCA").asBoolean())
                    .forEach(c -> c.path("spec").path("dnsNames").forEach(n -> dnsNames.add(n.asText())));
            assertTrue(dnsNames.contains(host), valueSet + ": " + host + " not in " + dnsNames);
        }
    }

    @Test
    void theCaKeepsItsRootInTheReleaseNamespaceAndCertifiesTheNameProxiesDial() throws Exception {
        var chart = ChartRenderIT.render("defaults.yaml");
        var properties = ChartRenderIT.properties(chart);
        assertEquals("true", properties.getProperty("injector.ca.enabled"));
        assertEquals(NS, properties.getProperty("injector.ca.secret-namespace"));
        assertEquals("cluster.local", properties.getProperty("injector.ca.trust-domain"));
        assertEquals("24h", properties.getProperty("injector.ca.workload-cert-ttl"));
        assertEquals("90d", properties.getProperty("injector.ca.max-workload-cert-ttl"));
        var names = List.of(properties.getProperty("injector.ca.server-names").split(","));
        var host = ChartRenderIT.appSettings(chart).mesh().controlPlane().orElseThrow().host();
        assertTrue(names.contains(host), host + " in the names of the control plane's certificate " + names);
        assertTrue(names.containsAll(List.of("localhost", "127.0.0.1")), names.toString());

        var off = ChartRenderIT.properties(ChartRenderIT.render("ca-off.yaml"));
        assertEquals("false", off.getProperty("injector.ca.enabled"));
        assertEquals(null, off.getProperty("injector.ca.secret-namespace"));
    }

    @Test
    void addressIsOverridableAndTheMeshCanBeSwitchedOff() throws Exception {
        var file = Files.createTempFile("values", ".yaml");
        try {
            Files.writeString(file, "mesh: {enabled: true, controlPlaneAddress: \"istiod.istio-system.svc:15012\", port: 15443}\n");
            var result = Helm.template(file);
            assertEquals(0, result.exitCode(), result.describe());
            var chart = RenderedChart.parse(result.stdout());
            assertEquals(Optional.of(new ControlPlaneAddress("istiod.istio-system.svc", 15012)), ChartRenderIT.appSettings(chart).mesh().controlPlane());
            assertEquals(15443, find(chart.one("Service").path("spec").path("ports"), "grpc-xds").path("port").asInt());
        } finally {
            Files.delete(file);
        }
        var off = ChartRenderIT.render("mesh-off.yaml");
        assertEquals(null, ChartRenderIT.properties(off).getProperty("injector.mesh.control-plane-address"));
        assertTrue(ChartRenderIT.appSettings(off).mesh().controlPlane().isEmpty(), "mesh.enabled=false: the proxies stay plain relays");
    }

    @Test
    void theRootCertificateIsMountedWhereTheControlPlaneReadsItInEveryCertificateMode() throws Exception {
        for (var valueSet : List.of("defaults.yaml", "cert-manager.yaml", "cert-manager-issuer.yaml", "secret.yaml")) {
            var chart = ChartRenderIT.render(valueSet);
            var pod = chart.one("Deployment").path("spec").path("template").path("spec");
            var mountPath = "";
            for (var mount : pod.path("containers").get(0).path("volumeMounts")) {
                if (mount.path("name").asText().equals("tls")) {
                    mountPath = mount.path("mountPath").asText();
                }
            }
            assertEquals(mountPath + "/ca.crt", ChartRenderIT.properties(chart).getProperty("injector.mesh.root-cert-file"), valueSet);
            JsonNode caSource = null;
            for (var volume : pod.path("volumes")) {
                if (volume.path("name").asText().equals("tls")) {
                    for (var source : volume.path("projected").path("sources")) {
                        var kind = source.has("secret") ? source.path("secret") : source.path("configMap");
                        for (var item : kind.path("items")) {
                            if (item.path("path").asText().equals("ca.crt")) {
                                caSource = source;
                            }
                        }
                    }
                }
            }
            assertTrue(caSource != null, valueSet + ": no ca.crt in the tls volume");
            switch (valueSet) {
                case "defaults.yaml" -> {
                    // The Secret the chart generates, whose ca.crt signed the certificate served on 15012.
                    assertEquals(chart.one("Secret").path("metadata").path("name").asText(), caSource.path("secret").path("name").asText());
                    assertTrue(chart.one("Secret").path("data").has("ca.crt"));
                    assertFalse(caSource.path("secret").path("optional").asBoolean(), "a generated Secret always has ca.crt");
                }
                case "secret.yaml" -> {
                    var name = caSource.path("configMap").path("name").asText();
                    var configMap = chart.all("ConfigMap").stream()
                            .filter(c -> c.path("metadata").path("name").asText().equals(name))
                            .findFirst().orElseThrow(() -> new AssertionError("the root-cert ConfigMap is not rendered"));
                    var caBundle = new String(Base64.getDecoder().decode(
                            ChartRenderIT.values(valueSet).path("certificates").path("secret").path("caBundle").asText()));
                    assertEquals(caBundle.strip(), configMap.path("data").path("ca.crt").asText().strip(), "the CA the API server trusts is the one published");
                }
                default -> assertTrue(caSource.path("secret").path("optional").asBoolean(),
                        valueSet + ": an issuer without a CA must not keep the webhook pods from starting");
            }
        }
    }

    @Test
    void istiosOwnCrdsAreInstalledUnlessSkipped() throws Exception {
        var chart = ChartRenderIT.render("defaults.yaml");
        var all = chart.all("CustomResourceDefinition");
        var crds = all.stream().filter(c -> !c.path("metadata").path("name").asText().equals(OWN_CRD)).toList();
        assertEquals(CRDS, crds.stream().map(c -> c.path("metadata").path("name").asText()).toList());
        assertEquals(all.size(), crds.size() + 1, "this project's own CRD is rendered too");
        var istio = istioCrds();
        for (var crd : crds) {
            var name = crd.path("metadata").path("name").asText();
            // Istio's schemas exactly, through Helm's YAML round trip: only the labels are the chart's.
            assertEquals(istio.get(name).path("spec"), crd.path("spec"), name + " differs from Istio's");
            assertEquals("keep", crd.path("metadata").path("annotations").path("helm.sh/resource-policy").asText(), name);
            var versions = new ArrayList<String>();
            crd.path("spec").path("versions").forEach(v -> {
                assertTrue(v.path("served").asBoolean(), name + " " + v.path("name").asText() + " not served");
                versions.add(v.path("name").asText());
            });
            var expected = name.endsWith("networking.istio.io") ? List.of("v1", "v1alpha3", "v1beta1") : List.of("v1", "v1beta1");
            assertEquals(expected, versions.stream().sorted().toList(), name);
        }
        assertEquals(List.of(OWN_CRD), ChartRenderIT.render("mesh-off.yaml").all("CustomResourceDefinition").stream()
                .map(c -> c.path("metadata").path("name").asText()).toList(), "crds.install=false renders none of Istio's");
    }

    @Test
    void theRateLimitPolicyCrdIsOursAndAlwaysInstalled() throws Exception {
        JsonNode own;
        try (var parser = YAML.getFactory().createParser(Helm.CHART.resolve("files/sidecarinjector-crds.yaml").toFile())) {
            own = YAML.readTree(parser);
        }
        var rendered = ChartRenderIT.render("defaults.yaml").all("CustomResourceDefinition").stream()
                .filter(c -> c.path("metadata").path("name").asText().equals(OWN_CRD)).findFirst().orElseThrow();
        assertEquals(own.path("spec"), rendered.path("spec"));
        assertEquals("keep", rendered.path("metadata").path("annotations").path("helm.sh/resource-policy").asText());
        assertEquals("HTTPLocalRateLimitPolicy", rendered.path("spec").path("names").path("kind").asText());
        assertEquals(dev.sidecarinjector.mesh.model.HttpLocalRateLimitPolicy.GROUP, rendered.path("spec").path("group").asText(),
                "the group the control plane's model class watches");
    }

    private static Map<String, JsonNode> istioCrds() throws Exception {
        var crds = new LinkedHashMap<String, JsonNode>();
        try (var parser = YAML.getFactory().createParser(Helm.CHART.resolve("files/istio-crds.yaml").toFile())) {
            for (var doc : YAML.readValues(parser, JsonNode.class).readAll()) {
                crds.put(doc.path("metadata").path("name").asText(), doc);
            }
        }
        assertEquals(CRDS, List.copyOf(crds.keySet()));
        return crds;
    }

    private static JsonNode find(JsonNode ports, String name) {
        for (var port : ports) {
            if (port.path("name").asText().equals(name)) {
                return port;
            }
        }
        throw new AssertionError("no port " + name + " in " + ports);
    }
}
