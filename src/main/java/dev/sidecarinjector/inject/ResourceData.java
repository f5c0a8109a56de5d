package dev.sidecarinjector.inject;

import java.util.LinkedHashMap;
import java.util.Map;

/** The resource variables every template sees for its container: each quantity as written, empty when unset, and what is set. */
final class ResourceData {

    private ResourceData() {
    }

    static Map<String, Object> of(ProxyResources resources) {
        var data = new LinkedHashMap<String, Object>();
        data.put("cpuRequest", resources.cpuRequest().map(ResourceQuantity::text).orElse(""));
        data.put("memoryRequest", resources.memoryRequest().map(ResourceQuantity::text).orElse(""));
        data.put("cpuLimit", resources.cpuLimit().map(ResourceQuantity::text).orElse(""));
        data.put("memoryLimit", resources.memoryLimit().map(ResourceQuantity::text).orElse(""));
        var hasRequests = resources.cpuRequest().isPresent() || resources.memoryRequest().isPresent();
        var hasLimits = resources.cpuLimit().isPresent() || resources.memoryLimit().isPresent();
        data.put("hasRequests", hasRequests);
        data.put("hasLimits", hasLimits);
        data.put("hasResources", hasRequests || hasLimits);
        return data;
    }
}
