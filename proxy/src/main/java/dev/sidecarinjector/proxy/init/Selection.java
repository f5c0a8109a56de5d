package dev.sidecarinjector.proxy.init;

import java.util.List;

/** What an include flag selects: everything ({@code *}), nothing (empty string) or a list. */
public record Selection<T>(boolean all, List<T> items) {
    public Selection {
        items = List.copyOf(items);
    }

    public static <T> Selection<T> everything() {
        return new Selection<>(true, List.of());
    }

    public static <T> Selection<T> only(List<T> items) {
        return new Selection<>(false, items);
    }

    public boolean none() {
        return !all && items.isEmpty();
    }
}
