package dev.sidecarinjector.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class DirectBindingTest {

    private static final ObjectMapper REFLECTION = new ObjectMapper();
    private static final ObjectMapper DIRECT = JsonMapper.builder().addModule(new DirectBinding()).build();

    /** Every pod of the webhook's golden inputs, and the benchmark's: bound directly they equal what reflection binds. */
    @Test
    void bindsEveryGoldenPodAsReflectionDoes() throws IOException {
        var pods = Golden.pods();
        assertTrue(pods.size() > 90, "golden pods found: " + pods.size());
        for (var pod : pods) {
            var text = pod.toString();
            var expected = REFLECTION.readValue(text, Pod.class);
            var bound = DIRECT.readValue(text, Pod.class);
            assertEquals(expected, bound, text);
            assertEquals(REFLECTION.valueToTree(expected), REFLECTION.valueToTree(bound), text);
        }
    }

    @Test
    void aMismatchedValueIsJacksonsErrorWithItsPath() {
        var text = "{\"metadata\":{\"name\":\"web\"},\"spec\":{\"containers\":[{\"name\":\"a\",\"ports\":\"8080\"}]}}";
        var expected = assertThrows(JsonMappingException.class, () -> REFLECTION.readValue(text, Pod.class));
        var thrown = assertThrows(JsonMappingException.class, () -> DIRECT.readValue(text, Pod.class));
        assertEquals(expected.getOriginalMessage(), thrown.getOriginalMessage());
        assertEquals(BindingError.fieldPath(expected), BindingError.fieldPath(thrown));
        assertEquals(".spec.containers[0].ports", BindingError.fieldPath(thrown));
    }

    @Test
    void nullsAreSetAsNulls() throws IOException {
        var pod = DIRECT.readValue("{\"metadata\":{\"name\":null,\"labels\":null},\"spec\":null}", Pod.class);
        assertNull(pod.getMetadata().getName());
        assertNull(pod.getMetadata().getLabels());
        assertNull(pod.getSpec());
    }

    public static class Strict {
        private String name;
        private List<String> items;

        public void setName(String name) {
            if (name.isBlank()) {
                throw new IllegalStateException("blank");
            }
            this.name = name;
        }

        public String getName() {
            return name;
        }

        public void setItems(List<String> items) {
            this.items = items;
        }

        public List<String> getItems() {
            return items;
        }
    }

    /** A setter that throws: Jackson's error naming the property, as when it calls the setter itself. */
    @Test
    void aSetterThatThrowsIsAnErrorNamingTheProperty() throws IOException {
        var thrown = assertThrows(JsonMappingException.class, () -> DIRECT.readValue("{\"name\":\" \"}", Strict.class));
        assertEquals("name", thrown.getPath().getFirst().getFieldName());
        assertInstanceOf(IllegalStateException.class, thrown.getCause());
        var bound = DIRECT.readValue("{\"name\":\"a\",\"items\":[\"x\",\"y\"]}", Strict.class);
        assertEquals("a", bound.getName());
        assertEquals(List.of("x", "y"), bound.getItems());
    }

    public static class Traced {
        private boolean reflected;
        private final boolean constructedByReflection = reflectionOnStack();

        public void setName(String name) {
            reflected = reflectionOnStack();
        }

        static boolean reflectionOnStack() {
            // Between this frame and Jackson's: the test runner below calls the test itself by reflection.
            return StackWalker.getInstance(StackWalker.Option.SHOW_REFLECT_FRAMES).walk(frames -> frames
                    .takeWhile(frame -> !frame.getClassName().startsWith("com.fasterxml.jackson."))
                    .anyMatch(frame -> frame.getClassName().startsWith("java.lang.reflect.") || frame.getClassName().startsWith("jdk.internal.reflect.")));
        }
    }

    /** What the module is for: the constructor and the setter are called with no reflection on the stack. */
    @Test
    void theConstructorAndSetterAreCalledWithoutReflection() throws IOException {
        var direct = DIRECT.readValue("{\"name\":\"a\"}", Traced.class);
        assertTrue(!direct.reflected && !direct.constructedByReflection, "reflection on the stack: setter " + direct.reflected + ", constructor " + direct.constructedByReflection);
        var reflected = REFLECTION.readValue("{\"name\":\"a\"}", Traced.class);
        assertTrue(reflected.reflected && reflected.constructedByReflection, "the check sees reflection when it is there");
    }

    static class Hidden {
        private String name;

        public void setName(String name) {
            this.name = name;
        }
    }

    /** A class the generated callers may not reach is left to reflection, and still binds. */
    @Test
    void aClassThatIsNotPublicIsLeftToReflection() throws IOException {
        assertEquals("a", DIRECT.readValue("{\"name\":\"a\"}", Hidden.class).name);
    }
}
