package dev.sidecarinjector.inject;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sidecarinjector.inject.TemplateOutput.Placed;
import dev.sidecarinjector.inject.TemplateOutput.Slot;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Applies the chosen templates, in order, to the pod: renders each, merges the pod's own declarations of injected
 * containers over the rendered ones (override by name), mounts the templates' shared volumes into the pod's
 * containers, and puts every container in its slot; with the sidecar, the app's probes go to the proxy's status port
 * ({@link AppProbeRewrite}). Then the annotations that describe the injection and, with the sidecar, Istio's workload
 * labels. The result is the parts of the pod the injection may change, each whole; the admitted pod and the render
 * cache's containers are never changed (what the injection gives a container is kept beside it, {@link ContainerEdits}),
 * and the rest of the pod is never copied.
 * Everything is checked before anything is applied. Pure.
 */
final class PodAssembly {

    /** A container the pod declares, where ({@code spec.containers[1]}), and what the injection changes in it. */
    record Own(Container container, String field, ContainerEdits edits) {

        Own(Container container, String field) {
            this(container, field, new ContainerEdits(container));
        }
    }

    /**
     * The injected pod's annotations, labels, init containers, containers and volumes (the rest is the admitted
     * pod's), the names of the containers and volumes the templates put in it, and the warnings about its probes.
     * The containers are the pod's own and the rendered ones as they are, shared; what the injection changes in them
     * is in {@code edits}, by container (identity). {@code json} has the JSON of the rendered containers the render
     * cache keeps, by container (identity).
     */
    record Rendered(Map<String, String> annotations, Map<String, String> labels, List<Container> initContainers, List<Container> containers,
                    List<Volume> volumes, List<String> injected, List<String> injectedVolumes, List<InjectionWarning> warnings,
                    Map<Container, ContainerEdits> edits, Map<Container, JsonNode> json, List<String> autoImageFields) {

        /** The whole injected pod: the admitted pod with these parts (kube-inject's output is the patch applied instead). */
        Pod pod(Pod original) {
            return new PodBuilder(original)
                    .editOrNewMetadata().withAnnotations(annotations.isEmpty() ? null : annotations).withLabels(labels.isEmpty() ? null : labels).endMetadata()
                    .editSpec().withInitContainers(applied(initContainers)).withContainers(applied(containers)).withVolumes(volumes).endSpec()
                    .build();
        }

        /** The containers the templates put in the pod, init containers first; not the pod's own (a pod's container may have no name). */
        List<Container> injectedContainers() {
            return Stream.concat(initContainers.stream(), containers.stream())
                    .filter(container -> container.getName() != null && injected.contains(container.getName())).toList();
        }

        private List<Container> applied(List<Container> list) {
            return list.stream().map(container -> edits.containsKey(container) ? edits.get(container).applied() : container).toList();
        }
    }

    private PodAssembly() {
    }

