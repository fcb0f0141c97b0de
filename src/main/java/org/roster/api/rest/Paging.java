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
                throw new BadParameter("cursor", "'" + cursor + "' is not a cursor this list gave (its 'next')");
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

    int offset() {
        return page * size;
    }
}
