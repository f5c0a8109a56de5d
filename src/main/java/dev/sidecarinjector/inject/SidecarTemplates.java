package dev.sidecarinjector.inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.Container;
import io.quarkus.qute.Engine;
import io.quarkus.qute.Expression;
import io.quarkus.qute.RawString;
import io.quarkus.qute.ResultMapper;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The compiled Qute templates in force: the {@code sidecar} template (the proxy and init containers, three files)
 * and the named templates, one {@code NAME.yaml} file each, built in or added by configuration. Every string an
 * expression prints is a quoted YAML scalar (Qute only knows HTML escaping), so a value can never change the
 * document's structure.
 */
public final class SidecarTemplates {

    public static final String PROXY = "sidecar-proxy.yaml";
    public static final String INIT = "sidecar-init.yaml";
    public static final String RESOURCES = "sidecar-resources.yaml";
    /** The files the {@code sidecar} template is made of; an override directory may replace any of them. */
    public static final List<String> FILES = List.of(PROXY, INIT, RESOURCES);
    /** The named templates shipped in {@code src/main/resources/templates/}, one file each. */
    public static final List<String> BUILT_IN_NAMED = List.of(TemplateNames.LOG_SHIPPER, TemplateNames.VAULT_AGENT, TemplateNames.CONFIG_RELOADER);
    static final String SUFFIX = ".yaml";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final ObjectMapper JSON = ModelJson.MAPPER;

    private final Template proxy;
    private final Template init;
    /** The named templates by name, sorted. */
    private final SortedMap<String, Template> named;
    /**
     * Every pod with the same settings and overrides renders the same containers, so each distinct template
     * data is rendered, parsed, checked and bound once; callers share the Container, which nothing changes.
     */
    private final RenderCache rendered;
    /** The sidecar last rendered, for the next pod that asks the same ({@link #renderSidecar}). */
    private volatile Sidecar lastSidecar;

    private SidecarTemplates(Template proxy, Template init, SortedMap<String, Template> named, RenderCacheLimits cacheLimits) {
        this.proxy = proxy;
        this.init = init;
        this.named = named;
        this.rendered = new RenderCache(cacheLimits);
    }

    /** Compiles a template set with the default render cache limits. */
    public static SidecarTemplates compile(Map<String, String> sources) {
        return compile(sources, RenderCacheLimits.DEFAULT);
    }

    /**
     * Compiles a template set whose render cache holds at most {@code cacheLimits}; a syntax error is a
     * {@link TemplateException} naming the file. Every file other than the sidecar's three is a named template,
     * {@code NAME.yaml}; a file whose name cannot name a template is refused rather than left unused.
     */
    public static SidecarTemplates compile(Map<String, String> sources, RenderCacheLimits cacheLimits) {
        for (var file : FILES) {
            if (!sources.containsKey(file)) {
                throw new TemplateException("template " + file + " is missing");
            }
        }
        var engine = Engine.builder()
                .addDefaults()
                .strictRendering(true)
                .removeStandaloneLines(true)
                .addResultMapper(new YamlScalars())
                .addLocator(id -> Optional.ofNullable(sources.get(id))
                        .map(text -> new io.quarkus.qute.TemplateLocator.TemplateLocation() {
                            @Override
                            public java.io.Reader read() {
                                return new StringReader(text);
                            }

                            @Override
                            public Optional<io.quarkus.qute.Variant> getVariant() {
                                return Optional.empty();
                            }
                        }))
                .build();
        var named = new TreeMap<String, Template>();
        var fileOf = new java.util.HashMap<String, String>();
        for (var file : sources.keySet()) {
            var base = yamlBase(file);
            var earlier = base == null ? null : fileOf.putIfAbsent(base, file);
            if (earlier != null) {
                throw new TemplateException("template files " + earlier + " and " + file + " are both " + base + ": keep one");
            }
            if (!FILES.contains(file)) {
                named.put(templateName(file), parse(engine, sources, file));
            }
        }
        return new SidecarTemplates(parse(engine, sources, PROXY), parse(engine, sources, INIT), named, cacheLimits);
    }

