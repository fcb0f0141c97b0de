package org.roster.store;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Rows in the binary format of PostgreSQL's {@code COPY} (its documentation, "Binary Format"): a
 * header, then each row as its number of fields and each field as its length and its bytes in the
 * column type's own binary form. The server then parses no text: no number, no timestamp, no
 * escape. For an audit-shaped table of a million rows with its three indexes that was 4.2 against
 * 5.0 s of the server's time (docs/benchmarks.md).
 *
 * <p>Only what cannot be read differently is sent this way: columns of the types below, each value
 * of the Java type its column takes, and timestamps within the years 1 to 9999. Anything else (a
 * column of another type, a string for a number, a year the text form writes otherwise) makes the
 * whole call {@code null}, and the rows go as text, as before. A timestamp keeps exactly the
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

    /** The rows in {@code COPY}'s binary format, or null when they go as text. */
    static java.io.@Nullable InputStream rows(Connection c, String table, String columns, List<Object[]> rows) throws SQLException {
        Kind[] kinds = kinds(c, table, columns);
        if (kinds == TEXT_ONLY) {
            return null;
        }
        Out out = new Out((int) Math.min(1L << 24, 64L * rows.size() * kinds.length));
        out.bytes(SIGNATURE);
        out.int32(0); // flags: no OIDs
        out.int32(0); // no header extension
        for (Object[] row : rows) {
            if (row.length != kinds.length) {
                return null; // the text form refuses it as it always did
            }
            out.int16(row.length);
            for (int i = 0; i < row.length; i++) {
                if (!field(out, kinds[i], row[i])) {
                    return null;
                }
            }
        }
        out.int16(-1);
        return out.result();
    }

    /** Writes one field; false when the value is not one its column's binary form takes as the text form would. */
    private static boolean field(Out out, Kind kind, @Nullable Object value) {
        if (value == null) {
            out.int32(-1);
            return true;
        }
        switch (kind) {
            case INT8 -> {
                if (!(value instanceof Long) && !(value instanceof Integer)) {
                    return false;
                }
                out.int32(8);
                out.int64(((Number) value).longValue());
            }
            case INT4, INT2 -> {
                if (!(value instanceof Long) && !(value instanceof Integer)) {
                    return false;
                }
                long v = ((Number) value).longValue();
                if (kind == Kind.INT4 ? v != (int) v : v != (short) v) {
                    return false; // out of the column's range: the server says so, from the text
                }
                if (kind == Kind.INT4) {
                    out.int32(4);
                    out.int32((int) v);
                } else {
                    out.int32(2);
                    out.int16((int) v);
                }
            }
            case BOOL -> {
                if (!(value instanceof Boolean b)) {
                    return false;
                }
                out.int32(1);
                out.int8(b ? 1 : 0);
            }
            case TEXT -> {
                String text;
                if (value instanceof String s) {
                    text = s;
                } else if (value instanceof Long || value instanceof Integer || value instanceof Boolean
                    || value instanceof Timestamp || value instanceof Instant) {
                    StringBuilder b = new StringBuilder();
                    BulkInsert.append(b, value); // what the text form stores: no escape in a number or a time
                    text = b.toString();
                } else {
                    return false;
                }
                byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
                out.int32(bytes.length);
                out.bytes(bytes);
            }
            case TIMESTAMP -> {
                Instant at = value instanceof Timestamp t ? t.toInstant() : value instanceof Instant i ? i : null;
                Long micros = at == null ? null : micros(at);
                if (micros == null) {
                    return false;
                }
                out.int32(8);
                out.int64(micros);
            }
            default -> throw new IllegalStateException("no binary form for " + kind);
        }
        return true;
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

    /** A growing big-endian buffer, unsynchronised. */
    private static final class Out {
        private byte[] buf;
        private int size;

        Out(int capacity) {
            buf = new byte[Math.max(256, capacity)];
        }

        private void room(int n) {
            if (size + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
            }
        }

        void int8(int v) {
            room(1);
            buf[size++] = (byte) v;
        }

        void int16(int v) {
            room(2);
            buf[size++] = (byte) (v >>> 8);
            buf[size++] = (byte) v;
        }

        void int32(int v) {
            room(4);
            for (int shift = 24; shift >= 0; shift -= 8) {
                buf[size++] = (byte) (v >>> shift);
            }
        }

        void int64(long v) {
            room(8);
            for (int shift = 56; shift >= 0; shift -= 8) {
                buf[size++] = (byte) (v >>> shift);
            }
        }

        void bytes(byte[] b) {
            room(b.length);
            System.arraycopy(b, 0, buf, size, b.length);
            size += b.length;
        }

        java.io.InputStream result() {
            return new java.io.ByteArrayInputStream(buf, 0, size);
        }
    }
}
