package dev.sidecarinjector.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The log shipper's resources: a side the pod did not set is named by the setting it came from. */
class LogShipperValuesTest {

    private static final TemplateSettings.LogShipper DEFAULTS = TestSettings.defaults().templates().logShipper();

    private static String refused(Map<String, String> annotations) {
        return assertThrows(InvalidValueException.class, () -> LogShipperValues.read(annotations, DEFAULTS)).getMessage();
    }

    @Test
    void aRequestAboveTheConfiguredLimitNamesTheSetting() {
        assertEquals("sidecarinjector.dev/log-shipper-memory: \"1Gi\" is above the memory limit \"128Mi\" (injector.log-shipper.memory-limit)",
                refused(Map.of(Annotations.LOG_SHIPPER_MEMORY, "1Gi")));
        assertEquals("sidecarinjector.dev/log-shipper-memory-limit: \"16Mi\" is below the memory request \"32Mi\" (injector.log-shipper.memory-request)",
                refused(Map.of(Annotations.LOG_SHIPPER_MEMORY_LIMIT, "16Mi")));
        assertEquals("sidecarinjector.dev/log-shipper-cpu: \"2\" is above the cpu limit \"1\" (sidecarinjector.dev/log-shipper-cpu-limit)",
                refused(Map.of(Annotations.LOG_SHIPPER_CPU, "2", Annotations.LOG_SHIPPER_CPU_LIMIT, "1")));
    }
}
