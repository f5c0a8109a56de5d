package dev.sidecarinjector.templates;

import dev.sidecarinjector.inject.InjectionSettings;
import dev.sidecarinjector.inject.RenderCacheLimits;
import dev.sidecarinjector.inject.SidecarTemplates;
import dev.sidecarinjector.inject.TemplateException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * The injection templates in force: the built-in ones, and from a directory (a mounted ConfigMap) files that
 * replace them by name or add templates ({@code NAME.yaml} or {@code NAME.yml}; the sidecar's three files replace its parts). A
 * changed directory is re-read on {@link #reload()}; a set that does not compile or render a valid sample pod with
 * every template is refused, the last good set stays in force and the error is kept for readiness.
 */
public final class TemplateStore {

    private static final Logger LOG = Logger.getLogger(TemplateStore.class);

    private final Optional<Path> directory;
    private final InjectionSettings settings;
    private final RenderCacheLimits cacheLimits;
    private final AtomicReference<SidecarTemplates> current = new AtomicReference<>();
    private final AtomicReference<String> lastError = new AtomicReference<>();
    private volatile Map<String, String> loadedSources = Map.of();
    /** The directory's files that are not templates by their name, said once each in the log. */
    private final Set<String> mentioned = ConcurrentHashMap.newKeySet();

    public TemplateStore(Optional<Path> directory, InjectionSettings settings) {
        this(directory, settings, RenderCacheLimits.DEFAULT);
    }

    public TemplateStore(Optional<Path> directory, InjectionSettings settings, RenderCacheLimits cacheLimits) {
        this.directory = directory;
        this.settings = settings;
        this.cacheLimits = cacheLimits;
        reload();
    }

    /** The templates in force, or empty when none has ever been valid. */
    public Optional<SidecarTemplates> current() {
        return Optional.ofNullable(current.get());
    }

    /** The error of the last refused template set, if the newest files are not the ones in force. */
    public Optional<String> lastError() {
        return Optional.ofNullable(lastError.get());
    }

    /** Where the templates come from, for the log and readiness. */
    public String describe() {
        return directory.map(d -> "built-in templates overridden from " + d).orElse("built-in templates");
    }

    /** Re-reads the sources; does nothing when they did not change. Returns true when a new set took effect. */
    public synchronized boolean reload() {
        Map<String, String> sources;
        try {
            sources = readSources();
        } catch (IOException e) {
            refuse("cannot read templates from " + directory.orElseThrow() + ": " + e.getMessage());
            return false;
        }
        if (sources.equals(loadedSources)) {
            return false;
        }
        loadedSources = sources;
        try {
            var templates = SidecarTemplates.compile(sources, cacheLimits);
            TemplateCheck.renderSample(templates, settings);
            current.set(templates);
            lastError.set(null);
            LOG.infof("injection templates loaded (%s): %s", String.join(", ", templates.names()), describe());
            return true;
        } catch (TemplateException e) {
            refuse(e.getMessage());
            return false;
        }
    }

    private void refuse(String message) {
        lastError.set(message);
        LOG.errorf("injection templates refused, %s: %s", current.get() == null ? "no valid templates yet" : "keeping the last good set", message);
    }

    /**
     * The built-in sources with every {@code *.yaml} and {@code *.yml} file of the directory (the extension in any
     * case) over them, by file name ({@link SidecarTemplates#sourceName}); two files of one name ({@code debug.yaml},
     * {@code debug.yml}) are both kept, and the set is refused naming them. Dot files are skipped: a mounted ConfigMap
     * keeps its real files under {@code ..data} and links each key beside it. Another file is said to be skipped in
     * the log, once.
     */
    private Map<String, String> readSources() throws IOException {
        var sources = new LinkedHashMap<>(SidecarTemplates.builtInSources());
        if (directory.isPresent() && Files.isDirectory(directory.get())) {
            var fromDirectory = new java.util.HashSet<String>();
            try (var files = Files.list(directory.get())) {
                for (var path : files.sorted().toList()) {
                    var file = path.getFileName().toString();
                    if (file.startsWith(".") || !Files.isRegularFile(path)) {
                        continue;
                    }
                    var name = SidecarTemplates.sourceName(file);
                    if (name.isEmpty()) {
                        if (mentioned.add(file)) {
                            LOG.warnf("templates directory %s: %s is skipped: a template file is NAME.yaml or NAME.yml", directory.get(), file);
                        }
                        continue;
                    }
                    var key = fromDirectory.add(name.get()) ? name.get() : file;
                    sources.put(key, Files.readString(path, StandardCharsets.UTF_8));
                }
            }
        }
        return sources;
    }

    /** The directory's files said to be skipped, each once. */
    Set<String> skippedFiles() {
        return Set.copyOf(mentioned);
    }
}
