package dev.sidecarinjector.chart;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sidecarinjector.inject.ModelStrictness;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Parses a rendered document into its typed model and lists the fields the model does not know. Kubernetes
 * kinds use the fabric8 model (which keeps unknown fields aside; {@link ModelStrictness} finds them). The
 * cert-manager kinds, which fabric8 has no model for, use the records below: the cert-manager v1 fields the
 * chart may write, parsed with unknown properties failing.
 */
final class StrictModel {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper STRICT = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private static final Map<String, Class<?>> KINDS = Map.ofEntries(
            Map.entry("v1/ServiceAccount", ServiceAccount.class),
            Map.entry("v1/Secret", Secret.class),
            Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("v1/Service", Service.class),
            Map.entry("v1/Pod", Pod.class),
            Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("rbac.authorization.k8s.io/v1/ClusterRole", ClusterRole.class),
            Map.entry("rbac.authorization.k8s.io/v1/ClusterRoleBinding", ClusterRoleBinding.class),
            Map.entry("rbac.authorization.k8s.io/v1/Role", Role.class),
            Map.entry("rbac.authorization.k8s.io/v1/RoleBinding", RoleBinding.class),
            Map.entry("admissionregistration.k8s.io/v1/MutatingWebhookConfiguration", MutatingWebhookConfiguration.class),
            Map.entry("admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration", ValidatingWebhookConfiguration.class),
            Map.entry("apiextensions.k8s.io/v1/CustomResourceDefinition", CustomResourceDefinition.class),
            Map.entry("cert-manager.io/v1/Issuer", Issuer.class),
            Map.entry("cert-manager.io/v1/Certificate", Certificate.class));

    private StrictModel() {
    }

    /** The unknown fields of a document, empty when it is valid; an unknown kind or a wrong type throws. */
    static List<String> unknownFields(JsonNode document) throws Exception {
        var key = document.path("apiVersion").asText() + "/" + document.path("kind").asText();
        var type = KINDS.get(key);
        if (type == null) {
            throw new AssertionError("the chart renders " + key + ", which the test does not know: add it to StrictModel");
        }
        var path = document.path("kind").asText() + "/" + document.path("metadata").path("name").asText();
        if (type.getPackageName().startsWith("io.fabric8")) {
            return ModelStrictness.unknownFields(JSON.treeToValue(document, type), path);
        }
        var parsed = STRICT.treeToValue(document, type);
        // The metadata of the cert-manager records is fabric8's ObjectMeta, checked like the rest.
        var unknown = new ArrayList<String>();
        var metadata = parsed instanceof Issuer issuer ? issuer.metadata() : ((Certificate) parsed).metadata();
        unknown.addAll(ModelStrictness.unknownFields(metadata, path + ".metadata"));
        return unknown;
    }

    record IssuerRef(String name, String kind, String group) {
    }

    record Issuer(String apiVersion, String kind, ObjectMeta metadata, IssuerSpec spec) {
    }

    record IssuerSpec(Map<String, Object> selfSigned, CaIssuer ca) {
    }

    record CaIssuer(String secretName) {
    }

    record Certificate(String apiVersion, String kind, ObjectMeta metadata, CertificateSpec spec) {
    }

    record CertificateSpec(String secretName, String commonName, List<String> dnsNames, Boolean isCA, String duration,
                           String renewBefore, List<String> usages, PrivateKey privateKey, IssuerRef issuerRef) {
    }

    record PrivateKey(String algorithm, Integer size, String rotationPolicy) {
    }
}
