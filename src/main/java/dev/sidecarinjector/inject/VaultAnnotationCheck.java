package dev.sidecarinjector.inject;

import dev.sidecarinjector.api.text.ShownValue;
import dev.sidecarinjector.inject.InjectionWarning.Kind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Warns about a pod's annotations under vault-k8s's prefix {@code vault.hashicorp.com/}: one vault-k8s does not
 * define (a typo, most likely: named with the closest of its names, the per-name forms such as
 * {@code agent-inject-secret-<name>} written with the name the pod used), and one of vault-k8s's that the
 * vault-agent template does not read, and one it reads that has no effect as the pod is written: a template whose
 * secret the pod does not name, and (from {@link #withoutAgent}) secrets for an agent nobody injects. Typos are
 * looked for when the pod has {@code agent-inject} (whatever its value) or vault-agent applies; the annotations not
 * read or without effect only when vault-agent applies, since otherwise none has an effect here. Pure; the work is
 * bounded whatever the pod holds.
 */
public final class VaultAnnotationCheck {

    /** A per-name prefix is looked for among a typo's first characters only (the longest, {@code agent-inject-template-file-}, has 27). */
    private static final int PREFIX_SPAN = 40;
    private static final String PLACEHOLDER = "<name>";
    /** A template without its secret is compared with this many of the pod's secrets at most. */
    private static final int SECRETS_COMPARED = 64;

    /** What the vault-agent template reads: the constants of {@link VaultAnnotations}, single names and per-name prefixes (ending in "-"). */
    static final Set<String> READ = AnnotationCheck.stringConstants(VaultAnnotations.class)
            .filter(name -> !name.equals(VaultAnnotations.PREFIX))
            .collect(Collectors.toUnmodifiableSet());

    private enum Meaning { READ, NOT_READ, TEMPLATE_WITHOUT_SECRET, UNKNOWN }

    private VaultAnnotationCheck() {
    }

    /** The warnings about the pod's vault-k8s annotations; {@code vaultApplies} when its templates include vault-agent. */
    public static List<InjectionWarning> warnings(Map<String, String> annotations, boolean vaultApplies) {
        if (!vaultApplies && !annotations.containsKey(VaultAnnotations.INJECT)) {
            return List.of();
        }
        var warnings = new ArrayList<InjectionWarning>();
        var unknown = new CappedWarnings(Kind.UNKNOWN_ANNOTATION, "unknown annotations under " + VaultAnnotations.PREFIX);
        var notRead = new CappedWarnings(Kind.UNSUPPORTED_ANNOTATION, "vault-k8s annotations that this injector does not read");
        var withoutSecret = new CappedWarnings(Kind.INEFFECTIVE_ANNOTATION, "templates without their secret");
        for (var name : annotations.keySet().stream().filter(key -> key.startsWith(VaultAnnotations.PREFIX)).sorted().toList()) {
            switch (meaning(name, annotations)) {
                case READ -> { }
                case NOT_READ -> {
                    if (vaultApplies) {
                        notRead.add(warnings, () -> new InjectionWarning(Kind.UNSUPPORTED_ANNOTATION, "annotation " + ShownValue.of(name, "")
                                + " is vault-k8s's, but this injector does not read it: it has no effect"));
                    }
                }
                case TEMPLATE_WITHOUT_SECRET -> {
                    if (vaultApplies) {
                        withoutSecret.add(warnings, () -> templateWithoutSecret(name, annotations));
                    }
                }
                case UNKNOWN -> unknown.add(warnings, () -> typo(name, annotations));
            }
        }
        unknown.addRest(warnings);
        notRead.addRest(warnings);
        withoutSecret.addRest(warnings);
        return warnings;
    }

    /**
     * The warning for a pod that is injected without vault-agent but names Vault secrets: without
     * {@code agent-inject} neither this injector nor vault-k8s's runs an agent, so they are never written. None when
     * the pod has {@code agent-inject} at all ({@code "false"} turns the agent off on purpose).
     */
    public static List<InjectionWarning> withoutAgent(Map<String, String> annotations) {
        if (annotations.containsKey(VaultAnnotations.INJECT)) {
            return List.of();
        }
        var secrets = annotations.keySet().stream().filter(VaultAnnotationCheck::isSecret).sorted().toList();
        if (secrets.isEmpty()) {
            return List.of();
        }
        var more = secrets.size() > 1 ? " (and " + (secrets.size() - 1) + " more)" : "";
        return List.of(new InjectionWarning(Kind.INEFFECTIVE_ANNOTATION, "annotation " + ShownValue.of(secrets.getFirst(), "") + more
                + " has no effect: no Vault agent is injected without " + VaultAnnotations.INJECT + ": \"true\" (or the "
                + TemplateNames.VAULT_AGENT + " template in " + Annotations.TEMPLATES + ")"));
    }

    private static boolean isSecret(String name) {
        return name.startsWith(VaultAnnotations.SECRET_PREFIX) && name.length() > VaultAnnotations.SECRET_PREFIX.length();
    }

    /**
     * A template names its secret by the part after its prefix; the pod's secret whose name is closest (among the
     * first {@link #SECRETS_COMPARED} by name) is the likely intent.
     */
    private static InjectionWarning templateWithoutSecret(String name, Map<String, String> annotations) {
        var secretName = name.substring(VaultAnnotations.TEMPLATE_PREFIX.length());
        var secretNames = annotations.keySet().stream().filter(VaultAnnotationCheck::isSecret).sorted().limit(SECRETS_COMPARED)
                .map(secret -> secret.substring(VaultAnnotations.SECRET_PREFIX.length()))
                .toList();
        // Judged on the names alone: the long prefix the annotations share would make any two look alike.
        var intent = ClosestName.among(secretName, secretNames).filter(closest -> ClosestName.isLikelyIntent(secretName, closest))
                .map(closest -> " (did you mean " + ShownValue.of(VaultAnnotations.TEMPLATE_PREFIX + closest, "") + "?)").orElse("");
        return new InjectionWarning(Kind.INEFFECTIVE_ANNOTATION, "annotation " + ShownValue.of(name, "")
                + " has no effect: a template renders the secret of its name, and the pod has no "
                + ShownValue.of(VaultAnnotations.SECRET_PREFIX + secretName, "") + intent);
    }

    /**
     * What an annotation is to vault-k8s and to this injector. A per-name form goes by its longest prefix, so
     * {@code agent-inject-template-file-db} is a template file, unless the pod has {@code agent-inject-secret-file-db},
     * whose template it then is (vault-k8s reads it both ways). A per-name prefix with no name is unknown.
     */
    private static Meaning meaning(String name, Map<String, String> annotations) {
        if (READ.contains(name) && VaultK8sAnnotations.NAMES.contains(name)) {
            return Meaning.READ;
        }
        var template = name.length() > VaultAnnotations.TEMPLATE_PREFIX.length() && name.startsWith(VaultAnnotations.TEMPLATE_PREFIX)
                && annotations.containsKey(VaultAnnotations.SECRET_PREFIX + name.substring(VaultAnnotations.TEMPLATE_PREFIX.length()));
        var prefix = VaultK8sAnnotations.PER_NAME.stream()
                .filter(p -> name.startsWith(p) && name.length() > p.length())
                .max(Comparator.comparingInt(String::length));
        if (template || prefix.isPresent() && READ.contains(prefix.get())) {
            // A template is read for its secret only: one whose secret the pod does not name renders nothing.
            return !template && prefix.get().equals(VaultAnnotations.TEMPLATE_PREFIX) ? Meaning.TEMPLATE_WITHOUT_SECRET : Meaning.READ;
        }
        return prefix.isPresent() || VaultK8sAnnotations.NAMES.contains(name) ? Meaning.NOT_READ : Meaning.UNKNOWN;
    }

    /** The warning for a typo: the closest of vault-k8s's names, and whether this injector reads it (its user would learn so next). */
    private static InjectionWarning typo(String name, Map<String, String> annotations) {
        var closest = perNameWithoutName(name).orElseGet(() -> ClosestName.among(name, candidates(name)).orElseThrow());
        var notRead = meaning(closest, annotations) == Meaning.NOT_READ ? ", which this injector does not read" : "";
        return new InjectionWarning(Kind.UNKNOWN_ANNOTATION, "unknown annotation " + ShownValue.of(name, "")
                + (ClosestName.isLikelyIntent(name, closest) ? ": did you mean " + ShownValue.of(closest, "") + notRead + "?"
                        : " (closest known name: " + ShownValue.of(closest, "") + notRead + ")"));
    }

    /** A per-name prefix written without the name ({@code agent-inject-secret}, {@code agent-inject-secret-}), as its form with a placeholder. */
    private static Optional<String> perNameWithoutName(String name) {
        var prefix = name.endsWith("-") ? name : name + "-";
        return VaultK8sAnnotations.PER_NAME.contains(prefix) ? Optional.of(prefix + PLACEHOLDER) : Optional.empty();
    }

    /**
     * The names a typo is compared with: vault-k8s's single names, and its per-name forms with the typo's own name:
     * wherever the typo's start, up to one of its dashes, is a per-name prefix with a few slips, that prefix followed
     * by the rest, so that {@code agent-inject-secrets-foo} meets {@code agent-inject-secret-foo}.
     */
    static Set<String> candidates(String name) {
        var local = name.substring(VaultAnnotations.PREFIX.length());
        var candidates = new HashSet<>(VaultK8sAnnotations.NAMES);
        for (var dash = local.indexOf('-'); dash >= 0 && dash < PREFIX_SPAN; dash = local.indexOf('-', dash + 1)) {
            var head = local.substring(0, dash + 1);
            var tail = local.substring(dash + 1);
            for (var prefix : VaultK8sAnnotations.PER_NAME) {
                var known = prefix.substring(VaultAnnotations.PREFIX.length());
                if (!tail.isEmpty() && ClosestName.distance(head, known) <= Math.max(2, known.length() / 4)) {
                    candidates.add(prefix + tail);
                }
            }
        }
        return candidates;
    }
}
