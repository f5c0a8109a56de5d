package dev.sidecarinjector.inject;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The vault-agent template's values for one pod, read from vault-k8s's annotations and validated once: the role,
 * the secrets, the init and sidecar choices, the image, Vault's address and the auth mount. A secret without a
 * role, an unknown boolean or a bad address is refused naming the annotation and the value.
 */
public record VaultAgentValues(String role, List<VaultSecret> secrets, boolean prePopulate, boolean prePopulateOnly,
                               boolean initFirst, String image, String address, String authPath, ProxyResources resources) {

    static final String INIT_CONTAINER = "vault-agent-init";
    static final String CONTAINER = "vault-agent";
    static final String SECRETS_VOLUME = "vault-secrets";
    static final String SECRETS_DIR = "/vault/secrets";
    static final String HOME_VOLUME = "vault-agent-home";
    static final String INIT_HOME_VOLUME = "vault-agent-home-init";
    static final String HOME_DIR = "/home/vault";
    static final String TOKEN_VOLUME = "vault-agent-token";
    /** vault-k8s's mount path for a service account token it brings itself. */
    static final String TOKEN_DIR = "/var/run/secrets/vault.hashicorp.com/serviceaccount";
    static final String TOKEN_FILE = TOKEN_DIR + "/token";
    /** vault-k8s's default user and group for the agent. */
    static final long UID = 100;
    static final long GID = 1000;

    private static final Pattern VAULT_PATH_UNSAFE = Pattern.compile("[\"\\\\`\\p{Cntrl}]|\\{\\{|}}");
    private static final Pattern AUTH_PATH = Pattern.compile("[A-Za-z0-9._-]++(?:/[A-Za-z0-9._-]++)*+");
    private static final int MAX_ROLE = 256;

    public VaultAgentValues {
        secrets = List.copyOf(secrets);
    }

    static VaultAgentValues read(Map<String, String> annotations, TemplateSettings.VaultAgent defaults) {
        var secrets = secrets(annotations);
        var role = Optional.ofNullable(annotations.get(VaultAnnotations.ROLE)).map(String::strip).filter(r -> !r.isEmpty());
        if (role.isEmpty()) {
            throw missingRole(annotations, secrets);
        }
        if (role.get().length() > MAX_ROLE || role.get().chars().anyMatch(Character::isISOControl)) {
            throw new InvalidValueException(VaultAnnotations.ROLE, annotations.get(VaultAnnotations.ROLE), "is not a Vault role name");
        }
        var prePopulate = VaultAnnotations.flag(annotations, VaultAnnotations.PRE_POPULATE).orElse(true);
        var prePopulateOnly = VaultAnnotations.flag(annotations, VaultAnnotations.PRE_POPULATE_ONLY).orElse(false);
        if (prePopulateOnly && !prePopulate) {
            throw new InvalidValueException(VaultAnnotations.PRE_POPULATE_ONLY, annotations.get(VaultAnnotations.PRE_POPULATE_ONLY),
                    "asks for the init container only, which " + VaultAnnotations.PRE_POPULATE + ": \"" + annotations.get(VaultAnnotations.PRE_POPULATE) + "\" turns off");
        }
        var initFirst = VaultAnnotations.flag(annotations, VaultAnnotations.INIT_FIRST).orElse(false);
        var dr = defaults.resources();
        var resources = new ProxyResources(
                quantity(annotations, VaultAnnotations.REQUESTS_CPU, dr.cpuRequest()),
                quantity(annotations, VaultAnnotations.REQUESTS_MEM, dr.memoryRequest()),
                quantity(annotations, VaultAnnotations.LIMITS_CPU, dr.cpuLimit()),
                quantity(annotations, VaultAnnotations.LIMITS_MEM, dr.memoryLimit()))
                .checked(annotations, VaultAnnotations.REQUESTS_CPU, VaultAnnotations.LIMITS_CPU, "cpu", "injector.vault.")
                .checked(annotations, VaultAnnotations.REQUESTS_MEM, VaultAnnotations.LIMITS_MEM, "memory", "injector.vault.");
        return new VaultAgentValues(role.get(), secrets, prePopulate, prePopulateOnly, initFirst,
                PodOverrides.read(annotations, VaultAnnotations.IMAGE, v -> ImageReference.parse(VaultAnnotations.IMAGE, v)).orElse(defaults.image()),
                PodOverrides.read(annotations, VaultAnnotations.SERVICE, v -> address(VaultAnnotations.SERVICE, v)).orElse(defaults.address()),
                PodOverrides.read(annotations, VaultAnnotations.AUTH_PATH, v -> authPath(VaultAnnotations.AUTH_PATH, v)).orElse(defaults.authPath()),
                resources);
    }

    /**
     * A resource annotation as vault-k8s reads it: absent, the setting; present but empty, no value (vault-k8s's
     * parseResources skips "", as the setting {@code injector.vault.cpu-limit=} does); else a quantity.
     */
    private static Optional<ResourceQuantity> quantity(Map<String, String> annotations, String name, Optional<ResourceQuantity> setting) {
        var value = annotations.get(name);
        if (value == null) {
            return setting;
        }
        return value.isEmpty() ? Optional.empty() : Optional.of(ResourceQuantity.parse(name, value));
    }

    /** Vault's address: an http or https URL with a host, as the agent's {@code vault.address} needs it. */
    public static String address(String field, String value) {
        var text = value.strip();
        try {
            var uri = new URI(text);
            var scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null && uri.getRawQuery() == null && uri.getRawFragment() == null) {
                return text;
            }
        } catch (URISyntaxException e) {
            // refused below, with the expected form
        }
        throw new InvalidValueException(field, value, "is not Vault's address (expected an http or https URL such as https://vault.vault.svc:8200)");
    }

    /** The mount path of the kubernetes auth method, such as {@code auth/kubernetes}; surrounding slashes are dropped. */
    public static String authPath(String field, String value) {
        var path = value.strip().replaceAll("^/++|/++$", "");
        if (!AUTH_PATH.matcher(path).matches()) {
            throw new InvalidValueException(field, value, "is not a Vault auth mount path (expected e.g. auth/kubernetes)");
        }
        return path;
    }

    /**
     * The secrets, sorted by file name, as vault-k8s finds them: one for every {@code agent-inject-secret-<name>}, with
     * its {@code agent-inject-template-<name>} if there is one. As in vault-k8s, a secret annotation with no name
     * ({@code agent-inject-secret-}) and a template without its secret are ignored; a secret without a path is refused
     * unless a template renders it (vault-k8s would render {@code secret ""}, which Vault refuses when the pod starts).
     */
    private static List<VaultSecret> secrets(Map<String, String> annotations) {
        var byName = new TreeMap<String, String>();
        for (var key : new java.util.TreeSet<>(annotations.keySet())) {
            if (!key.startsWith(VaultAnnotations.SECRET_PREFIX) || key.length() == VaultAnnotations.SECRET_PREFIX.length()) {
                continue;
            }
            var raw = key.substring(VaultAnnotations.SECRET_PREFIX.length());
            var name = raw.toLowerCase(java.util.Locale.ROOT);
            var earlier = byName.putIfAbsent(name, raw);
            if (earlier != null && !earlier.equals(raw)) {
                throw new InvalidValueException(key, annotations.get(key), "writes " + SECRETS_DIR + "/" + name + ", as the annotations for \"" + earlier
                        + "\" do (vault-k8s lower-cases the file name)");
            }
        }
        var secrets = new ArrayList<VaultSecret>();
        byName.forEach((name, raw) -> {
            var secretKey = VaultAnnotations.SECRET_PREFIX + raw;
            var path = Optional.ofNullable(annotations.get(secretKey)).map(String::strip).filter(p -> !p.isEmpty());
            var template = Optional.ofNullable(annotations.get(VaultAnnotations.TEMPLATE_PREFIX + raw)).filter(t -> !t.isBlank());
            if (template.isEmpty() && path.isEmpty()) {
                throw new InvalidValueException(secretKey, annotations.get(secretKey), "is not a Vault path: empty (expected the secret's path, "
                        + "such as database/creds/my-role, or a template in " + VaultAnnotations.TEMPLATE_PREFIX + raw + ")");
            }
            if (template.isEmpty() && VAULT_PATH_UNSAFE.matcher(path.get()).find()) {
                throw new InvalidValueException(secretKey, annotations.get(secretKey), "is not a Vault path (no quote, backslash, backtick, control character or template delimiter)");
            }
            secrets.add(new VaultSecret(name, path, template));
        });
        return secrets;
    }

    /** Names the annotation that asked for Vault, so the person who wrote it sees what is missing beside it. */
    private static InvalidValueException missingRole(Map<String, String> annotations, List<VaultSecret> secrets) {
        var why = "needs " + VaultAnnotations.ROLE + ", the Vault role vault-agent logs in with (kubernetes auth, the pod's service account)";
        if (!secrets.isEmpty()) {
            var first = secrets.getFirst();
            var key = annotations.keySet().stream()
                    .filter(k -> k.equalsIgnoreCase(VaultAnnotations.SECRET_PREFIX + first.name()) || k.equalsIgnoreCase(VaultAnnotations.TEMPLATE_PREFIX + first.name()))
                    .sorted().findFirst().orElseThrow();
            return new InvalidValueException(key, annotations.get(key), why);
        }
        if (annotations.containsKey(VaultAnnotations.INJECT)) {
            return new InvalidValueException(VaultAnnotations.INJECT, annotations.get(VaultAnnotations.INJECT), why);
        }
        return new InvalidValueException(Annotations.TEMPLATES, annotations.getOrDefault(Annotations.TEMPLATES, ""), "names vault-agent, which " + why);
    }

    /** The variables {@code vault-agent.yaml} sees under {@code vault}; docs/templates.md lists them. */
    Map<String, Object> data() {
        var data = new LinkedHashMap<String, Object>();
        data.put("initName", INIT_CONTAINER);
        data.put("name", CONTAINER);
        data.put("image", image);
        data.put("address", address);
        data.put("role", role);
        data.put("authPath", authPath);
        data.put("initFirst", initFirst);
        data.put("initContainer", prePopulate);
        data.put("sidecar", !prePopulateOnly);
        data.put("initConfig", VaultAgentConfigJson.encoded(this, true));
        data.put("sidecarConfig", VaultAgentConfigJson.encoded(this, false));
        data.put("secretsDir", SECRETS_DIR);
        data.put("secretsVolume", SECRETS_VOLUME);
        data.put("homeDir", HOME_DIR);
        data.put("homeVolume", HOME_VOLUME);
        data.put("initHomeVolume", INIT_HOME_VOLUME);
        data.put("tokenDir", TOKEN_DIR);
        data.put("tokenVolume", TOKEN_VOLUME);
        data.put("uid", UID);
        data.put("gid", GID);
        data.put("secrets", secrets.stream().map(s -> Map.<String, Object>of("name", s.name(), "path", s.path().orElse(""),
                "file", SECRETS_DIR + "/" + s.name())).toList());
        data.putAll(ResourceData.of(resources));
        return data;
    }
}
