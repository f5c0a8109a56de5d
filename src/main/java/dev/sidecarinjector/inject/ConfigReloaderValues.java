package dev.sidecarinjector.inject;

import io.fabric8.kubernetes.api.model.Volume;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The config-reloader template's values for one pod: which of the pod's volumes to watch and which URL of the app
 * to call when its files change. Both are required; the volume must be one of the pod's ConfigMap, Secret or
 * projected volumes, and the URL an http or https URL.
 */
record ConfigReloaderValues(String volume, String url, String image) {

    static final String CONTAINER = "config-reloader";
    static final String WATCH_DIR = "/etc/config-reloader";

    static ConfigReloaderValues read(Map<String, String> annotations, List<Volume> podVolumes, String defaultImage) {
        var volume = annotations.get(Annotations.CONFIG_RELOADER_VOLUME);
        if (volume == null) {
            throw required(annotations, Annotations.CONFIG_RELOADER_VOLUME, "the pod's ConfigMap volume to watch");
        }
        var found = podVolumes.stream().filter(v -> v != null && volume.strip().equals(v.getName())).findFirst().orElseThrow(() ->
                new InvalidValueException(Annotations.CONFIG_RELOADER_VOLUME, volume, "is not one of the pod's volumes (spec.volumes)"));
        if (found.getConfigMap() == null && found.getSecret() == null && found.getProjected() == null) {
            throw new InvalidValueException(Annotations.CONFIG_RELOADER_VOLUME, volume, "is not a ConfigMap, Secret or projected volume, whose files Kubernetes updates");
        }
        var url = annotations.get(Annotations.CONFIG_RELOADER_URL);
        if (url == null) {
            throw required(annotations, Annotations.CONFIG_RELOADER_URL, "the app's URL to call when the files change, such as http://localhost:8080/-/reload");
        }
        var image = PodOverrides.read(annotations, Annotations.CONFIG_RELOADER_IMAGE, v -> ImageReference.parse(Annotations.CONFIG_RELOADER_IMAGE, v)).orElse(defaultImage);
        return new ConfigReloaderValues(found.getName(), reloadUrl(url), image);
    }

    private static String reloadUrl(String value) {
        var text = value.strip();
        try {
            var uri = new URI(text);
            var scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null && !text.chars().anyMatch(Character::isWhitespace)) {
                return text;
            }
        } catch (URISyntaxException e) {
            // refused below, with the expected form
        }
        throw new InvalidValueException(Annotations.CONFIG_RELOADER_URL, value, "is not an http or https URL (expected e.g. http://localhost:8080/-/reload)");
    }

    private static InvalidValueException required(Map<String, String> annotations, String missing, String what) {
        return new InvalidValueException(Annotations.TEMPLATES, annotations.getOrDefault(Annotations.TEMPLATES, ""),
                "names config-reloader, which needs the annotation " + missing + ": " + what);
    }

    /** The variables {@code config-reloader.yaml} sees under {@code reloader}; docs/templates.md lists them. */
    Map<String, Object> data() {
        var data = new LinkedHashMap<String, Object>();
        data.put("name", CONTAINER);
        data.put("image", image);
        data.put("volume", volume);
        data.put("url", url);
        data.put("watchDir", WATCH_DIR);
        // configmap-reload takes "--flag=value" arguments, which a template cannot assemble from quoted scalars.
        data.put("volumeDirFlag", "--volume-dir=" + WATCH_DIR);
        data.put("webhookUrlFlag", "--webhook-url=" + url);
        return data;
    }
}