    /**
     * The name a templates-directory file is read under: {@code NAME.yml}, {@code NAME.YAML} and the like as
     * {@code NAME.yaml} (as the mesh directory reads {@code .yml}); a name that defines no template stays as written,
     * so the refusal names the file; empty when the file is not YAML by its name (not a template file at all).
     */
    public static Optional<String> sourceName(String file) {
        var base = yamlBase(file);
        if (base == null) {
            return Optional.empty();
        }
        var canonical = base + SUFFIX;
        return Optional.of(FILES.contains(canonical) || TemplateNames.valid(base) && !base.equals(TemplateNames.SIDECAR) ? canonical : file);
    }

    /** The file's name without its {@code .yaml} or {@code .yml} in any case, or null. */
    private static String yamlBase(String file) {
        var lower = file.toLowerCase(java.util.Locale.ROOT);
        for (var suffix : List.of(SUFFIX, ".yml")) {
            if (lower.endsWith(suffix) && file.length() > suffix.length()) {
                return file.substring(0, file.length() - suffix.length());
            }
        }
        return null;
    }

    /** The template a file defines: {@code log-shipper.yaml} defines {@code log-shipper}. */
    static String templateName(String file) {
        var base = yamlBase(file);
        var name = base == null ? "" : base;
        if (!TemplateNames.valid(name)) {
            throw new TemplateException("template file " + file + " does not name a template: expected NAME.yaml or NAME.yml, NAME of lowercase letters, digits and '-'");
        }
        if (name.equals(TemplateNames.SIDECAR)) {
            throw new TemplateException("template file " + file + ": the sidecar template is made of " + String.join(", ", FILES) + "; replace those instead");
        }
        return name;
    }

    /** The files of the built-in templates, the sidecar's first. */
    public static List<String> builtInFiles() {
        var files = new ArrayList<>(FILES);
        BUILT_IN_NAMED.forEach(name -> files.add(name + SUFFIX));
        return files;
    }

