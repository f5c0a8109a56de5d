package dev.sidecarinjector.api.snapshot;

import dev.sidecarinjector.api.json.JsonObject;
import dev.sidecarinjector.api.json.JsonWriter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** VirtualService {@code HeaderOperations}: set (replace), add (append) and remove, by lower-case name. */
public record HeaderEdit(Map<String, String> set, Map<String, String> add, List<String> remove) implements JsonWriter.Writable {

    public static final HeaderEdit NONE = new HeaderEdit(Map.of(), Map.of(), List.of());

    public HeaderEdit {
        set = Map.copyOf(set);
        add = Map.copyOf(add);
        remove = List.copyOf(remove);
    }

    public static HeaderEdit read(JsonObject json) {
        return new HeaderEdit(json.stringMap("set"), json.stringMap("add"), json.strings("remove"));
    }

    public boolean isEmpty() {
        return set.isEmpty() && add.isEmpty() && remove.isEmpty();
    }

    @Override
    public void writeTo(JsonWriter json) {
        json.beginObject().field("set", new TreeMap<>(set)).field("add", new TreeMap<>(add)).field("remove", remove).endObject();
    }
}
