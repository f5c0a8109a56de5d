package dev.sidecarinjector.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fabric8.kubernetes.api.model.ExecActionBuilder;
import io.fabric8.kubernetes.api.model.HTTPGetActionBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class AppProbeRewriteTest {

    /** What {@link AppProbeRewrite#onStatusPort} copies or replaces: a model with another field fails here first. */
    @Test
    void theProbeModelHasTheFieldsTheRewriteKnows() {
        Set<String> setters = Arrays.stream(Probe.class.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()) && m.getName().startsWith("set") && m.getParameterCount() == 1)
                .map(Method::getName).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(Set.of("setExec", "setFailureThreshold", "setGrpc", "setHttpGet", "setInitialDelaySeconds",
                "setPeriodSeconds", "setSuccessThreshold", "setTcpSocket", "setTerminationGracePeriodSeconds", "setTimeoutSeconds",
                "setAdditionalProperties")), setters);
    }

    @Test
    void theCheckGoesToTheStatusPortWithEveryTimingAndUnknownFieldKept() {
        var original = new ProbeBuilder().withExec(new ExecActionBuilder().withCommand("true").build())
                .withFailureThreshold(3).withInitialDelaySeconds(5).withPeriodSeconds(7).withSuccessThreshold(1)
                .withTerminationGracePeriodSeconds(30L).withTimeoutSeconds(2).build();
        original.setAdditionalProperty("futureField", "kept");
        var before = new ProbeBuilder(original).build();

        var moved = AppProbeRewrite.onStatusPort(original, "/app-health/app/livez", 15020);

        var expected = new ProbeBuilder(original).withExec(null)
                .withHttpGet(new HTTPGetActionBuilder().withPath("/app-health/app/livez").withPort(new IntOrString(15020)).withScheme("HTTP").build())
                .build();
        assertEquals(expected, moved);
        assertEquals("kept", moved.getAdditionalProperties().get("futureField"));
        assertNull(moved.getExec());
        assertEquals(before, original, "the pod's own probe is not changed");
    }
}