    /** The templates shipped in the application, {@code src/main/resources/templates/}. */
    public static Map<String, String> builtInSources() {
        var sources = new LinkedHashMap<String, String>();
        for (var file : builtInFiles()) {
            try (InputStream in = SidecarTemplates.class.getResourceAsStream("/templates/" + file)) {
                if (in == null) {
                    throw new IllegalStateException("built-in template " + file + " is not on the classpath");
                }
                sources.put(file, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return sources;
    }

    public static SidecarTemplates builtIn() {
        return compile(builtInSources());
    }

    /** Every template name this set knows, {@code sidecar} included, sorted. */
    public SortedSet<String> names() {
        var names = new TreeSet<>(named.keySet());
        names.add(TemplateNames.SIDECAR);
        return names;
    }

    /** True for a named template, rendered by {@link #renderFragment}. */
    boolean hasNamed(String name) {
        return named.containsKey(name);
    }

    /** Renders the named template {@code name} (one {@link #hasNamed} knows) into a fresh fragment. */
    TemplateFragment renderFragment(String name, Map<String, Object> data) {
        var file = name + SUFFIX;
        var template = named.get(name);
        var tree = rendered.get(List.of(file, data), () -> TemplateFragment.check(file, renderTree(template, file, data)));
        return TemplateFragment.bind(file, tree);
    }

    /** A rendered container as the cache keeps it, shared between pods: the Container and its JSON ({@link SharedJson}). */
    record Rendering(Container container, JsonNode tree) {
    }

    /** The sidecar template's containers for one spec and settings: the init container (null without iptables) and the proxy. */
    record Sidecar(SidecarSpec spec, InjectionSettings settings, Rendering init, Rendering proxy) {
    }

    /**
     * The init container and the proxy for {@code spec} under {@code settings}. Most pods of a cluster ask what the pod
     * before asked (the same overrides, often none): then the last pair is returned again, from a comparison of the
     * two specs, without building the template data and looking it up in the render cache. Otherwise each comes from
     * the cache, or is rendered, and becomes the last pair (one spec held, at most one pod's annotations).
     */
    Sidecar renderSidecar(SidecarSpec spec, InjectionSettings settings) {
        var last = lastSidecar;
        if (last != null && last.settings() == settings && last.spec().equals(spec)) {
            return last;
        }
        var data = SidecarRenderer.TemplateData.of(spec, settings);
        var init = spec.interception() == Interception.IPTABLES ? renderInit(data) : null;
        var made = new Sidecar(spec, settings, init, renderProxy(data));
        lastSidecar = made;
        return made;
    }

    Rendering renderProxy(Map<String, Object> data) {
        return cached(proxy, PROXY, data);
    }

    Rendering renderInit(Map<String, Object> data) {
        return cached(init, INIT, data);
    }

    /** The estimated bytes the render cache holds now. */
    public long renderCacheBytes() {
        return rendered.bytes();
    }

    private Rendering cached(Template template, String file, Map<String, Object> data) {
        return rendered.get(List.of(file, data), () -> {
            var container = render(template, file, data);
            return new Rendering(container, SharedJson.freeze(PodTreeBase.tree(container)));
        });
    }

    private static Template parse(Engine engine, Map<String, String> sources, String file) {
        try {
            return engine.parse(sources.get(file), null, file);
        } catch (RuntimeException e) {
            throw new TemplateException("template " + file + " does not parse: " + e.getMessage(), e);
        }
    }

    /** The rendered YAML as a tree; null for an empty document. */
    private static JsonNode renderTree(Template template, String file, Map<String, Object> data) {
        String yaml;
        try {
            yaml = template.render(data);
        } catch (RuntimeException e) {
            throw new TemplateException("template " + file + " does not render: " + e.getMessage() + flowMappingHint(e), e);
        }
        try {
            return YAML.readTree(yaml);
        } catch (IOException e) {
            throw new TemplateException("template " + file + " renders invalid YAML: " + e.getMessage(), e);
        }
    }

    /**
     * Qute reads {@code {...}} as an expression, so a YAML flow mapping ({@code resources: {limits: {cpu: 1}}}) is one
     * whose first key is taken for a namespace: the error then says how to write it.
     */
    private static String flowMappingHint(RuntimeException e) {
        return e.getMessage() != null && e.getMessage().contains("No namespace resolver found")
                ? " (a YAML flow mapping such as {limits: {cpu: 1}} is read by Qute as an expression: write it in block style, or escape its braces as \\{)"
                : "";
    }

    private static Container render(Template template, String file, Map<String, Object> data) {
        Container container;
        var unknown = new ArrayList<String>();
        var tree = renderTree(template, file, data);
        if (tree == null || !tree.isObject()) {
            throw new TemplateException("template " + file + " does not render a YAML mapping");
        }
        var where = TemplateContainerCheck.where(file, tree);
        try {
            container = PodBinderBase.fromTree(tree, PodBinder::container, Container.class, "container", unknown);
        } catch (JsonProcessingException e) {
            throw TemplateContainerCheck.binding(where, e, tree);
        }
        if (!unknown.isEmpty()) {
            throw new TemplateException("template " + file + " renders fields a container does not have: " + String.join(", ", unknown));
        }
        TemplateContainerCheck.check(where, container);
        return container;
    }

    /** Prints strings as double-quoted YAML scalars (JSON string syntax is valid YAML); numbers and booleans stay plain. */
    private static final class YamlScalars implements ResultMapper {
        @Override
        public boolean appliesTo(TemplateNode.Origin origin, Object result) {
            return result instanceof CharSequence && !(result instanceof RawString);
        }

        @Override
        public String map(Object result, Expression expression) {
            try {
                return JSON.writeValueAsString(result.toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
