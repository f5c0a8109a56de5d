package dev.sidecarinjector.inject;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializable;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A JSON Patch (RFC 6902) as {@link PodPatch} builds it: each operation kept as its name, path and value, and written
 * as JSON straight from them, the names ({@code op}, {@code path}, {@code value}, {@code add}, ...) as JSON text made
 * once. An operation as a JSON object would be a map with three entries made for each operation only to be walked
 * again when the patch is written. {@link #tree()} gives the operations as a JSON tree, to apply them.
 */
public final class PatchOps extends JsonSerializable.Base {

    /** The operations the injection uses. */
    enum Op {
        ADD("add"), REPLACE("replace"), REMOVE("remove");

        private final String name;
        private final SerializedString text;

        Op(String name) {
            this.name = name;
            this.text = new SerializedString(name);
        }
    }

    /** One operation; {@code value} is null for a remove. */
    private record Operation(Op op, String path, JsonNode value) {
    }

    private static final SerializedString OP = new SerializedString("op");
    private static final SerializedString PATH = new SerializedString("path");
    private static final SerializedString VALUE = new SerializedString("value");

    private final List<Operation> operations = new ArrayList<>();

    PatchOps() {
    }

    /** Appends one operation; {@code value} is null for a remove. */
    void op(Op op, String path, JsonNode value) {
        operations.add(new Operation(op, path, value));
    }

    void add(String path, JsonNode value) {
        op(Op.ADD, path, value);
    }

    void remove(String path) {
        op(Op.REMOVE, path, null);
    }

    public boolean isEmpty() {
        return operations.isEmpty();
    }

    public int size() {
        return operations.size();
    }

    /**
     * The operations as a JSON array of objects. The values are the patch's own nodes, some of them the render cache's
     * (immutable, shared between pods): copy the tree before applying it to a document that is changed further.
     */
    public ArrayNode tree() {
        var tree = JsonNodeFactory.instance.arrayNode(operations.size());
        for (var operation : operations) {
            var object = tree.addObject().put("op", operation.op().name).put("path", operation.path());
            if (operation.value() != null) {
                object.set("value", operation.value());
            }
        }
        return tree;
    }

    @Override
    public void serialize(JsonGenerator generator, SerializerProvider provider) throws IOException {
        generator.writeStartArray(this, operations.size());
        for (var operation : operations) {
            generator.writeStartObject();
            generator.writeFieldName(OP);
            generator.writeString(operation.op().text);
            generator.writeFieldName(PATH);
            generator.writeString(operation.path());
            if (operation.value() != null) {
                generator.writeFieldName(VALUE);
                operation.value().serialize(generator, provider);
            }
            generator.writeEndObject();
        }
        generator.writeEndArray();
    }

    @Override
    public void serializeWithType(JsonGenerator generator, SerializerProvider provider, TypeSerializer type) throws IOException {
        serialize(generator, provider);
    }

    @Override
    public boolean isEmpty(SerializerProvider provider) {
        return operations.isEmpty();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PatchOps that && operations.equals(that.operations);
    }

    @Override
    public int hashCode() {
        return operations.hashCode();
    }

    /** The patch's JSON. */
    @Override
    public String toString() {
        return tree().toString();
    }
}
