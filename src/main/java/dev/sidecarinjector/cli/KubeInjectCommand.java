package dev.sidecarinjector.cli;

import dev.sidecarinjector.api.text.RootCause;
import dev.sidecarinjector.config.InjectionSettingsFactory;
import dev.sidecarinjector.inject.InjectionSettings;
import dev.sidecarinjector.inject.InvalidValueException;
import dev.sidecarinjector.inject.KubernetesNames;
import dev.sidecarinjector.inject.SidecarTemplates;
import dev.sidecarinjector.inject.TemplateException;
import dev.sidecarinjector.templates.TemplateStore;
import io.smallrye.config.SmallRyeConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code sidecar-injector kube-inject}: reads Kubernetes YAML, injects every pod template with the same pure
 * core as the webhook, and prints the result (or writes it to {@code --output}'s file, replacing it in one step).
 * Exit 0 on success, 1 when a document is invalid (nothing is printed or written then), 2 for a usage error or a
 * file that cannot be read or written.
 */
public final class KubeInjectCommand extends Subcommand<KubeInjectCommand.Options> {

    static final String HELP = """
            usage: sidecar-injector kube-inject -f FILE [options]
              -f, --filename FILE      Kubernetes YAML to inject, "-" for standard input (required)
              -o, --output FILE        write the result to FILE (whole, or not at all) instead of standard output
              --namespace NS           namespace for documents that name none (default: default)
              --namespace-labels K=V[,K=V]
                                       labels of that namespace; istio-injection=disabled still opts out
              --config FILE            properties file with injector.* settings (as in application.properties)
              --templates DIR          directory of templates (NAME.yaml) that replace built-in ones by name or add to them
              --explain                print each object's decision and reason to standard error
              --max-input-mib N        refuse input larger than N MiB (default: 32; a larger input may need more heap)
            Pods, Deployments, StatefulSets, DaemonSets, ReplicaSets, ReplicationControllers, Jobs, CronJobs and
            OpenShift DeploymentConfigs are injected (also inside a v1 List); other documents pass through
            unchanged, empty and comment-only ones are left out. Warnings about a pod (its annotations, the
            namespace's Pod Security level from --namespace-labels, probes) go to standard error. Input is UTF-8,
            or UTF-16 with a byte order mark; YAML aliases and merge keys (<<) are resolved as kubectl resolves them, and
            a key written twice in one mapping is refused as kubectl refuses it.""";

    /** Past this much output the first pass only checks, and a second pass prints as it goes: memory stays flat. */
    static final int OUTPUT_BUFFER_CHARS = 16 * 1024 * 1024;

    private final InputStream stdin;
    private final int outputBufferChars;

    public KubeInjectCommand(InputStream stdin, PrintStream stdout, PrintStream stderr) {
        this(stdin, stdout, stderr, OUTPUT_BUFFER_CHARS);
    }

    KubeInjectCommand(InputStream stdin, PrintStream stdout, PrintStream stderr, int outputBufferChars) {
        super(HELP, Options::parse, stdout, stderr);
        this.stdin = stdin;
        this.outputBufferChars = outputBufferChars;
    }

    @Override
    int execute(Options options) {
        try {
            return inject(options);
        } catch (OutOfMemoryError e) {
            error("out of memory: the input needs more than the Java heap holds (-Xmx); split it, "
                    + "or lower --max-input-mib");
            return 1;
        }
    }

    private int inject(Options options) {
        InjectionSettings settings;
        SidecarTemplates templates;
        String input;
        var configFile = options.config().filter(file -> !Files.exists(file) || Files.isDirectory(file));
        if (configFile.isPresent()) {
            var file = configFile.get();
            error("--config " + file + ": " + (Files.exists(file) ? "a directory (it takes a properties file)" : "no such file"));
            return 2;
        }
        var outputProblem = options.output().flatMap(KubeInjectCommand::outputProblem);
        if (outputProblem.isPresent()) {
            error("--output " + options.output().get() + ": " + outputProblem.get());
            return 2;
        }
        var templatesDirectory = options.templates().filter(directory -> !Files.isDirectory(directory));
        if (templatesDirectory.isPresent()) {
            // The webhook waits for a missing directory to appear (a ConfigMap mounted later); a command has nothing to wait for.
            var directory = templatesDirectory.get();
            error("--templates " + directory + ": " + (Files.exists(directory) ? "not a directory (it takes a directory of NAME.yaml files)" : "no such directory"));
            return 2;
        }
        try {
            settings = InjectionSettingsFactory.from(config(options.config()));
            var store = new TemplateStore(options.templates(), settings);
            templates = store.current().orElseThrow(() -> new TemplateException(store.lastError().orElse("no templates")));
            input = read(options);
        } catch (InvalidValueException | TemplateException | IllegalArgumentException e) {
            error(e.getMessage());
            return 2;
        } catch (InvalidManifestException e) {
            error(e.getMessage());
            return 1;
        } catch (IOException e) {
            error("cannot read " + options.file() + ": " + (e instanceof NoSuchFileException ? "no such file" : e.getMessage()));
            return 2;
        }
        var injector = new ManifestInjector(settings, templates, options.namespace(), options.namespaceLabels());
        var buffer = new OutputBuffer(outputBufferChars);
        var result = injector.inject(input, buffer);
        if (options.explain()) {
            result.explanations().forEach(this::note);
        }
        result.warnings().forEach(this::warning);
        if (!result.errors().isEmpty()) {
            result.errors().forEach(this::error);
            return 1;
        }
        // Every document injected cleanly once; past the buffer, the same pure functions on the same input give the same output.
        Consumer<Appendable> print = out -> {
            if (buffer.overflowed()) {
                injector.inject(input, out);
            } else {
                OutputFile.append(out, buffer.text());
            }
        };
        if (options.output().isPresent()) {
            try {
                OutputFile.replace(options.output().get(), print);
            } catch (IOException | UncheckedIOException e) {
                error("--output " + options.output().get() + ": cannot be written: " + why(e));
                return 2;
            }
            return 0;
        }
        print.accept(stdout);
        stdout.flush();
        return 0;
    }

    /** Why the result could not be written to {@code file}, found before any work: a directory, or no directory to put it in. */
    private static Optional<String> outputProblem(Path file) {
        if (Files.isDirectory(file)) {
            return Optional.of("a directory (it takes a file)");
        }
        var parent = file.toAbsolutePath().getParent();
        return parent == null || Files.isDirectory(parent) ? Optional.empty() : Optional.of("no such directory " + parent);
    }

    /** The settings' configuration, with {@code --config}'s file when given; a file that cannot be read is named as the flag's. */
    private static SmallRyeConfig config(Optional<Path> file) {
        try {
            return InjectionSettingsFactory.standaloneConfig(file);
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalArgumentException(file.map(path -> "--config " + path).orElse("the built-in configuration") + ": cannot be read: "
                    + why(e), e);
        }
    }

    /** Why a file could not be read or written, in the fewest words: its innermost cause, "permission denied" for that. */
    private static String why(Exception e) {
        return RootCause.of(e) instanceof AccessDeniedException ? "permission denied" : RootCause.message(e);
    }

    private String read(Options options) throws IOException {
        var maxBytes = options.maxInputMib() * 1024 * 1024;
        if (options.file().equals("-")) {
            return ManifestText.read(stdin, maxBytes);
        }
        var path = Path.of(options.file());
        if (Files.isRegularFile(path) && Files.size(path) > maxBytes) {
            throw ManifestText.tooLarge(maxBytes);
        }
        try (var in = Files.newInputStream(path)) {
            return ManifestText.read(in, maxBytes);
        }
    }

    /** The parsed command line. */
    record Options(String file, Optional<Path> output, String namespace, Map<String, String> namespaceLabels, Optional<Path> config,
                   Optional<Path> templates, boolean explain, int maxInputMib, boolean help) implements Flags {

        static final int DEFAULT_MAX_INPUT_MIB = 32;

        /** istioctl kube-inject's flags that have no equal here, and what takes their place. */
        static final Map<String, String> ISTIOCTL_FLAGS = istioctlFlags();

        private static Map<String, String> istioctlFlags() {
            var templates = "istioctl's injection template file; templates here are a directory of NAME.yaml files: --templates DIR";
            var config = "istioctl's mesh configuration; the settings here are injector.* properties: --config FILE";
            var cluster = "this kube-inject needs no cluster: it injects with its built-in templates, --config FILE and --templates DIR";
            var flags = new LinkedHashMap<String, String>();
            flags.put("--injectConfigFile", templates);
            flags.put("--injectConfigMapName", templates);
            flags.put("--meshConfigFile", config);
            flags.put("--meshConfigMapName", config);
            flags.put("--valuesFile", "istioctl's injector values; the settings here are injector.* properties: --config FILE");
            flags.put("--revision", "this injector has no revisions: one injector serves istio-injection=enabled");
            flags.put("-r", flags.get("--revision"));
            flags.put("--webhookConfig", cluster);
            flags.put("--kubeconfig", cluster);
            flags.put("--context", cluster);
            flags.put("--istioNamespace", cluster);
            flags.put("-i", cluster);
            return Map.copyOf(flags);
        }

        static Options parse(String... args) {
            String file = null;
            Optional<Path> output = Optional.empty();
            var namespace = "default";
            Map<String, String> labels = Map.of();
            Optional<Path> config = Optional.empty();
            Optional<Path> templates = Optional.empty();
            var explain = false;
            var maxInputMib = DEFAULT_MAX_INPUT_MIB;
            var flags = new FlagReader(args);
            while (flags.next()) {
                switch (flags.name()) {
                    case "-h", "--help" -> {
                        return new Options("-", output, namespace, labels, config, templates, false, maxInputMib, true);
                    }
                    case "--explain" -> explain = true;
                    case "-f", "--filename" -> file = flags.value();
                    case "-o", "--output" -> output = Optional.of(flags.value()).filter(name -> !name.equals("-")).map(Path::of);
                    case "-n", "--namespace" -> namespace = namespace(flags.name(), flags.value());
                    case "--namespace-labels" -> labels = labels(flags.value());
                    case "--config" -> config = Optional.of(Path.of(flags.value()));
                    case "--templates" -> templates = Optional.of(Path.of(flags.value()));
                    case "--max-input-mib" -> maxInputMib = flags.intValue(1, 1024);
                    default -> throw flags.unknown(ISTIOCTL_FLAGS);
                }
            }
            if (file == null) {
                throw new UsageException("-f FILE is required (\"-\" reads standard input)");
            }
            return new Options(file, output, namespace, labels, config, templates, explain, maxInputMib, false);
        }

        /** A namespace name, as the API server takes one: a DNS-1123 label. */
        private static String namespace(String flag, String name) {
            if (!KubernetesNames.isLabel(name, false)) {
                throw new UsageException(flag + " \"" + name + "\" is not a namespace name (lowercase letters, digits and '-' inside, at most 63 characters)");
            }
            return name;
        }

        private static Map<String, String> labels(String text) {
            var labels = new LinkedHashMap<String, String>();
            for (var pair : text.split(",")) {
                var eq = pair.indexOf('=');
                if (pair.isBlank()) {
                    continue;
                }
                if (eq <= 0) {
                    throw new UsageException("--namespace-labels: \"" + pair + "\" is not KEY=VALUE");
                }
                labels.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
            }
            return labels;
        }
    }

}
