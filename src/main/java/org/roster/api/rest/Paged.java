package org.roster.api.rest;

import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The one shape of every REST list: the items, and {@code next}, the cursor of the page after this
 * one ({@code null} on the last), which the same list takes back as {@code cursor=}. {@code total}
 * is given where counting is cheap.
 */
public record Paged<T>(List<T> items, @Nullable String next, @Nullable Long total) {

    /** A page of a list read by offset, with its total. */
    static <T> Paged<T> of(List<T> items, Paging p, long total) {
        return new Paged<>(items, (long) p.offset() + items.size() < total ? Paging.cursor(p.page() + 1) : null, total);
    }

    /** A page of a list read after a key (a sequence number, an id): the next starts after the last item's. */
    static <T> Paged<T> after(List<T> items, int limit, Function<T, String> key) {
        return new Paged<>(items, items.size() < limit || items.isEmpty() ? null : key.apply(items.get(items.size() - 1)),
            null);
    }
}