    static Rendered render(Pod pod, InjectionDecision.Inject decision, InjectionSettings settings, SidecarTemplates templates, AdmissionFacts facts) {
        checkHasContainers(pod);
        checkAnnotationsSize(PodFields.annotations(pod));
        var podSpec = pod.getSpec();
        var containers = own(podSpec.getContainers(), "spec.containers");
        var initContainers = own(podSpec.getInitContainers(), "spec.initContainers");
        var volumes = new ArrayList<>(nonNull(podSpec.getVolumes()));
        for (var i = 0; i < volumes.size(); i++) {
            if (volumes.get(i) == null) {
                throw new InvalidValueException("spec.volumes[" + i + "]", "null", "is not a volume");
            }
        }
        var annotations = PodFields.annotations(pod);
        checkKnown(decision.templates(), templates, annotations);

        var declared = declared(initContainers, containers);
        var placement = PodOverrides.placement(annotations, settings);
        var outputs = new ArrayList<TemplateOutput>();
        Optional<SidecarSpec> sidecar = Optional.empty();
        for (var name : decision.templates()) {
            if (name.equals(TemplateNames.SIDECAR)) {
                var spec = PodOverrides.read(annotations, settings);
                var proxy = declared.get(SidecarRenderer.PROXY_NAME);
                if (proxy != null) {
                    spec = SidecarRenderer.withDeclaredIdentity(spec, proxy.container(), proxy.field());
                }
                sidecar = Optional.of(spec);
                outputs.add(SidecarRenderer.output(spec, settings, templates));
            } else {
                var values = TemplateValues.of(name, pod, facts.namespace(), settings);
                outputs.add(TemplateOutput.of(name, templates.renderFragment(name, values.data()), placement, values.mountSources()));
            }
        }
        var injected = injectedByName(outputs);
        checkVolumes(volumes, outputs);
        if (!facts.sample()) {
            checkMountedVolumes(volumes, outputs);
        }
        checkAutoImages(declared, injected, decision.templates());

        // Override by name: the pod's declaration of an injected container is merged over it and leaves its own list.
        var overrides = declared.keySet().stream().filter(injected::containsKey).sorted().toList();
        containers.removeIf(own -> injected.containsKey(own.container().getName()));
        initContainers.removeIf(own -> injected.containsKey(own.container().getName()));
        if (containers.isEmpty()) {
            throw new InvalidValueException("spec.containers", "[" + String.join(", ", overrides) + "]",
                    "has no container of its own: the names are injected containers', whose fields it overrides, and the pod needs one more");
        }
        var slots = new EnumMap<Slot, List<Container>>(Slot.class);
        var json = new IdentityHashMap<Container, JsonNode>();
        // The mounts the templates add to the pod's containers, with the template that adds each (by identity).
        var shared = new IdentityHashMap<VolumeMount, TemplateOutput>();
        for (var output : outputs) {
            for (var placed : output.containers()) {
                var container = placed.container();
                var own = declared.get(container.getName());
                if (own != null) {
                    container = ContainerOverride.merge(container, own.container(), own.field());
                    ResourceBounds.check(container, own.container(), own.field(), new InjectedResources(output.template(), annotations, settings));
                } else if (placed.json() != null) {
                    json.put(container, placed.json());
                }
                MountPaths.check(container, output.template(), own == null ? null : own.container(), own == null ? null : own.field(), output.mountSources());
                slots.computeIfAbsent(placed.slot(), slot -> new ArrayList<>()).add(container);
            }
            for (var mount : output.appVolumeMounts()) {
                containers.forEach(own -> mount(own, mount, output, shared));
                initContainers.forEach(own -> mount(own, mount, output, shared));
            }
        }

        var finalInit = new ArrayList<Container>();
        finalInit.addAll(slots.getOrDefault(Slot.LEADING_INIT, List.of()));
        finalInit.addAll(slots.getOrDefault(Slot.SIDECAR_INIT, List.of()));
        initContainers.forEach(own -> finalInit.add(own.container()));
        finalInit.addAll(slots.getOrDefault(Slot.TRAILING_INIT, List.of()));
        finalInit.addAll(slots.getOrDefault(Slot.NATIVE_SIDECAR, List.of()));
        var finalContainers = new ArrayList<>(slots.getOrDefault(Slot.LEADING, List.of()));
        containers.forEach(own -> finalContainers.add(own.container()));
        finalContainers.addAll(slots.getOrDefault(Slot.TRAILING, List.of()));
        var edits = new IdentityHashMap<Container, ContainerEdits>();
        var warnings = new ArrayList<InjectionWarning>();
        // Istio's status port 0 would aim the probes at port 0: they stay as written instead.
        if (sidecar.isPresent() && sidecar.get().rewriteAppProbes() && sidecar.get().statusPort() != StatusPort.NONE) {
            var appContainers = new ArrayList<>(initContainers);
            appContainers.addAll(containers);
            var proxy = Stream.concat(finalInit.stream(), finalContainers.stream())
                    .filter(container -> SidecarRenderer.PROXY_NAME.equals(container.getName())).findFirst()
                    .orElseThrow(() -> new TemplateException("the template sidecar-proxy.yaml renders no container named "
                            + SidecarRenderer.PROXY_NAME + ", which gets the app's probes"));
            var proxyEdits = new ContainerEdits(proxy);
            AppProbeRewrite.apply(appContainers, proxyEdits, Optional.ofNullable(declared.get(SidecarRenderer.PROXY_NAME)), sidecar.get().statusPort())
                    .forEach(warning -> warnings.add(new InjectionWarning(InjectionWarning.Kind.PROBE_NOT_MOVED, warning)));
            edits.put(proxy, proxyEdits);
        }
        var longRunning = outputs.stream().filter(output -> !output.template().equals(TemplateNames.SIDECAR))
                .flatMap(output -> output.containers().stream()).filter(placed -> placed.slot() == Slot.TRAILING)
                .map(placed -> placed.container().getName()).toList();
        JobCompletion.warning(podSpec.getRestartPolicy(), longRunning).ifPresent(warnings::add);
        Stream.concat(initContainers.stream(), containers.stream()).forEach(own -> edits.put(own.container(), own.edits()));
        edits.values().removeIf(ContainerEdits::isEmpty);
        var injectedVolumes = outputs.stream().flatMap(output -> output.volumes().stream()).toList();
        volumes.addAll(injectedVolumes);
        var volumeNames = injectedVolumes.stream().map(Volume::getName).toList();

        var status = InjectionStatus.of(decision.templates(), names(injected, true), names(injected, false), volumeNames, sidecar);
        var described = annotations(pod, status, containers.getFirst().container().getName(), sidecar.isPresent(), decision.templates(), settings);
        var metadata = pod.getMetadata() == null ? new ObjectMeta() : pod.getMetadata();
        var labels = sidecar.isPresent() ? WorkloadLabels.of(metadata, facts.workloadName()) : PodFields.labels(pod);
        var autoImageFields = overrides.stream().map(declared::get).filter(PodAssembly::keepsInjectedImage).map(Own::field).sorted().toList();
        return new Rendered(described, labels, finalInit, finalContainers, volumes, List.copyOf(injected.keySet()), volumeNames, warnings, edits, json,
                autoImageFields);
    }

