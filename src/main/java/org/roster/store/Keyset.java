package org.roster.store;

/**
 * Reading a list a page at a time after the last row a client was given, named by its {@code id},
 * rather than by offset: a page costs the same however deep it is, and a row that left the list (a
 * record resolved, a grant decided) or joined it while a client walks it does not shift the next page
 * past a row the client has not seen, or back over one it has.
 */
public final class Keyset {

    private Keyset() {
    }

    /**
     * {@code and} the rows after the one whose id is {@code :after}, for a list in the order
     * {@code column [desc], id}. The row is looked up by id: one that is no longer there ends the list.
     *
     * @param table the list's table (its {@code id} the primary key), with its alias if the query has one
     */
    public static String after(String table, String column, boolean descending) {
        String alias = table.contains(" ") ? table.substring(table.lastIndexOf(' ') + 1) + "." : "";
        String bare = table.contains(" ") ? table.substring(0, table.indexOf(' ')) : table;
        String key = "(select k." + column + " from " + bare + " k where k.id = :after)";
        return " and (" + alias + column + (descending ? " < " : " > ") + key + " or (" + alias + column + " = " + key
            + " and " + alias + "id > :after))";
    }
}
