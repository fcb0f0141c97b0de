package org.roster.store;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Reading a list a page at a time after the last row a client was given rather than by offset: a
 * page costs the same however deep it is, and a row that left the list (a record resolved, a grant
 * decided) or joined it while a client walks it does not shift the next page past a row the client
 * has not seen, or back over one it has.
 */
public final class Keyset {

    private Keyset() {
    }

    /**
     * Where a list in the order {@code (time [desc], id)} stopped: its last row's time and id, which a
     * cursor carries whole, so that the next page starts in the right place even when that row is gone
     * meanwhile (a staged hold dropped) or its time changed.
     */
    public record Position(Instant at, String id) {

        /** As a cursor carries it: the time (ISO-8601, no spaces), a space, the id. */
        public String encode() {
            return at + " " + id;
        }

        /**
         * @throws IllegalArgumentException for text that is not an encoded position (a cursor not
         *                                  given by the list)
         */
        public static Position parse(String text) {
            int space = text.indexOf(' ');
            if (space < 1 || space == text.length() - 1) {
                throw new IllegalArgumentException("not a position");
            }
            try {
                return new Position(Instant.parse(text.substring(0, space)), text.substring(space + 1));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("not a position", e);
            }
        }

        public Timestamp timestamp() {
            return Timestamp.from(at);
        }
    }

    /**
     * {@code and} the rows after a {@link Position} ({@code :afterAt}, {@code :afterId}) for a list
     * in the order {@code column [desc], id}.
     *
     * @param alias the table's alias in the query, or {@code ""}
     */
    public static String after(String alias, String column, boolean descending) {
        String a = alias.isEmpty() ? "" : alias + ".";
        return " and (" + a + column + (descending ? " < " : " > ") + ":afterAt or (" + a + column + " = :afterAt and "
            + a + "id > :afterId))";
    }
}
