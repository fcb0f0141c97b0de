package org.roster.store;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcOperations;

/**
 * Rows added to one table in one go: PostgreSQL's {@code COPY ... FROM STDIN} there, a JDBC batch of
 * {@code INSERT}s on other stores.
 *
 * <p>On PostgreSQL (from {@value #COPY_FROM} rows) a multi-row {@code INSERT} of a batch is parsed,
 * planned and bound parameter by parameter at every execution (Roster's sessions plan each execution: {@code plan_cache_mode}); for
 * the append-only tables of an HR import that took as long as inserting the rows
 * (docs/benchmarks.md). {@code COPY} plans nothing. It sends the rows in PostgreSQL's binary format
 * when every value fits its column's ({@link BinaryCopy}: the server then parses no number or
 * timestamp), as text otherwise. Constraint
 * violations come back as the same exceptions an {@code INSERT} raises ({@code DuplicateKeyException}
 * for a duplicate key), translated by {@link JdbcOperations#execute(ConnectionCallback)}.
 *
 * <p>Values may be {@code null}, strings, numbers, booleans and timestamps; anything else is refused,
 * so that no value is written in a form the column would read differently.
 */
public final class BulkInsert {

    /**
     * Fewer rows go as an {@code INSERT}: a {@code COPY} costs about 280 µs a call whatever it
     * carries, twice a small insert's (a leaver's few audit records, a mover's operations, which a
     * read of the outbox in the same transaction writes one plan at a time; docs/benchmarks.md).
     */
    static final int COPY_FROM = 16;

    private BulkInsert() {
    }

    /**
     * Inserts {@code rows} into {@code table}, each row's values in the order of {@code columns}
     * (a comma-separated list of column names, as in an {@code INSERT}), in the transaction of
     * {@code jdbc}'s current connection, in the order given.
     */
    public static void insert(JdbcOperations jdbc, String table, String columns, List<Object[]> rows) {
        if (rows.isEmpty()) {
            return;
        }
        jdbc.execute((ConnectionCallback<Void>) c -> {
            if (rows.size() >= COPY_FROM && c.isWrapperFor(PGConnection.class)) {
                copy(c, table, columns, rows);
            } else {
                batch(jdbc, table, columns, rows);
            }
            return null;
        });
    }

