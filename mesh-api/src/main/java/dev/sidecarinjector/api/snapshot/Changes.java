package dev.sidecarinjector.api.snapshot;

import dev.sidecarinjector.api.json.JsonObject;
import dev.sidecarinjector.api.json.JsonWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The changes of one kind of resource from one snapshot to the next, as a {@link SnapshotDelta} carries them:
 * {@code set} the resources added or replaced, whole; {@code remove} the names of those that are gone.
 */
public record Changes<T>(List<T> set, List<String> remove) implements JsonWriter.Writable {

    private static final Changes<?> NONE = new Changes<>(List.of(), List.of());

    public Changes {
        set = List.copyOf(set);
        remove = List.copyOf(remove);
    }

    @SuppressWarnings("unchecked")
    public static <T> Changes<T> none() {
        return (Changes<T>) NONE;
    }

    public boolean isEmpty() {
        return set.isEmpty() && remove.isEmpty();
    }

    /**
     * From the resources {@code from} to {@code to}, each by name: a resource of {@code to} is set when {@code from}
     * has none of its name or an unequal one (record equality); a name only {@code from} has is removed. Both lists
     * follow the maps' order.
     */
    public static <T> Changes<T> between(Map<String, T> from, Map<String, T> to) {
        var set = new ArrayList<T>();
        for (var entry : to.entrySet()) {
            var old = from.get(entry.getKey());
            if (old != entry.getValue() && (old == null || !old.equals(entry.getValue()))) {
                set.add(entry.getValue());
            }
        }
        var remove = new ArrayList<String>();
        for (var name : from.keySet()) {
            if (!to.containsKey(name)) {
                remove.add(name);
            }
        }
        return set.isEmpty() && remove.isEmpty() ? none() : new Changes<>(set, remove);
    }

    static <T> Changes<T> read(JsonObject json, Function<JsonObject, T> reader) {
        return new Changes<>(json.list("set", reader), json.strings("remove"));
    }

    @Override
    public void writeTo(JsonWriter json) {
        json.beginObject().field("set", set).field("remove", remove).endObject();
    }
}
