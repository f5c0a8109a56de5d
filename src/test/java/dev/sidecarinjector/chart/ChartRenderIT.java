package dev.sidecarinjector.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sidecarinjector.admission.AdmissionRoutes;
import dev.sidecarinjector.config.InjectionSettingsFactory;
import dev.sidecarinjector.inject.InjectionSettings;
import dev.sidecarinjector.mesh.index.MeshDocuments;
import dev.sidecarinjector.mesh.validate.MeshValidation;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Lints and renders the chart with a real Helm over every value set in src/test/resources/chart/values, parses
 * every document with unknown fields rejected, and checks that the pieces fit: the webhook calls the Service
 * the Deployment serves, on a path the app answers, with a certificate whose names it uses, and the app's
 * configuration agrees with the webhook's selectors.
 */
class ChartRenderIT {

    static final java.nio.file.Path VALUES = java.nio.file.Path.of("src/test/resources/chart/values");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String NS = Helm.NAMESPACE;

    static Stream<String> valueSets() throws Exception {
        try (var files = Files.list(VALUES)) {
            var names = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted().toList();
            assertTrue(names.size() >= 6, "expected at least six value sets, found " + names);
            return names.stream();
        }
    }

    static RenderedChart render(String valueSet) throws Exception {
        var result = Helm.template(VALUES.resolve(valueSet));
        assertEquals(0, result.exitCode(), "helm template with " + valueSet + " failed:\n" + result.describe());
        return RenderedChart.parse(result.stdout());
    }

    static JsonNode values(String valueSet) throws Exception {
        var node = YAML.readTree(VALUES.resolve(valueSet).toFile());
        return node == null ? YAML.createObjectNode() : node;
    }

    @ParameterizedTest
    @MethodSource("valueSets")
    void lintsClean(String valueSet) throws Exception {
        var result = Helm.run("lint", "--strict", Helm.CHART.toString(), "--namespace", NS, "--values", VALUES.resolve(valueSet).toAbsolutePath().toString());
        assertEquals(0, result.exitCode(), result.describe());
        assertTrue(result.stdout().contains("1 chart(s) linted, 0 chart(s) failed"), result.describe());
    }

