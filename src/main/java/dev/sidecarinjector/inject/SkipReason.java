package dev.sidecarinjector.inject;

import java.util.Locale;

/**
 * Why a pod was not injected. The same value feeds the log line, the metric tag, the Kubernetes Event
 * and kube-inject's {@code --explain}, so the four never disagree.
 */
public enum SkipReason {
    NOT_A_POD("the object is not a Pod"),
    NOT_CREATE("only Pod CREATE is injected"),
    HOST_NETWORK("the pod uses hostNetwork: true"),
    IGNORED_NAMESPACE("pods in this namespace are never injected"),
    ALREADY_INJECTED("the pod already carries " + Annotations.STATUS),
    NAMESPACE_DISABLED("the namespace opts out"),
    POD_LABEL_OPT_OUT("the pod label " + Annotations.INJECT + " opts out"),
    POD_ANNOTATION_OPT_OUT("the pod annotation " + Annotations.INJECT + " opts out"),
    NAMESPACE_NOT_ENABLED("neither the namespace nor the pod label opts in"),
    NEVER_INJECT_SELECTOR("the pod's labels match injector.namespaces.never-inject-selector (Istio's neverInjectSelector)"),
    POD_SECURITY("the namespace's Pod Security level would reject an injected container (injector.pod-security.mode=skip)");

    private final String message;

    SkipReason(String message) {
        this.message = message;
    }

    /** A sentence a person can read. */
    public String message() {
        return message;
    }

    /** The metric tag and log value, e.g. {@code host_network}. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * True for the reasons that concern the mesh's templates only (namespace label, pod opt-out or no opt-in, Istio's
     * never-inject selector); vault-k8s's {@code agent-inject} still applies vault-agent then. The others hold for
     * every template.
     */
    public boolean meshOnly() {
        return this == NAMESPACE_DISABLED || this == POD_LABEL_OPT_OUT || this == POD_ANNOTATION_OPT_OUT || this == NAMESPACE_NOT_ENABLED
                || this == NEVER_INJECT_SELECTOR;
    }

    /** True for opt-outs the pod's author wrote. */
    public boolean explicitOptOut() {
        return this == POD_LABEL_OPT_OUT || this == POD_ANNOTATION_OPT_OUT;
    }

    /**
     * True for the skips that deserve a Kubernetes Event on the pod's owner: the author's own opt-outs, and a skip the
     * author did not ask for and may not expect (the namespace's Pod Security level).
     */
    public boolean recordsEvent() {
        return explicitOptOut() || this == POD_SECURITY;
    }
}
