package org.roster.api.rest;

/** Checked paging parameters: page from 0, size 1 to 500. */
record Paging(int page, int size) {

    static final int MAX_SIZE = 500;

    static Paging of(int page, int size) {
        if (page < 0) {
            throw new BadParameter("page", "must be 0 or more");
        }
        if (size < 1 || size > MAX_SIZE) {
            throw new BadParameter("size", "must be between 1 and " + MAX_SIZE);
        }
        return new Paging(page, size);
    }

    int offset() {
        return page * size;
    }
}
