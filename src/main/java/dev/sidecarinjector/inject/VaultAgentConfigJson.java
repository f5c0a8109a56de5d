package dev.sidecarinjector.inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The Vault Agent configuration the agent containers start with, in JSON (which the agent reads as it reads HCL),
 * shaped as vault-k8s writes it: kubernetes auto-auth with the pod's role and its service account token, a file
 * sink for the agent's token, one template stanza a secret, and {@code exit_after_auth} for the init container so
 * it renders every secret once and exits. Passed base64-encoded in {@code VAULT_CONFIG}, as vault-k8s does: in a
 * plain env value Kubernetes would expand {@code $(VAR)} inside the secrets' templates.
 */
final class VaultAgentConfigJson {

    private static final ObjectMapper JSON = ModelJson.MAPPER;
    static final String TOKEN_SINK = VaultAgentValues.HOME_DIR + "/.vault-token";
    static final String PID_FILE = VaultAgentValues.HOME_DIR + "/.pid";

    private VaultAgentConfigJson() {
    }

    static String encoded(VaultAgentValues values, boolean init) {
        try {
            return Base64.getEncoder().encodeToString(JSON.writeValueAsString(of(values, init)).getBytes(StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the Vault Agent configuration does not serialise", e);
        }
    }

    static ObjectNode of(VaultAgentValues values, boolean init) {
        var config = JSON.createObjectNode();
        var method = config.putObject("auto_auth").putObject("method");
        method.put("type", "kubernetes");
        method.put("mount_path", values.authPath());
        var methodConfig = method.putObject("config");
        methodConfig.put("role", values.role());
        methodConfig.put("token_path", VaultAgentValues.TOKEN_FILE);
        var sink = ((ObjectNode) config.get("auto_auth")).putArray("sink").addObject();
        sink.put("type", "file");
        sink.putObject("config").put("path", TOKEN_SINK);
        config.put("exit_after_auth", init);
        config.put("pid_file", PID_FILE);
        config.putObject("vault").put("address", values.address());
        var templates = config.putArray("template");
        for (var secret : values.secrets()) {
            var template = templates.addObject();
            template.put("destination", VaultAgentValues.SECRETS_DIR + "/" + secret.name());
            template.put("contents", secret.contents());
            template.put("left_delimiter", "{{");
            template.put("right_delimiter", "}}");
        }
        // A secret that cannot be rendered stops the agent, so the pod fails visibly instead of running without it.
        config.putObject("template_config").put("exit_on_retry_failure", true);
        return config;
    }
}