    private static void copy(Connection c, String table, String columns, List<Object[]> rows) throws SQLException {
        if (BinaryCopy.copy(c, table, columns, rows)) {
            return;
        }
        try {
            c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + table + " (" + columns + ") FROM STDIN",
                new ByteArrayInputStream(text(rows).getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The rows in {@code COPY}'s text format: tab between values, a line each. */
    private static String text(List<Object[]> rows) {
        StringBuilder text = new StringBuilder(1024);
        for (int r = 0; r < rows.size(); r++) {
            Object[] row = rows.get(r);
            for (int i = 0; i < row.length; i++) {
                if (i > 0) {
                    text.append('\t');
                }
                append(text, row[i]);
            }
            text.append('\n');
            if (r == 0) { // sized after the first row, with a quarter to spare, rather than doubled as it grows
                text.ensureCapacity(text.length() * (rows.size() + rows.size() / 4));
            }
        }
        return text.toString();
    }

    private static void batch(JdbcOperations jdbc, String table, String columns, List<Object[]> rows) {
        int count = columns.split(",").length;
        String sql = "insert into " + table + " (" + columns + ") values ("
            + String.join(", ", Collections.nCopies(count, "?")) + ")";
        if (rows.size() == 1) {
            jdbc.update(sql, rows.get(0));
        } else {
            jdbc.batchUpdate(sql, rows);
        }
    }

    /**
     * One value in COPY's text format: {@code \N} for null, backslash escapes for the separators.
     * Numbers and timestamps are written straight into the buffer (a 500-row batch of audit records
     * formats thousands of each; through {@code toString} and {@code DateTimeFormatter} that was a
     * third of the import thread's time in COPY, docs/benchmarks.md).
     */
    static void append(StringBuilder text, @Nullable Object value) {
        if (value == null) {
            text.append("\\N");
        } else if (value instanceof String s) {
            escape(text, s);
        } else if (value instanceof Long l) {
            text.append(l.longValue());
        } else if (value instanceof Integer i) {
            text.append(i.intValue());
        } else if (value instanceof Boolean b) {
            text.append(b ? 't' : 'f');
        } else if (value instanceof Timestamp t) {
            instant(text, t.toInstant());
        } else if (value instanceof Instant t) {
            instant(text, t);
        } else {
            throw new IllegalArgumentException("cannot copy a " + value.getClass().getName());
        }
    }

    /**
     * ISO 8601 in UTC, as {@link Instant#toString()} writes it (read as such by {@code timestamp with
     * time zone}): the fraction in 3, 6 or 9 digits as needed. Years outside 1 to 9999 go through
     * {@code toString}.
     */
    static void instant(StringBuilder text, Instant at) {
        if (at.getEpochSecond() < FIRST_SECOND || at.getEpochSecond() > LAST_SECOND) {
            text.append(at);
            return;
        }
        Second second = lastSecond;
        if (second.epochSecond() != at.getEpochSecond()) {
            second = Second.of(at.getEpochSecond());
            lastSecond = second;
        }
        text.append(second.text());
        int nano = at.getNano();
        if (nano != 0) {
            text.append('.');
            if (nano % 1_000_000 == 0) {
                digits(text, nano / 1_000_000, 3);
            } else if (nano % 1000 == 0) {
                digits(text, nano / 1000, 6);
            } else {
                digits(text, nano, 9);
            }
        }
        text.append('Z');
    }

    /**
     * The last second written, as text up to its seconds: the rows of a batch were stamped within a
     * few seconds of each other. Immutable, so threads that share it race harmlessly.
     */
    private static volatile Second lastSecond = Second.of(0);

    private record Second(long epochSecond, String text) {
        static Second of(long epochSecond) {
            LocalDateTime t = LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.UTC);
            StringBuilder text = new StringBuilder(19);
            digits(text, t.getYear(), 4);
            digits(text.append('-'), t.getMonthValue(), 2);
            digits(text.append('-'), t.getDayOfMonth(), 2);
            digits(text.append('T'), t.getHour(), 2);
            digits(text.append(':'), t.getMinute(), 2);
            digits(text.append(':'), t.getSecond(), 2);
            return new Second(epochSecond, text.toString());
        }
    }

    /** 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z. */
    static final long FIRST_SECOND = -62_135_596_800L;
    static final long LAST_SECOND = 253_402_300_799L;

    /** {@code value} (not negative) in {@code width} digits, zeros in front. */
    private static void digits(StringBuilder text, int value, int width) {
        for (int d = width - 1, scale = pow10(d); d >= 0; d--, scale /= 10) {
            text.append((char) ('0' + value / scale % 10));
        }
    }

    private static int pow10(int n) {
        int p = 1;
        for (int i = 0; i < n; i++) {
            p *= 10;
        }
        return p;
    }

    /**
     * The string with COPY's four special characters escaped, copied in runs between them. Most
     * strings have none: four searches ({@code indexOf}, an intrinsic) and one copy of the whole
     * string then replace a loop over its characters, which was the largest single share of the
     * import thread's own time; half of it went (docs/benchmarks.md).
     */
    private static void escape(StringBuilder text, String s) {
        if (s.indexOf('\\') < 0 && s.indexOf('\t') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            text.append(s);
            return;
        }
        int from = 0;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            char escaped = switch (ch) {
                case '\\' -> '\\';
                case '\n' -> 'n';
                case '\r' -> 'r';
                case '\t' -> 't';
                default -> 0;
            };
            if (escaped != 0) {
                text.append(s, from, i).append('\\').append(escaped);
                from = i + 1;
            }
        }
        text.append(s, from, s.length());
    }
}