    /** The pod's annotations with those that describe the injection. */
    private static Map<String, String> annotations(Pod pod, InjectionStatus status, String appContainer, boolean withSidecar, List<String> templates,
                                                   InjectionSettings settings) {
        var annotations = new LinkedHashMap<>(PodFields.annotations(pod));
        annotations.put(Annotations.STATUS, status.json());
        annotations.putIfAbsent(Annotations.DEFAULT_CONTAINER, appContainer);
        if (withSidecar && !annotations.containsKey(Annotations.PROMETHEUS_SCRAPE)) {
            annotations.put(Annotations.PROMETHEUS_SCRAPE, "true");
            annotations.put(Annotations.PROMETHEUS_PORT, Integer.toString(settings.ports().metrics()));
            annotations.put(Annotations.PROMETHEUS_PATH, "/stats/prometheus");
        }
        if (templates.contains(TemplateNames.VAULT_AGENT)) {
            // vault-k8s's own mark: a Vault Agent Injector installed beside this one then leaves the pod alone.
            annotations.put(VaultAnnotations.STATUS, "injected");
        }
        return annotations;
    }

    private static <T> List<T> nonNull(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static List<Own> own(List<Container> list, String field) {
        var own = new ArrayList<Own>();
        var items = nonNull(list);
        for (var i = 0; i < items.size(); i++) {
            if (items.get(i) == null) {
                throw new InvalidValueException(field + "[" + i + "]", "null", "is not a container");
            }
            own.add(new Own(items.get(i), field + "[" + i + "]"));
        }
        return own;
    }

    /**
     * The pod's containers by name, init containers first. A name given twice is refused, as the API server refuses
     * it (names are unique across both lists): merged, one of two declarations of an injected container would be lost.
     */
    private static Map<String, Own> declared(List<Own> initContainers, List<Own> containers) {
        var byName = new HashMap<String, Own>();
        Stream.concat(initContainers.stream(), containers.stream()).forEach(own -> {
            var earlier = byName.putIfAbsent(own.container().getName(), own);
            if (earlier != null && own.container().getName() != null) {
                throw new InvalidValueException(own.field() + ".name", own.container().getName(), "is the name of " + earlier.field()
                        + " too: the names of a pod's containers and init containers must be unique");
            }
        });
        return byName;
    }

    /**
     * Refuses a pod with no container of its own rather than skipping it: injected, the proxy would be its only
     * container, which Kubernetes' validation (run after mutating webhooks) then accepts. Istio's kube-inject
     * fails on a workload without a pod template too; Kubernetes itself requires at least one container.
     */
    private static void checkHasContainers(Pod pod) {
        var spec = pod.getSpec();
        if (spec == null || spec.getContainers() == null || spec.getContainers().isEmpty()) {
            throw new InvalidValueException("spec.containers", spec != null ? "[]" : "null",
                    "has no container: a pod needs at least one of its own, and the sidecar is not injected into a pod it would be alone in");
        }
    }

    /** The most the API server takes of a pod's annotations, keys and values together, in bytes (Kubernetes' TotalAnnotationSizeLimitB). */
    static final long MAX_ANNOTATIONS_BYTES = 256 * 1024;

    /**
     * Annotations over the API server's limit are refused before anything renders, naming the largest: the API server
     * would refuse the pod anyway, and the templates that carry an annotation (vault-agent's) would only be blamed for
     * rendering too much.
     */
    private static void checkAnnotationsSize(Map<String, String> annotations) {
        long chars = 0;
        for (var entry : annotations.entrySet()) {
            chars += length(entry.getKey()) + length(entry.getValue());
        }
        if (chars * 3 <= MAX_ANNOTATIONS_BYTES) {
            return; // UTF-8 takes at most 3 bytes per UTF-16 char: counting bytes (1.5 % of a review's CPU) cannot refuse these
        }
        long total = 0;
        Map.Entry<String, String> largest = null;
        for (var entry : annotations.entrySet()) {
            total += utf8Length(entry.getKey()) + utf8Length(entry.getValue());
            if (largest == null || entry.getValue().length() > largest.getValue().length()) {
                largest = entry;
            }
        }
        if (total > MAX_ANNOTATIONS_BYTES) {
            throw new InvalidValueException(largest.getKey(), largest.getValue(), "makes the pod's annotations " + total + " bytes, more than the "
                    + MAX_ANNOTATIONS_BYTES + " the API server takes");
        }
    }

    private static int length(String text) {
        return text == null ? 0 : text.length();
    }

    private static long utf8Length(String text) {
        if (text == null) {
            return 0;
        }
        long bytes = 0;
        for (var i = 0; i < text.length(); i++) {
            var c = text.charAt(i);
            bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
        }
        return bytes;
    }

    private static boolean keepsInjectedImage(Own own) {
        return ContainerOverride.AUTO_IMAGE.equals(own.container().getImage());
    }

    /**
     * A container the pod declares with {@code image: auto} (keep the injected image) under a name no applied template
     * injects could never run (there is no image "auto"): refused naming it, rather than left as an app container.
     */
    private static void checkAutoImages(Map<String, Own> declared, Map<String, Placed> injected, List<String> templates) {
        declared.values().stream().filter(PodAssembly::keepsInjectedImage).filter(own -> !injected.containsKey(own.container().getName()))
                .min(java.util.Comparator.comparing(Own::field)).ifPresent(own -> {
                    throw autoImageNeverRuns(own.field(), "the templates applied (" + String.join(", ", templates) + ") inject no container named "
                            + own.container().getName() + (injected.isEmpty() ? "" : " (they inject " + String.join(", ", injected.keySet()) + ")"));
                });
    }

    /** The refusal of a declaration with {@code image: auto} that nothing is merged into, saying {@code why}. */
    static InvalidValueException autoImageNeverRuns(String field, String why) {
        return new InvalidValueException(field + ".image", ContainerOverride.AUTO_IMAGE, "keeps the image of an injected container, but " + why
                + ", so this container could never run; give it an image, or remove it");
    }

    /** An unknown name is refused naming the annotation, its value and the templates in force. */
    private static void checkKnown(List<String> names, SidecarTemplates templates, Map<String, String> annotations) {
        var known = templates.names();
        for (var name : names) {
            if (!known.contains(name)) {
                throw new InvalidValueException(Annotations.TEMPLATES, annotations.getOrDefault(Annotations.TEMPLATES, String.join(",", names)),
                        "names the unknown template " + name + " (known: " + String.join(", ", known) + ")");
            }
        }
    }

    /** Every injected container by name, each name once: two templates rendering one name cannot be combined. */
    private static Map<String, Placed> injectedByName(List<TemplateOutput> outputs) {
        var byName = new LinkedHashMap<String, Placed>();
        var owner = new HashMap<String, String>();
        for (var output : outputs) {
            for (var placed : output.containers()) {
                var name = placed.container().getName();
                var earlier = owner.putIfAbsent(name, output.template());
                if (earlier != null) {
                    throw new TemplateException("templates " + earlier + " and " + output.template() + " both inject a container named " + name + ", so they cannot be applied together");
                }
                byName.put(name, placed);
            }
        }
        return byName;
    }

    private static List<String> names(Map<String, Placed> injected, boolean init) {
        return injected.values().stream().filter(placed -> placed.slot().init() == init).map(placed -> placed.container().getName()).toList();
    }

    /** An injected volume's name is the template's: the pod may not have one of its own, nor two templates the same. */
    private static void checkVolumes(List<Volume> volumes, List<TemplateOutput> outputs) {
        var owner = new HashMap<String, String>();
        for (var output : outputs) {
            for (var volume : output.volumes()) {
                var earlier = owner.putIfAbsent(volume.getName(), output.template());
                if (earlier != null) {
                    throw new TemplateException("templates " + earlier + " and " + output.template() + " both inject a volume named " + volume.getName() + ", so they cannot be applied together");
                }
            }
        }
        for (var i = 0; i < volumes.size(); i++) {
            var template = owner.get(volumes.get(i).getName());
            if (template != null) {
                throw new InvalidValueException("spec.volumes[" + i + "].name", volumes.get(i).getName(), "is reserved for the injected "
                        + (template.equals(TemplateNames.SIDECAR) ? "sidecar" : "template " + template));
            }
        }
    }

    /**
     * Every volume a template mounts, into its own containers or the pod's, is the pod's or one a template adds, as the
     * API server requires. Not checked for TemplateCheck's sample pod, whose volumes are not those of the pods a template
     * is written for (one may mount a volume its pods bring).
     */
    private static void checkMountedVolumes(List<Volume> volumes, List<TemplateOutput> outputs) {
        var names = new java.util.HashSet<String>();
        volumes.forEach(volume -> names.add(volume.getName()));
        outputs.forEach(output -> output.volumes().forEach(volume -> names.add(volume.getName())));
        for (var output : outputs) {
            for (var placed : output.containers()) {
                var container = placed.container();
                TemplateContainerCheck.mounts(TemplateContainerCheck.container(file(output, container), container.getName()), container, names);
            }
            TemplateContainerCheck.appMounts(file(output, null), output.appVolumeMounts(), names);
        }
    }

    /** The file a template's container comes from: the sidecar's are two files, the proxy's and the init container's. */
    private static String file(TemplateOutput output, Container container) {
        if (!output.template().equals(TemplateNames.SIDECAR)) {
            return output.template() + SidecarTemplates.SUFFIX;
        }
        return container != null && SidecarRenderer.INIT_NAME.equals(container.getName()) ? SidecarTemplates.INIT : SidecarTemplates.PROXY;
    }

    /**
     * Adds a template's shared volume to one of the pod's containers. A mount of that volume at that path already
     * there (the pod wired it itself) is kept as written; another volume at that path (compared normalised) is
     * refused, naming the pod's field, or when an earlier template put it there, the annotation or setting that
     * chose one of the two paths.
     */
    private static void mount(Own own, VolumeMount mount, TemplateOutput output, Map<VolumeMount, TemplateOutput> shared) {
        var mounts = new ArrayList<>(own.edits().volumeMounts());
        var path = MountPaths.normal(mount.getMountPath());
        for (var i = 0; i < mounts.size(); i++) {
            var existing = mounts.get(i);
            if (existing != null && path.equals(MountPaths.normal(existing.getMountPath()))) {
                if (mount.getName().equals(existing.getName())) {
                    return;
                }
                var earlier = shared.get(existing);
                if (earlier != null) {
                    throw clash(path, output, mount, earlier, existing);
                }
                throw new InvalidValueException(own.field() + ".volumeMounts[" + i + "].mountPath", existing.getMountPath(),
                        "is where the template " + output.template() + " mounts its volume " + mount.getName() + " into the pod's containers");
            }
        }
        var added = new VolumeMountBuilder(mount).build();
        shared.put(added, output);
        mounts.add(added);
        own.edits().set("volumeMounts", mounts);
    }

    /** Two templates mount their volumes at one path of the pod's containers: the path an annotation or a setting chose is named. */
    private static RuntimeException clash(String path, TemplateOutput output, VolumeMount mount, TemplateOutput earlier, VolumeMount existing) {
        var source = output.mountSources().get(path);
        if (source != null) {
            return new InvalidValueException(source.field(), source.value(), "is where the template " + earlier.template() + " mounts its volume "
                    + existing.getName() + " into the pod's containers, so " + output.template() + " cannot mount " + mount.getName() + " there");
        }
        source = earlier.mountSources().get(path);
        if (source != null) {
            return new InvalidValueException(source.field(), source.value(), "is where the template " + output.template() + " mounts its volume "
                    + mount.getName() + " into the pod's containers, so " + earlier.template() + " cannot mount " + existing.getName() + " there");
        }
        return new TemplateException("templates " + earlier.template() + " and " + output.template() + " both mount a volume at " + path
                + " into the pod's containers (" + existing.getName() + ", " + mount.getName() + "), so they cannot be applied together");
    }
}
