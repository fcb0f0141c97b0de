package org.roster.store;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Rows in the binary format of PostgreSQL's {@code COPY} (its documentation, "Binary Format"): a
 * header, then each row as its number of fields and each field as its length and its bytes in the
 * column type's own binary form. The server then parses no text: no number, no timestamp, no
 * escape. For an audit-shaped table of a million rows with its three indexes that was 4.2 against
 * 5.0 s of the server's time (docs/benchmarks.md).
 *
 * <p>Only what cannot be read differently is sent this way: columns of the types below, each value
 * of the Java type its column takes, and timestamps within the years 1 to 9999. Anything else (a
 * column of another type, a string for a number, a year the text form writes otherwise) has
 * {@link #copy} send nothing, and the rows go as text, as before. A timestamp keeps exactly the
 * microsecond PostgreSQL would have read from the text {@link BulkInsert#instant} writes.
 */
final class BinaryCopy {

    /** The column types sent in binary, by the name PostgreSQL gives them ({@code regtype}). */
    private enum Kind {
        INT8, INT4, INT2, BOOL, TEXT, TIMESTAMP;

        static @Nullable Kind of(String type) {
            return switch (type) {
                case "bigint" -> INT8;
                case "integer" -> INT4;
                case "smallint" -> INT2;
                case "boolean" -> BOOL;
                case "character varying", "text" -> TEXT;
                case "timestamp with time zone", "timestamp without time zone" -> TIMESTAMP;
                default -> null;
            };
        }
    }

    private static final byte[] SIGNATURE = "PGCOPY\n\377\r\n\0".getBytes(StandardCharsets.ISO_8859_1);
    /** PostgreSQL's epoch, 2000-01-01T00:00:00Z, in Unix seconds. */
    private static final long POSTGRES_EPOCH = 946_684_800L;
    /** A table's columns as a statement lists them: none when one of them is not sent in binary. */
    private static final Kind[] TEXT_ONLY = new Kind[0];
    /**
     * By store, table and column list: the code's own insert statements, a few dozen (and a few
     * more per database a test makes).
     */
    private static final Map<String, Kind[]> KINDS = new ConcurrentHashMap<>();

    private BinaryCopy() {
    }

    /**
     * Whether the rows go in binary: every listed column of a type above, and every value one its
     * column's binary form takes as the text form would.
     */
    static boolean fits(Connection c, String table, String columns, List<Object[]> rows) throws SQLException {
        Kind[] kinds = kinds(c, table, columns);
        return kinds != TEXT_ONLY && fits(kinds, rows);
    }

    /**
     * Sends the rows with {@code COPY ... (FORMAT binary)} in the connection's transaction; false,
     * with nothing sent, when they go as text ({@link #fits}). They are written a chunk at a time
     * into one buffer of at most {@value #CHUNK} bytes, each chunk sent as it fills, so that what a
     * copy holds in memory is bounded whatever the rows carry. Building a batch's rows as one array
     * (grown as it filled, then copied again by the driver) was some 11 KB allocated a worker in a
     * first import, a fifth of what its applying threads allocated (docs/benchmarks.md).
     */
    static boolean copy(Connection c, String table, String columns, List<Object[]> rows) throws SQLException {
        Kind[] kinds = kinds(c, table, columns);
        if (kinds == TEXT_ONLY || !fits(kinds, rows)) {
            return false;
        }
        CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI()
            .copyIn("COPY " + table + " (" + columns + ") FROM STDIN (FORMAT binary)");
        try {
            Out out = new Out(copy, (int) Math.min(CHUNK, 64L * rows.size() * kinds.length));
            out.bytes(SIGNATURE);
            out.int32(0); // flags: no OIDs
            out.int32(0); // no header extension
            for (Object[] row : rows) {
                out.int16(row.length);
                for (int i = 0; i < row.length; i++) {
                    field(out, kinds[i], row[i]);
                }
            }
            out.int16(-1);
            out.send();
            copy.endCopy();
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
        return true;
    }

    /** The most bytes a copy holds before it sends them. */
    static final int CHUNK = 64 * 1024;

    private static boolean fits(Kind[] kinds, List<Object[]> rows) {
        for (Object[] row : rows) {
            if (row.length != kinds.length) {
                return false; // the text form refuses it as it always did
            }
            for (int i = 0; i < row.length; i++) {
                if (!fits(kinds[i], row[i])) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Whether the value is one its column's binary form takes as the text form would. */
    private static boolean fits(Kind kind, @Nullable Object value) {
        if (value == null) {
            return true;
        }
        return switch (kind) {
            case INT8 -> value instanceof Long || value instanceof Integer;
            // out of the column's range: the server says so, from the text
            case INT4 -> (value instanceof Long || value instanceof Integer)
                && ((Number) value).longValue() == ((Number) value).intValue();
            case INT2 -> (value instanceof Long || value instanceof Integer)
                && ((Number) value).longValue() == ((Number) value).shortValue();
            case BOOL -> value instanceof Boolean;
            case TEXT -> value instanceof String || value instanceof Long || value instanceof Integer || value instanceof Boolean
                || value instanceof Timestamp || value instanceof Instant;
            case TIMESTAMP -> micros(value) != null;
        };
    }

    /** Writes one field, which {@link #fits}. */
    private static void field(Out out, Kind kind, @Nullable Object value) throws SQLException {
        if (value == null) {
            out.int32(-1);
            return;
        }
        switch (kind) {
            case INT8 -> {
                out.int32(8);
                out.int64(((Number) value).longValue());
            }
            case INT4 -> {
                out.int32(4);
                out.int32(((Number) value).intValue());
            }
            case INT2 -> {
                out.int32(2);
                out.int16(((Number) value).intValue());
            }
            case BOOL -> {
                out.int32(1);
                out.int8((Boolean) value ? 1 : 0);
            }
            case TEXT -> {
                if (value instanceof String s) {
                    out.text(s);
                } else {
                    StringBuilder b = new StringBuilder();
                    BulkInsert.append(b, value); // what the text form stores: no escape in a number or a time
                    out.text(b.toString());
                }
            }
            case TIMESTAMP -> {
                out.int32(8);
                out.int64(java.util.Objects.requireNonNull(micros(value)));
            }
            default -> throw new IllegalStateException("no binary form for " + kind);
        }
    }

    /** {@link #micros(Instant)} of a {@link Timestamp} or an {@link Instant}; null for anything else. */
    private static @Nullable Long micros(Object value) {
        Instant at = value instanceof Timestamp t ? t.toInstant() : value instanceof Instant i ? i : null;
        return at == null ? null : micros(at);
    }

    /**
     * Microseconds since 2000-01-01 UTC, as PostgreSQL reads the text {@link BulkInsert#instant}
     * writes: the fraction of its second parsed as a double and rounded to a microsecond
     * ({@code rint(strtod(fraction) * 1000000)}, PostgreSQL's {@code ParseFractionalSecond}).
     * Exact for milliseconds and microseconds; a fraction in nanoseconds is read the server's way.
     * Null outside the years 1 to 9999, which the text form writes otherwise.
     */
    static @Nullable Long micros(Instant at) {
        if (at.getEpochSecond() < BulkInsert.FIRST_SECOND || at.getEpochSecond() > BulkInsert.LAST_SECOND) {
            return null;
        }
        int nano = at.getNano();
        long fraction;
        if (nano % 1000 == 0) {
            fraction = nano / 1000;
        } else {
            // nano / 1e9 is the double nearest nano * 10^-9 (a quotient of two exact doubles, rounded once),
            // which is what strtod reads from its nine digits: the same double, without building a string
            fraction = (long) Math.rint(nano / 1e9 * 1_000_000);
        }
        return (at.getEpochSecond() - POSTGRES_EPOCH) * 1_000_000L + fraction;
    }

    /** The kind of each listed column, or {@link #TEXT_ONLY}; read once from the catalogue per store, table and list. */
    private static Kind[] kinds(Connection c, String table, String columns) throws SQLException {
        String key = c.getMetaData().getURL() + '|' + table + '|' + columns;
        Kind[] known = KINDS.get(key);
        if (known != null) {
            return known;
        }
        Map<String, String> types = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement("select a.attname, a.atttypid::regtype::text from pg_catalog.pg_attribute a"
            + " where a.attrelid = ?::regclass and a.attnum > 0 and not a.attisdropped")) {
            s.setString(1, table);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    types.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        String[] names = columns.split(",");
        Kind[] kinds = new Kind[names.length];
        for (int i = 0; i < names.length; i++) {
            String type = types.get(names[i].trim());
            kinds[i] = type == null ? null : Kind.of(type);
            if (kinds[i] == null) {
                kinds = TEXT_ONLY;
                break;
            }
        }
        KINDS.put(key, kinds);
        return kinds;
    }

    /** A big-endian buffer that sends what it holds to the copy when it is full; unsynchronised. */
    private static final class Out {
        private final CopyIn copy;
        private final byte[] buf;
        private int size;

        Out(CopyIn copy, int capacity) {
            this.copy = copy;
            this.buf = new byte[Math.max(256, capacity)];
        }

        /** Makes room for {@code n} more bytes (at most the buffer's size), sending what it holds if need be. */
        private void room(int n) throws SQLException {
            if (size + n > buf.length) {
                send();
            }
        }

        void send() throws SQLException {
            if (size > 0) {
                copy.writeToCopy(buf, 0, size);
                size = 0;
            }
        }

        void int8(int v) throws SQLException {
            room(1);
            buf[size++] = (byte) v;
        }

        void int16(int v) throws SQLException {
            room(2);
            buf[size++] = (byte) (v >>> 8);
            buf[size++] = (byte) v;
        }

        void int32(int v) throws SQLException {
            room(4);
            put32(size, v);
            size += 4;
        }

        private void put32(int at, int v) {
            for (int shift = 24; shift >= 0; shift -= 8) {
                buf[at++] = (byte) (v >>> shift);
            }
        }

        void int64(long v) throws SQLException {
            room(8);
            for (int shift = 56; shift >= 0; shift -= 8) {
                buf[size++] = (byte) (v >>> shift);
            }
        }

        void bytes(byte[] b) throws SQLException {
            if (size + b.length > buf.length) {
                send();
                if (b.length > buf.length) {
                    copy.writeToCopy(b, 0, b.length);
                    return;
                }
            }
            System.arraycopy(b, 0, buf, size, b.length);
            size += b.length;
        }

        /** A text field: its length, then its UTF-8 (half a surrogate pair as {@code ?}, as {@code getBytes} writes it). */
        void text(String s) throws SQLException {
            // getBytes's own copy: a scan and a copy the JIT compiles to vector instructions, faster than
            // a loop that writes each character into the buffer (0.8 against 1.2 ns a character here)
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            int32(bytes.length);
            bytes(bytes);
        }
    }
}
