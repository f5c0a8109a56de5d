package dev.sidecarinjector.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.fabric8.kubernetes.api.model.Pod;
import org.junit.jupiter.api.Test;

/** A pod that does not bind is refused in the words of whoever wrote it: the field, the value, what it should be. */
class BindingErrorTest {

    private static String refusal(String spec) throws Exception {
        var json = "{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"spec\": " + spec + "}";
        var tree = ModelJson.MAPPER.readTree(json);
        var e = assertThrows(JsonProcessingException.class, () -> ModelJson.MAPPER.treeToValue(tree, Pod.class));
        return BindingError.fieldPath(e) + ": " + BindingError.problem(e, tree);
    }

    @Test
    void aValueOfTheWrongTypeIsNamedWithoutJavaTypes() throws Exception {
        assertEquals(".spec.containers: \"nope\" is not a list", refusal("{\"containers\": \"nope\"}"));
        assertEquals(".spec.containers[0]: 7 is not a mapping", refusal("{\"containers\": [7]}"));
        assertEquals(".spec.containers[0].args: {\"a\":1} is not a list", refusal("{\"containers\": [{\"name\": \"a\", \"args\": {\"a\": 1}}]}"));
        assertEquals(".spec.containers[0].ports[0].containerPort: \"http\" is not an integer",
                refusal("{\"containers\": [{\"name\": \"a\", \"ports\": [{\"containerPort\": \"http\"}]}]}"));
        assertEquals(".spec.hostNetwork: [] is not true or false", refusal("{\"hostNetwork\": [], \"containers\": []}"));
    }
}