    @ParameterizedTest
    @MethodSource("valueSets")
    void everyDocumentParsesWithNoUnknownField(String valueSet) throws Exception {
        var chart = render(valueSet);
        assertTrue(chart.documents().size() >= 10, "too few documents: " + chart.documents().size());
        for (var document : chart.documents()) {
            assertEquals(List.of(), StrictModel.unknownFields(document), "unknown fields in " + valueSet);
            var labels = document.path("metadata").path("labels");
            for (var label : List.of("app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/version", "app.kubernetes.io/managed-by")) {
                assertTrue(labels.has(label), document.path("kind").asText() + " lacks label " + label);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("valueSets")
    void webhookReachesTheServiceThePodsServeOnAPathTheAppAnswers(String valueSet) throws Exception {
        var chart = render(valueSet);
        var service = chart.one("Service");
        var deployment = chart.one("Deployment");
        var webhooks = chart.one("MutatingWebhookConfiguration").path("webhooks");
        var servicePort = service.path("spec").path("ports").get(0);
        var container = deployment.path("spec").path("template").path("spec").path("containers").get(0);
        var containerPort = container.path("ports").get(0);

        assertEquals("https", servicePort.path("targetPort").asText());
        assertEquals("https", containerPort.path("name").asText());
        assertEquals(appHttpsPort(), containerPort.path("containerPort").asInt(), "container port vs the app's quarkus.http.ssl-port");
        assertEquals(Map.of(), difference(service.path("spec").path("selector"), deployment.path("spec").path("template").path("metadata").path("labels")),
                "the Service selects labels the pods do not have");
        for (var webhook : webhooks) {
            var target = webhook.path("clientConfig").path("service");
            assertEquals(service.path("metadata").path("name").asText(), target.path("name").asText());
            assertEquals(NS, target.path("namespace").asText());
            assertEquals(servicePort.path("port").asInt(), target.path("port").asInt());
            assertTrue(appPaths().contains(target.path("path").asText()), target.path("path").asText() + " is not one of the app's paths " + appPaths());
            assertEquals("[\"v1\"]", webhook.path("admissionReviewVersions").toString());
            assertEquals("None", webhook.path("sideEffects").asText());
            assertEquals("[{\"operations\":[\"CREATE\"],\"apiGroups\":[\"\"],\"apiVersions\":[\"v1\"],\"resources\":[\"pods\"],\"scope\":\"Namespaced\"}]",
                    webhook.path("rules").toString());
            var values = values(valueSet).path("webhook");
            var failurePolicy = webhook.path("name").asText().startsWith("vault.")
                    ? values.path("vaultAgent").path("failurePolicy").asText("Ignore") : values.path("failurePolicy").asText("Fail");
            assertEquals(failurePolicy, webhook.path("failurePolicy").asText());
            assertEquals(values.path("reinvocationPolicy").asText("IfNeeded"), webhook.path("reinvocationPolicy").asText());
            assertEquals(values.path("timeoutSeconds").asInt(10), webhook.path("timeoutSeconds").asInt());
        }
    }

    /** injection.neverInjectSelector reaches the app as the selectors it matches pods with. */
    @Test
    void neverInjectSelectorsReachTheApp() throws Exception {
        var selectors = appSettings(render("custom-label.yaml")).neverInjectSelectors();
        assertEquals(2, selectors.size());
        assertTrue(selectors.get(0).matches(Map.of("openshift.io/build.name", "app-1")));
        assertTrue(selectors.get(1).matches(Map.of("app", "batch")));
        assertFalse(selectors.stream().anyMatch(selector -> selector.matches(Map.of("app", "web"))));
        assertEquals(List.of(), appSettings(render("defaults.yaml")).neverInjectSelectors());
    }

    /**
     * With the mesh, the ValidatingWebhookConfiguration calls the Service the mutating one calls, on the app's /validate,
     * trusting the same CA, for every kind the app checks and only the versions it reads; without the mesh there is none.
     */
    @ParameterizedTest
    @MethodSource("valueSets")
    void validatorChecksTheKindsTheAppChecksThroughTheSameServiceAndCa(String valueSet) throws Exception {
        var chart = render(valueSet);
        var values = values(valueSet);
        var validators = chart.all("ValidatingWebhookConfiguration");
        if (!values.path("mesh").path("enabled").asBoolean(true) || !values.path("validation").path("enabled").asBoolean(true)) {
            assertEquals(List.of(), validators);
            return;
        }
        assertEquals(1, validators.size());
        var validator = validators.getFirst();
        var mutating = chart.one("MutatingWebhookConfiguration");
        assertEquals(mutating.path("metadata").path("name").asText() + "-validator", validator.path("metadata").path("name").asText());
        assertEquals(mutating.path("metadata").path("annotations").path("cert-manager.io/inject-ca-from"),
                validator.path("metadata").path("annotations").path("cert-manager.io/inject-ca-from"));
        var webhook = validator.path("webhooks").get(0);
        assertEquals(1, validator.path("webhooks").size());
        var injecting = mutating.path("webhooks").get(0).path("clientConfig");
        var client = webhook.path("clientConfig");
        assertEquals(AdmissionRoutes.VALIDATE, client.path("service").path("path").asText());
        for (var field : List.of("name", "namespace", "port")) {
            assertEquals(injecting.path("service").path(field), client.path("service").path(field), field);
        }
        assertEquals(injecting.path("caBundle"), client.path("caBundle"));
        assertEquals(values.path("validation").path("failurePolicy").asText("Ignore"), webhook.path("failurePolicy").asText());
        assertEquals(values.path("validation").path("timeoutSeconds").asInt(10), webhook.path("timeoutSeconds").asInt());
        assertEquals("[\"v1\"]", webhook.path("admissionReviewVersions").toString());
        assertEquals("None", webhook.path("sideEffects").asText());
        // Each resource the webhook sends, with the versions it is sent under: exactly the app's kinds and the versions it reads them under.
        var sent = new java.util.TreeMap<String, Set<String>>();
        for (var rule : webhook.path("rules")) {
            assertEquals("[\"CREATE\",\"UPDATE\"]", rule.path("operations").toString());
            for (var group : rule.path("apiGroups")) {
                for (var resource : rule.path("resources")) {
                    var versions = new java.util.TreeSet<String>();
                    rule.path("apiVersions").forEach(version -> versions.add(group.asText() + "/" + version.asText()));
                    sent.put(group.asText() + "/" + resource.asText(), versions);
                }
            }
        }
        var checked = new java.util.TreeMap<String, Set<String>>();
        for (var kind : MeshValidation.KINDS) {
            var lower = kind.toLowerCase(java.util.Locale.ROOT);
            var plural = lower.endsWith("y") ? lower.substring(0, lower.length() - 1) + "ies" : lower + "s";
            var versions = new java.util.TreeSet<>(MeshDocuments.apiVersions(kind));
            checked.put(versions.first().substring(0, versions.first().indexOf('/')) + "/" + plural, versions);
        }
        assertEquals(checked, sent);
    }

    @ParameterizedTest
    @MethodSource("valueSets")
    void selectorsAndTheAppAgreeOnTheLabelAndTheExcludedNamespaces(String valueSet) throws Exception {
        var chart = render(valueSet);
        var settings = appSettings(chart);
        var label = settings.namespaceLabel();
        var expectedKey = values(valueSet).path("injection").path("namespaceLabel").path("key").asText("istio-injection");
        assertEquals(expectedKey, label.key(), "the app's label key");
        var webhooks = chart.one("MutatingWebhookConfiguration").path("webhooks");
        var podLabelOptIn = values(valueSet).path("webhook").path("podLabelOptIn").asBoolean(true);
        var vaultEverywhere = values(valueSet).path("webhook").path("vaultAgent").path("allNamespaces").asBoolean(false);
        assertEquals(1 + (podLabelOptIn ? 1 : 0) + (vaultEverywhere ? 1 : 0), webhooks.size());

        var byNamespace = webhooks.get(0);
        assertEquals(List.of(expression(label.key(), "In", label.enabledValue())),
                expressions(byNamespace.path("namespaceSelector")).stream().filter(e -> e.key().equals(label.key())).toList());
        assertEquals(List.of(expression("sidecar.istio.io/inject", "NotIn", "false")), expressions(byNamespace.path("objectSelector")));
        if (podLabelOptIn) {
            var byPodLabel = webhooks.get(1);
            assertEquals(List.of(new Expression(label.key(), "DoesNotExist", List.of())),
                    expressions(byPodLabel.path("namespaceSelector")).stream().filter(e -> e.key().equals(label.key())).toList());
            assertEquals(List.of(expression("sidecar.istio.io/inject", "In", "true")), expressions(byPodLabel.path("objectSelector")));
        }
        if (vaultEverywhere) {
            // Every pod of the namespaces the first entry leaves out, whatever its labels: the app applies vault-agent alone there.
            var vault = webhooks.get(webhooks.size() - 1);
            assertEquals("vault.sidecar-injector.dev", vault.path("name").asText());
            assertEquals(List.of(expression(label.key(), "NotIn", label.enabledValue())),
                    expressions(vault.path("namespaceSelector")).stream().filter(e -> e.key().equals(label.key())).toList());
            assertTrue(vault.path("objectSelector").isMissingNode(), vault.toString());
        }
        for (var webhook : webhooks) {
            var excluded = expressions(webhook.path("namespaceSelector")).stream()
                    .filter(e -> e.key().equals("kubernetes.io/metadata.name") && e.operator().equals("NotIn"))
                    .findFirst().orElseThrow(() -> new AssertionError("no namespace exclusion in " + webhook.path("name")));
            assertTrue(excluded.values().containsAll(List.of(NS, "kube-system", "kube-public", "kube-node-lease")), excluded.toString());
            // Every namespace the selector keeps away, the app ignores too: the two never disagree.
            for (var namespace : excluded.values()) {
                assertTrue(settings.ignores(namespace), "the app does not ignore " + namespace);
            }
            values(valueSet).path("injection").path("ignoredNamespaces").forEach(n -> assertTrue(excluded.values().contains(n.asText())));
        }
    }

    @ParameterizedTest
    @MethodSource("valueSets")
    void appConfigurationIsMountedWhereTheAppReadsIt(String valueSet) throws Exception {
        var chart = render(valueSet);
        var pod = chart.one("Deployment").path("spec").path("template").path("spec");
        var container = pod.path("containers").get(0);
        var env = new java.util.HashMap<String, String>();
        container.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
        var mounts = new java.util.HashMap<String, JsonNode>();
        container.path("volumeMounts").forEach(m -> mounts.put(m.path("name").asText(), m));
        container.path("volumeMounts").forEach(m -> assertFalse(m.has("subPath"), "subPath mounts are never updated, so hot reload would break: " + m));

        var configDir = mounts.get("config").path("mountPath").asText();
        assertEquals(configDir + "/injector.properties", env.get("QUARKUS_CONFIG_LOCATIONS"));
        var properties = properties(chart);
        assertEquals(configDir + "/templates", properties.getProperty("injector.templates.directory"));
        var items = new HashSet<String>();
        volume(pod, "config").path("configMap").path("items").forEach(i -> items.add(i.path("key").asText() + "->" + i.path("path").asText()));
        var expected = new HashSet<>(Set.of("injector.properties->injector.properties"));
        dev.sidecarinjector.inject.SidecarTemplates.builtInFiles().forEach(file -> expected.add(file + "->templates/" + file));
        // A template the values add (templates.overrides) is mounted beside the built-in ones.
        chart.appConfigMap().path("data").fieldNames().forEachRemaining(key -> {
            if (!key.equals("injector.properties")) {
                expected.add(key + "->templates/" + key);
            }
        });
        assertEquals(expected, items);
        assertEquals(chart.appConfigMap().path("metadata").path("name").asText(), volume(pod, "config").path("configMap").path("name").asText());

        var tlsDir = mounts.get("tls").path("mountPath").asText();
        assertEquals(tlsDir + "/tls.crt", env.get("TLS_CERT_FILE"));
        assertEquals(tlsDir + "/tls.key", env.get("TLS_KEY_FILE"));

        var settings = appSettings(chart);
        var values = values(valueSet);
        assertEquals(values.path("proxy").path("placement").asText("container"), settings.placement().label());
        assertEquals(values.path("injection").path("podSecurity").asText("warn"), settings.podSecurity().label());
        var image = values.path("proxy").path("image");
        assertEquals(image.path("repository").asText("sidecar-proxy") + ":" + image.path("tag").asText("0.1.0"), settings.proxyImage());
        if (values.path("extraConfig").has("injector.proxy.drain-seconds")) {
            assertEquals(values.path("extraConfig").path("injector.proxy.drain-seconds").asInt(), settings.drainSeconds(), "extraConfig must win");
        }
    }

    @ParameterizedTest
    @MethodSource("valueSets")
    void webhookPodsMeetRestrictedPodSecurity(String valueSet) throws Exception {
        var deployment = render(valueSet).one("Deployment");
        var pod = deployment.path("spec").path("template").path("spec");
        var container = pod.path("containers").get(0);
        assertTrue(pod.path("securityContext").path("runAsNonRoot").asBoolean());
        assertEquals("RuntimeDefault", pod.path("securityContext").path("seccompProfile").path("type").asText());
        var security = container.path("securityContext");
        assertFalse(security.path("allowPrivilegeEscalation").asBoolean(true));
        assertTrue(security.path("readOnlyRootFilesystem").asBoolean());
        assertEquals("[\"ALL\"]", security.path("capabilities").path("drop").toString());
        assertEquals("/q/health/live", container.path("livenessProbe").path("httpGet").path("path").asText());
        assertEquals("/q/health/ready", container.path("readinessProbe").path("httpGet").path("path").asText());
        assertEquals("HTTPS", container.path("readinessProbe").path("httpGet").path("scheme").asText());
        assertTrue(container.path("resources").path("requests").has("memory"));
        assertTrue(container.path("resources").path("limits").has("memory"));
        assertEquals(values(valueSet).path("replicaCount").asInt(2), deployment.path("spec").path("replicas").asInt());
    }

    @Test
    void helmModeGeneratesACertificateForTheServiceNamesAndTrustsItsCa() throws Exception {
        var chart = render("defaults.yaml");
        var secret = chart.one("Secret");
        var secretName = secret.path("metadata").path("name").asText();
        assertEquals("kubernetes.io/tls", secret.path("type").asText());
        assertEquals(secretName, tlsSecretName(chart));

        var ca = certificate(secret.path("data").path("ca.crt").asText());
        var serving = certificate(secret.path("data").path("tls.crt").asText());
        serving.verify(ca.getPublicKey());
        serving.checkValidity();
        assertTrue(ca.getBasicConstraints() >= 0, "ca.crt must be a CA");
        assertTrue(serving.getBasicConstraints() < 0, "tls.crt must not be a CA");
        var sans = new HashSet<String>();
        for (var san : serving.getSubjectAlternativeNames()) {
            sans.add((String) san.get(1));
        }
        var service = chart.one("Service").path("metadata").path("name").asText();
        assertTrue(sans.containsAll(List.of(service + "." + NS + ".svc", service + "." + NS + ".svc.cluster.local", service + "." + NS)), sans.toString());
        for (var webhook : chart.one("MutatingWebhookConfiguration").path("webhooks")) {
            assertEquals(secret.path("data").path("ca.crt").asText(), webhook.path("clientConfig").path("caBundle").asText());
        }
        // The API server calls <service>.<namespace>.svc: that exact name must be in the certificate.
        var host = webhookHost(chart);
        assertTrue(sans.contains(host), host + " not in " + sans);
    }

    @Test
    void certManagerModeIssuesForTheServiceNamesAndInjectsTheCa() throws Exception {
        for (var valueSet : List.of("cert-manager.yaml", "cert-manager-issuer.yaml")) {
            var chart = render(valueSet);
            assertEquals(List.of(), chart.all("Secret"), "cert-manager writes the Secret, the chart must not");
            var serving = chart.all("Certificate").stream().filter(c -> !c.path("spec").path("isCA").asBoolean()).toList();
            assertEquals(1, serving.size());
            var certificate = serving.getFirst();
            var dnsNames = new ArrayList<String>();
            certificate.path("spec").path("dnsNames").forEach(n -> dnsNames.add(n.asText()));
            assertTrue(dnsNames.contains(webhookHost(chart)), dnsNames.toString());
            assertTrue(dnsNames.contains(webhookHost(chart) + ".cluster.local"), dnsNames.toString());
            assertEquals(certificate.path("spec").path("secretName").asText(),
                    tlsSecretName(chart));
            var configuration = chart.one("MutatingWebhookConfiguration");
            assertEquals(NS + "/" + certificate.path("metadata").path("name").asText(),
                    configuration.path("metadata").path("annotations").path("cert-manager.io/inject-ca-from").asText());
            configuration.path("webhooks").forEach(w -> assertFalse(w.path("clientConfig").has("caBundle"), "cainjector fills caBundle"));
            var issuer = certificate.path("spec").path("issuerRef");
            if (valueSet.equals("cert-manager-issuer.yaml")) {
                assertEquals(values(valueSet).path("certificates").path("certManager").path("issuerRef"), issuer);
                assertEquals(List.of(), chart.all("Issuer"), "an issuer was given: the chart makes no CA");
            } else {
                var caIssuer = chart.all("Issuer").stream().filter(i -> i.path("metadata").path("name").asText().equals(issuer.path("name").asText())).findFirst();
                assertTrue(caIssuer.isPresent(), "the serving certificate's issuer is not rendered");
            }
        }
    }

    @Test
    void secretModeUsesTheGivenSecretAndCaBundle() throws Exception {
        var chart = render("secret.yaml");
        assertEquals(List.of(), chart.all("Secret"));
        assertEquals(List.of(), chart.all("Certificate"));
        assertEquals("my-webhook-tls", tlsSecretName(chart));
        var caBundle = values("secret.yaml").path("certificates").path("secret").path("caBundle").asText();
        chart.one("MutatingWebhookConfiguration").path("webhooks").forEach(w -> assertEquals(caBundle, w.path("clientConfig").path("caBundle").asText()));
    }

    @Test
    void rbacIsExactlyWhatTheAppCalls() throws Exception {
        var chart = render("defaults.yaml");
        assertEquals("[{\"apiGroups\":[\"\"],\"resources\":[\"namespaces\"],\"verbs\":[\"get\",\"list\",\"watch\"]},"
                        + "{\"apiGroups\":[\"\"],\"resources\":[\"events\"],\"verbs\":[\"create\"]},"
                        // The control plane: the kinds it compiles, and the root-cert ConfigMap it publishes.
                        + "{\"apiGroups\":[\"\"],\"resources\":[\"services\",\"pods\"],\"verbs\":[\"get\",\"list\",\"watch\"]},"
                        + "{\"apiGroups\":[\"discovery.k8s.io\"],\"resources\":[\"endpointslices\"],\"verbs\":[\"get\",\"list\",\"watch\"]},"
                        + "{\"apiGroups\":[\"networking.istio.io\"],\"resources\":[\"virtualservices\",\"destinationrules\"],\"verbs\":[\"get\",\"list\",\"watch\"]},"
                        + "{\"apiGroups\":[\"security.istio.io\"],\"resources\":[\"peerauthentications\",\"authorizationpolicies\",\"requestauthentications\"],\"verbs\":[\"get\",\"list\",\"watch\"]},"
                        + "{\"apiGroups\":[\"policy.sidecarinjector.dev\"],\"resources\":[\"httplocalratelimitpolicies\"],\"verbs\":[\"get\",\"list\",\"watch\"]},"
                        // An informer (list, watch; no get) and the writes of istio-ca-root-cert.
                        + "{\"apiGroups\":[\"\"],\"resources\":[\"configmaps\"],\"verbs\":[\"list\",\"watch\",\"create\",\"update\"]},"
                        // The mesh CA: who holds a proxy's token.
                        + "{\"apiGroups\":[\"authentication.k8s.io\"],\"resources\":[\"tokenreviews\"],\"verbs\":[\"create\"]}]",
                chart.one("ClusterRole").path("rules").toString());
        var binding = chart.one("ClusterRoleBinding");
        assertEquals(chart.one("ClusterRole").path("metadata").path("name").asText(), binding.path("roleRef").path("name").asText());
        assertEquals(chart.one("ServiceAccount").path("metadata").path("name").asText(), binding.path("subjects").get(0).path("name").asText());
        assertEquals(chart.one("ServiceAccount").path("metadata").path("name").asText(),
                chart.one("Deployment").path("spec").path("template").path("spec").path("serviceAccountName").asText());
        // The one namespaced Role: the mesh CA's Secrets in the release namespace, read by name, created once, never changed.
        var roles = chart.all("Role").stream().filter(role -> !RenderedChart.isTestHook(role)).toList();
        assertEquals(1, roles.size(), "besides the test's, only the CA's Role: every other rule is cluster-wide");
        var ca = roles.getFirst();
        assertEquals(NS, ca.path("metadata").path("namespace").asText());
        assertEquals("[{\"apiGroups\":[\"\"],\"resources\":[\"secrets\"],\"resourceNames\":[\"cacerts\",\"istio-ca-secret\"],\"verbs\":[\"get\"]},"
                + "{\"apiGroups\":[\"\"],\"resources\":[\"secrets\"],\"verbs\":[\"create\"]}]", ca.path("rules").toString());
        var caBinding = chart.all("RoleBinding").stream().filter(b -> !RenderedChart.isTestHook(b)).findFirst().orElseThrow();
        assertEquals(ca.path("metadata").path("name").asText(), caBinding.path("roleRef").path("name").asText());
        assertEquals(chart.one("ServiceAccount").path("metadata").path("name").asText(), caBinding.path("subjects").get(0).path("name").asText());

        var off = render("ca-off.yaml");
        assertTrue(off.all("Role").stream().allMatch(RenderedChart::isTestHook), "no CA, no Secrets");
        assertFalse(off.one("ClusterRole").path("rules").toString().contains("tokenreviews"));
    }

    @Test
    void helmTestDryRunsAPodWithOnlyCreatePodsInTheTestNamespace() throws Exception {
        for (var valueSet : List.of("defaults.yaml", "custom-label.yaml")) {
            var chart = render(valueSet);
            var testNamespace = values(valueSet).path("test").path("namespace").asText("default");
            var hooks = chart.testHooks();
            var kinds = hooks.stream().map(h -> h.path("kind").asText()).sorted().toList();
            assertEquals(List.of("Pod", "Role", "RoleBinding", "ServiceAccount"), kinds);
            var pod = hooks.stream().filter(h -> h.path("kind").asText().equals("Pod")).findFirst().orElseThrow();
            var container = pod.path("spec").path("containers").get(0);
            assertEquals(chart.one("Deployment").path("spec").path("template").path("spec").path("containers").get(0).path("image").asText(),
                    container.path("image").asText(), "the test runs the webhook image, no extra image");
            var args = new ArrayList<String>();
            container.path("args").forEach(a -> args.add(a.asText()));
            assertEquals("selftest", args.getFirst());
            assertEquals(testNamespace, args.get(args.indexOf("--namespace") + 1));
            var role = hooks.stream().filter(h -> h.path("kind").asText().equals("Role")).findFirst().orElseThrow();
            assertEquals(testNamespace, role.path("metadata").path("namespace").asText());
            assertEquals("[{\"apiGroups\":[\"\"],\"resources\":[\"pods\"],\"verbs\":[\"create\"]}]", role.path("rules").toString());
            var binding = hooks.stream().filter(h -> h.path("kind").asText().equals("RoleBinding")).findFirst().orElseThrow();
            assertEquals(testNamespace, binding.path("metadata").path("namespace").asText());
            assertEquals(pod.path("spec").path("serviceAccountName").asText(), binding.path("subjects").get(0).path("name").asText());
            assertEquals(NS, binding.path("subjects").get(0).path("namespace").asText());
            var settings = appSettings(chart);
            assertFalse(settings.ignores(testNamespace), "helm test would use a namespace the app ignores");
        }
    }

    @Test
    void pdbAndSpreadKeepTheWebhookAvailable() throws Exception {
        var chart = render("defaults.yaml");
        var pdb = chart.one("PodDisruptionBudget");
        assertEquals(1, pdb.path("spec").path("minAvailable").asInt());
        var deployment = chart.one("Deployment");
        assertEquals(deployment.path("spec").path("selector").path("matchLabels"), pdb.path("spec").path("selector").path("matchLabels"));
        var spread = deployment.path("spec").path("template").path("spec").path("topologySpreadConstraints").get(0);
        assertEquals("kubernetes.io/hostname", spread.path("topologyKey").asText());
        assertEquals(deployment.path("spec").path("selector").path("matchLabels"), spread.path("labelSelector").path("matchLabels"));
        assertEquals(List.of(), render("ignore.yaml").all("PodDisruptionBudget"));
    }

    @ParameterizedTest
    @MethodSource("valueSets")
    void notesTellTheNextCommands(String valueSet) throws Exception {
        var result = Helm.run("install", Helm.RELEASE, Helm.CHART.toString(), "--namespace", NS, "--dry-run=client",
                "--values", VALUES.resolve(valueSet).toAbsolutePath().toString());
        assertEquals(0, result.exitCode(), result.describe());
        var notes = result.stdout().substring(result.stdout().indexOf("NOTES:"));
        var label = values(valueSet).path("injection").path("namespaceLabel");
        assertTrue(notes.contains("kubectl label namespace my-app " + label.path("key").asText("istio-injection") + "="
                + label.path("enabledValue").asText("enabled")), notes);
        assertTrue(notes.contains("helm test " + Helm.RELEASE + " -n " + NS), notes);
        assertFalse(notes.contains("WARNING"), notes);
        var placement = values(valueSet).path("proxy").path("placement").asText("container");
        assertTrue(notes.contains(placement.equals("native") ? "{.spec.initContainers[*].name}" : "{.spec.containers[*].name}"), notes);
    }

    @Test
    void notesWarnWhenHelmTestWouldUseANamespaceThatIsNeverInjected() throws Exception {
        // Installed into "default", the default test.namespace is the release namespace, which is excluded.
        var result = Helm.run("install", Helm.RELEASE, Helm.CHART.toString(), "--namespace", "default", "--dry-run=client");
        assertEquals(0, result.exitCode(), result.describe());
        assertTrue(result.stdout().contains("WARNING: test.namespace \"default\" is never injected"), result.stdout());
    }

    // ---- helpers

    static Properties properties(RenderedChart chart) throws Exception {
        var properties = new Properties();
        properties.load(new java.io.StringReader(chart.appConfigMap().path("data").path("injector.properties").asText()));
        return properties;
    }

    /** The rendered properties read through the app's own configuration code, which validates every value. */
    static InjectionSettings appSettings(RenderedChart chart) throws Exception {
        var file = Files.createTempFile("injector", ".properties");
        try {
            Files.writeString(file, chart.appConfigMap().path("data").path("injector.properties").asText());
            return InjectionSettingsFactory.from(InjectionSettingsFactory.standaloneConfig(Optional.of(file)));
        } finally {
            Files.delete(file);
        }
    }

    private static int appHttpsPort() throws Exception {
        var properties = new Properties();
        try (var in = ChartRenderIT.class.getResourceAsStream("/application.properties")) {
            properties.load(in);
        }
        return Integer.parseInt(properties.getProperty("quarkus.http.ssl-port"));
    }

    private static Set<String> appPaths() {
        return Set.copyOf(AdmissionRoutes.PATHS);
    }

    private static String webhookHost(RenderedChart chart) {
        var service = chart.one("MutatingWebhookConfiguration").path("webhooks").get(0).path("clientConfig").path("service");
        return service.path("name").asText() + "." + service.path("namespace").asText() + ".svc";
    }

    /** The Secret the serving key pair is mounted from: the first source of the projected tls volume. */
    private static String tlsSecretName(RenderedChart chart) {
        var sources = volume(chart.one("Deployment").path("spec").path("template").path("spec"), "tls").path("projected").path("sources");
        var keys = new ArrayList<String>();
        sources.get(0).path("secret").path("items").forEach(i -> keys.add(i.path("key").asText()));
        assertEquals(List.of("tls.crt", "tls.key"), keys);
        return sources.get(0).path("secret").path("name").asText();
    }

    private static JsonNode volume(JsonNode podSpec, String name) {
        for (var volume : podSpec.path("volumes")) {
            if (volume.path("name").asText().equals(name)) {
                return volume;
            }
        }
        throw new AssertionError("no volume " + name);
    }

    private static X509Certificate certificate(String base64Pem) throws Exception {
        var pem = Base64.getDecoder().decode(base64Pem);
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(pem));
    }

    private static Map<String, String> difference(JsonNode selector, JsonNode labels) {
        var missing = new java.util.HashMap<String, String>();
        selector.fields().forEachRemaining(e -> {
            if (!e.getValue().asText().equals(labels.path(e.getKey()).asText())) {
                missing.put(e.getKey(), e.getValue().asText());
            }
        });
        return missing;
    }

    record Expression(String key, String operator, List<String> values) {
    }

    private static Expression expression(String key, String operator, String... values) {
        return new Expression(key, operator, Arrays.asList(values));
    }

    private static List<Expression> expressions(JsonNode selector) {
        assertNotNull(selector);
        assertTrue(selector.path("matchLabels").isMissingNode(), "selectors use matchExpressions only");
        var expressions = new ArrayList<Expression>();
        selector.path("matchExpressions").forEach(e -> {
            var values = new ArrayList<String>();
            e.path("values").forEach(v -> values.add(v.asText()));
            expressions.add(new Expression(e.path("key").asText(), e.path("operator").asText(), values));
        });
        return expressions;
    }
}
