package org.roster.store;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
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
 * (docs/benchmarks.md). {@code COPY} sends the rows as text and plans nothing. Constraint
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
        StringBuilder text = new StringBuilder(rows.size() * 256);
        for (Object[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                if (i > 0) {
                    text.append('\t');
                }
                append(text, row[i]);
            }
            text.append('\n');
        }
        try {
            c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + table + " (" + columns + ") FROM STDIN",
                new ByteArrayInputStream(text.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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

    /** One value in COPY's text format: {@code \N} for null, backslash escapes for the separators. */
    static void append(StringBuilder text, @Nullable Object value) {
        if (value == null) {
            text.append("\\N");
        } else if (value instanceof String s) {
            escape(text, s);
        } else if (value instanceof Integer || value instanceof Long) {
            text.append(value);
        } else if (value instanceof Boolean b) {
            text.append(b ? 't' : 'f');
        } else if (value instanceof Timestamp t) {
            text.append(t.toInstant()); // ISO 8601 in UTC, read as such by timestamp with time zone
        } else if (value instanceof java.time.Instant t) {
            text.append(t);
        } else {
            throw new IllegalArgumentException("cannot copy a " + value.getClass().getName());
        }
    }

    private static void escape(StringBuilder text, String s) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '\\' -> text.append("\\\\");
                case '\n' -> text.append("\\n");
                case '\r' -> text.append("\\r");
                case '\t' -> text.append("\\t");
                default -> text.append(ch);
            }
        }
    }
}
