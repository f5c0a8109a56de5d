package dev.sidecarinjector.cli;

import dev.sidecarinjector.api.text.RootCause;
import dev.sidecarinjector.inject.Annotations;
import dev.sidecarinjector.inject.SidecarRenderer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.PrintStream;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code sidecar-injector selftest}: the chart's {@code helm test}. Creates a Pod labelled
 * {@code sidecar.istio.io/inject=true} with server-side dry run ({@code dryRun=All}), so the API server runs
 * every admission webhook on it and persists nothing, and checks that the Pod it returns carries the proxy.
 * Needs only {@code create pods} in the namespace. Exit 0 when injected, 1 when not, 2 for a usage error.
 */
public final class SelfTestCommand extends Subcommand<SelfTestCommand.Options> {

    static final String HELP = """
            usage: sidecar-injector selftest [--namespace NS] [--timeout-seconds N] [--image IMAGE]
              --namespace NS         namespace of the dry-run Pod; it must not carry the disabled label (default: default)
              --timeout-seconds N    how long to wait for the API server (default: 30)
              --image IMAGE          image of the dry-run Pod's container, never pulled (default: %s)
            The Pod is labelled sidecar.istio.io/inject=true, so a namespace without the injection label works
            (the chart's second webhook entry), as does one labelled enabled. Nothing is created: dryRun=All."""
            .formatted(Options.DEFAULT_IMAGE);

    private final Function<Options, KubernetesClient> clients;

    SelfTestCommand(Function<Options, KubernetesClient> clients, PrintStream stdout, PrintStream stderr) {
        super(HELP, Options::parse, stdout, stderr);
        this.clients = clients;
    }

    /** The command as the image runs it: the client configures itself from the pod's service account. */
    public static SelfTestCommand inCluster(PrintStream stdout, PrintStream stderr) {
        return new SelfTestCommand(options -> client(Config.autoConfigure(null), options), stdout, stderr);
    }

    /** A client on {@code base} that gives up after the timeout, retrying a failed call at most twice. */
    static KubernetesClient client(Config base, Options options) {
        var millis = Math.toIntExact(options.timeoutSeconds() * 1000L);
        Config config = new ConfigBuilder(base)
                .withConnectionTimeout(millis).withRequestTimeout(millis)
                .withRequestRetryBackoffLimit(2).withRequestRetryBackoffInterval(500)
                .build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    @Override
    int execute(Options options) {
        Pod returned;
        try (var client = clients.apply(options)) {
            stdout.printf("selftest: creating a Pod with dryRun=All in namespace %s on %s%n", options.namespace(), client.getMasterUrl());
            returned = client.pods().inNamespace(options.namespace()).resource(probe(options)).dryRun().create();
        } catch (KubernetesClientException e) {
            if (e.getCode() <= 0) {
                stderr.printf("FAIL: could not reach the Kubernetes API: %s%n", describe(e));
                return 1;
            }
            stderr.printf("FAIL: the API server refused the dry-run Pod in namespace %s (HTTP %d): %s%n", options.namespace(), e.getCode(), describe(e));
            stderr.println("      \"failed calling webhook\" means the API server could not use the webhook: 'connection refused' or 'no endpoints' "
                    + "point at the Service and the webhook pods, an x509 error at the caBundle and the certificate.");
            return 1;
        }
        return check(returned, options);
    }

    private int check(Pod pod, Options options) {
        var proxy = proxyContainer(pod);
        var status = Optional.ofNullable(pod.getMetadata().getAnnotations()).map(a -> a.get(Annotations.STATUS));
        if (proxy.isEmpty() || status.isEmpty()) {
            stderr.printf("FAIL: the Pod came back without the proxy (container %s: %s, annotation %s: %s).%n",
                    SidecarRenderer.PROXY_NAME, proxy.isPresent() ? "present" : "missing",
                    Annotations.STATUS, status.isPresent() ? "present" : "missing");
            stderr.printf("      The webhook was not called or skipped the pod: is namespace %s labelled with the disabled value, "
                    + "or in injection.ignoredNamespaces, or is webhook.podLabelOptIn false? Set test.namespace to an injectable namespace.%n",
                    options.namespace());
            return 1;
        }
        stdout.printf("PASS: the webhook injected %s (image %s) into the dry-run Pod %s/%s%n", SidecarRenderer.PROXY_NAME,
                proxy.get().getImage(), options.namespace(), Optional.ofNullable(pod.getMetadata().getName()).orElse("(unnamed)"));
        stdout.printf("      %s: %s%n", Annotations.STATUS, status.get());
        return 0;
    }

    /** The proxy as a sidecar container, or as a native sidecar (an init container). */
    static Optional<Container> proxyContainer(Pod pod) {
        if (pod.getSpec() == null) {
            return Optional.empty();
        }
        return java.util.stream.Stream.of(pod.getSpec().getContainers(), pod.getSpec().getInitContainers())
                .filter(java.util.Objects::nonNull)
                .flatMap(List::stream)
                .filter(c -> SidecarRenderer.PROXY_NAME.equals(c.getName()))
                .findFirst();
    }

    static Pod probe(Options options) {
        return new PodBuilder()
                .withNewMetadata()
                .withGenerateName("sidecar-injector-selftest-")
                .withNamespace(options.namespace())
                .withLabels(Map.of(Annotations.INJECT, "true", "app.kubernetes.io/name", "sidecar-injector-selftest"))
                .endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                .addNewContainer()
                .withName("app")
                .withImage(options.image())
                .withNewSecurityContext()
                .withRunAsNonRoot(true).withRunAsUser(65532L).withAllowPrivilegeEscalation(false)
                .withNewCapabilities().withDrop("ALL").endCapabilities()
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .endSecurityContext()
                .endContainer()
                .endSpec()
                .build();
    }

    /**
     * The API server's own words when it answered; else what kept it from answering, by the innermost cause
     * ({@code ConnectException: Connection refused}); an unknown host says where the command looked and why.
     */
    static String describe(KubernetesClientException e) {
        if (e.getStatus() != null && e.getStatus().getMessage() != null) {
            return e.getStatus().getMessage();
        }
        if (e.getCause() == null) {
            return e.getMessage();
        }
        if (RootCause.of(e) instanceof UnknownHostException unknown) {
            return "unknown host " + unknown.getMessage() + " (selftest runs in the cluster, as helm test does; elsewhere it needs a kubeconfig: "
                    + "KUBECONFIG or ~/.kube/config)";
        }
        return RootCause.described(e.getCause());
    }

    /** The command's flags. */
    record Options(String namespace, int timeoutSeconds, String image, boolean help) implements Flags {

        static final String DEFAULT_IMAGE = "registry.k8s.io/pause:3.10";

        static Options parse(String... args) {
            var namespace = "default";
            var timeout = 30;
            var image = DEFAULT_IMAGE;
            var flags = new FlagReader(args);
            while (flags.next()) {
                switch (flags.name()) {
                    case "-h", "--help" -> {
                        return new Options(namespace, timeout, image, true);
                    }
                    case "--namespace", "-n" -> namespace = flags.value();
                    case "--image" -> image = flags.value();
                    case "--timeout-seconds" -> timeout = flags.intValue(1, 3600);
                    default -> throw flags.unknown();
                }
            }
            if (namespace.isBlank()) {
                throw new UsageException("--namespace must not be empty");
            }
            return new Options(namespace, timeout, image, false);
        }
    }
}
