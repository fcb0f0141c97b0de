package org.roster.api.rest;

import org.jspecify.annotations.Nullable;

/** Checked paging parameters: page from 0 (or the cursor a list gave as {@code next}), size 1 to 500. */
record Paging(int page, int size) {

    static final int MAX_SIZE = 500;

    static Paging of(int page, int size) {
        return of(page, size, null);
    }

    /** A {@code cursor} (a list's {@code next}) overrides {@code page}. */
    static Paging of(int page, int size, @Nullable String cursor) {
        if (cursor != null && !cursor.isBlank()) {
            if (!cursor.matches("p[0-9]{1,9}")) {
                throw new BadParameter("cursor", "'" + shown(cursor) + "' is not a cursor this list gave (its 'next')");
            }
            page = Integer.parseInt(cursor.substring(1));
        }
        if (page < 0) {
            throw new BadParameter("page", "must be 0 or more");
        }
        if (size < 1 || size > MAX_SIZE) {
            throw new BadParameter("size", "must be between 1 and " + MAX_SIZE);
        }
        return new Paging(page, size);
    }

    static String cursor(int page) {
        return "p" + page;
    }

    /** The longest key a cursor carries: the longest employee number and then some. */
    private static final int MAX_KEY = 256;

    /** The cursor of the page after the one that ended with this key, for a list read after a key. */
    static String keyCursor(String key) {
        return "k" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
            key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * The key a {@link #keyCursor} carries, or null for no cursor or a page's ({@code p3}, which
     * {@link #of} reads). Anything else is refused, naming {@code cursor}.
     */
    static @Nullable String key(@Nullable String cursor) {
        if (cursor == null || cursor.isBlank() || cursor.matches("p[0-9]{1,9}")) {
            return null;
        }
        if (cursor.startsWith("k") && cursor.length() <= 1 + (MAX_KEY * 4 + 2) / 3 && cursor.length() > 1) {
            try {
                byte[] key = java.util.Base64.getUrlDecoder().decode(cursor.substring(1));
                java.nio.charset.CharsetDecoder utf8 = java.nio.charset.StandardCharsets.UTF_8.newDecoder();
                return utf8.decode(java.nio.ByteBuffer.wrap(key)).toString();
            } catch (IllegalArgumentException | java.nio.charset.CharacterCodingException e) {
                // not one this list gave: refused below
            }
        }
        throw new BadParameter("cursor", "'" + shown(cursor) + "' is not a cursor this list gave (its 'next')");
    }

    /**
     * The position a key cursor's text carries, for a list in the order (time, id), or null for none.
     * Anything else is refused, naming {@code cursor}.
     */
    static org.roster.store.Keyset.@Nullable Position position(@Nullable String after) {
        if (after == null) {
            return null;
        }
        try {
            return org.roster.store.Keyset.Position.parse(after);
        } catch (IllegalArgumentException e) {
            throw new BadParameter("cursor", "not a cursor this list gave (its 'next')");
        }
    }

    /** The key a list in the order (time, id) gives for its page's last item. */
    static String position(java.time.Instant at, String id) {
        return new org.roster.store.Keyset.Position(at, id).encode();
    }

    /** How a list reads a page: after the item with this key, or (key null) from this offset. */
    @FunctionalInterface
    interface Reader<T> {
        java.util.List<T> read(@Nullable String after, int offset, int limit);
    }

    /**
     * A page of a list in a fixed order that reads after a key ({@code org.roster.store.Keyset}): after
     * the item its cursor names, or from the offset {@code page=} gives. Its {@code next} names the
     * page's last item; its total, where the list counts one, is counted when asked without a cursor.
     */
    static <T> Paged<T> keyed(int page, int size, @Nullable String cursor, Reader<T> reader,
                              java.util.function.Function<T, String> key, java.util.function.@Nullable LongSupplier total) {
        String after = key(cursor);
        Paging p = of(page, size, after == null ? cursor : null);
        Paged<T> read = Paged.after(reader.read(after, after == null ? p.offset() : 0, p.size()), p.size(),
            item -> keyCursor(key.apply(item)));
        return new Paged<>(read.items(), read.next(), after == null && total != null ? total.getAsLong() : null);
    }

    private static String shown(String cursor) {
        return cursor.length() > 40 ? cursor.substring(0, 40) + "..." : cursor;
    }

    /**
     * The rows before this page. A page past any list's end (page × size beyond what an {@code int}
     * holds) reads from the largest offset the store takes, and finds nothing, rather than a product
     * that wrapped round to a negative number.
     */
    int offset() {
        return (int) Math.min((long) page * size, Integer.MAX_VALUE);
    }
}
