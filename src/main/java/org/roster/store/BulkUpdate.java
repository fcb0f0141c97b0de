package org.roster.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.postgresql.PGConnection;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcOperations;
import tools.jackson.databind.json.JsonMapper;

/**
 * Rows of one table changed the same way, each found by its key: on PostgreSQL (from
 * {@value BulkInsert#COPY_FROM} rows whose keys are distinct) one {@code UPDATE ... FROM} over the
 * rows sent as a JSON array and typed by the table's own row type ({@code json_populate_recordset});
 * otherwise a JDBC batch of one-row {@code UPDATE}s, run in the order given.
 *
 * <p>Why: a batch of single-row updates is planned once per row on PostgreSQL (Roster's sessions
 * plan each execution) and executed one by one; the changed workers of an HR delta wrote five tables
 * that way, 40 to 80 µs a row and statement, two fifths of PostgreSQL's time in a one-percent delta
 * of a million workers. One statement is planned once and finds its rows by the key's index:
 * PostgreSQL's planning during a delta of 30 000 changed workers fell from 2.0 to 0.4 s; changing
 * the rows themselves costs what it did (docs/benchmarks.md). Rows given twice go the slow way, in
 * order: one {@code UPDATE ... FROM} would apply only one of them.
 *
 * <p>Values may be {@code null}, strings, numbers, booleans and timestamps, as in {@link BulkInsert}.
 */
public final class BulkUpdate {

    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]*");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private BulkUpdate() {
    }

    /**
     * Sets {@code columns} of the row of {@code table} whose {@code keys} columns hold the given
     * values, for each row: its values are the columns' in order, then the keys' in order.
     *
     * @return for each row, whether a row of the table had its key (and was changed)
     */
    public static boolean[] update(JdbcOperations jdbc, String table, List<String> columns, List<String> keys,
                                   List<Object[]> rows) {
        if (rows.isEmpty()) {
            return new boolean[0];
        }
        checkNames(table, columns, keys);
        return jdbc.execute((ConnectionCallback<boolean[]>) c -> {
            if (rows.size() >= BulkInsert.COPY_FROM && c.isWrapperFor(PGConnection.class)) {
                List<List<String>> rowKeys = distinctKeys(rows, columns.size(), keys.size());
                if (rowKeys != null) {
                    return fromJson(c, table, columns, keys, rows, rowKeys);
                }
            }
            return oneByOne(jdbc, table, columns, keys, rows);
        });
    }

    private static boolean[] fromJson(Connection c, String table, List<String> columns, List<String> keys,
                                      List<Object[]> rows, List<List<String>> rowKeys) throws SQLException {
        List<Map<String, Object>> records = new ArrayList<>(rows.size());
        for (Object[] row : rows) {
            Map<String, Object> r = new LinkedHashMap<>();
            for (int i = 0; i < columns.size(); i++) {
                r.put(columns.get(i), value(row[i]));
            }
            for (int i = 0; i < keys.size(); i++) {
                r.put(keys.get(i), value(row[columns.size() + i]));
            }
            records.add(r);
        }
        String sql = "update " + table + " as t set " + String.join(", ", columns.stream().map(n -> n + " = v." + n).toList())
            + " from json_populate_recordset(null::" + table + ", ?::json) as v where "
            + String.join(" and ", keys.stream().map(k -> "t." + k + " = v." + k).toList())
            + " returning " + String.join(", ", keys.stream().map(k -> "t." + k + "::text").toList());
        Set<List<String>> matched = new HashSet<>();
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, JSON.writeValueAsString(records));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    List<String> key = new ArrayList<>(keys.size());
                    for (int i = 1; i <= keys.size(); i++) {
                        key.add(rs.getString(i));
                    }
                    matched.add(key);
                }
            }
        }
        boolean[] out = new boolean[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            out[i] = matched.contains(rowKeys.get(i));
        }
        return out;
    }

    /** As {@link BulkInsert}'s own batch: one statement per row, in order, through {@code jdbc}. */
    private static boolean[] oneByOne(JdbcOperations jdbc, String table, List<String> columns, List<String> keys,
                                      List<Object[]> rows) {
        String sql = "update " + table + " set " + String.join(", ", columns.stream().map(n -> n + " = ?").toList())
            + " where " + String.join(" and ", keys.stream().map(k -> k + " = ?").toList());
        List<Object[]> bound = rows.stream().map(row -> java.util.Arrays.stream(row)
            .map(v -> v instanceof Instant t ? Timestamp.from(t) : v).toArray()).toList();
        int[] counts = rows.size() == 1 ? new int[] {jdbc.update(sql, bound.get(0))} : jdbc.batchUpdate(sql, bound);
        boolean[] out = new boolean[rows.size()];
        for (int i = 0; i < counts.length; i++) {
            // a driver may report "succeeded, count unknown" (SUCCESS_NO_INFO, -2): not a miss
            out[i] = counts[i] != 0;
        }
        return out;
    }

    /** A value as JSON carries it to {@code json_populate_recordset}: timestamps as ISO 8601 text. */
    private static Object value(Object v) {
        if (v == null || v instanceof String || v instanceof Long || v instanceof Integer || v instanceof Boolean) {
            return v;
        }
        if (v instanceof Timestamp t) {
            return t.toInstant().toString();
        }
        if (v instanceof Instant t) {
            return t.toString();
        }
        throw new IllegalArgumentException("cannot update with a " + v.getClass().getName());
    }

    /** Each row's key as text, in order; null when two rows have the same key. */
    private static @org.jspecify.annotations.Nullable List<List<String>> distinctKeys(List<Object[]> rows, int from,
                                                                                     int count) {
        List<List<String>> keys = new ArrayList<>(rows.size());
        Set<List<String>> seen = new HashSet<>(rows.size() * 2);
        for (Object[] row : rows) {
            List<String> key = keyText(row, from, count);
            if (!seen.add(key)) {
                return null;
            }
            keys.add(key);
        }
        return keys;
    }

    /** The key's values as PostgreSQL's {@code ::text} writes them (keys are strings and whole numbers). */
    private static List<String> keyText(Object[] row, int from, int count) {
        List<String> key = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Object v = row[from + i];
            if (!(v instanceof String || v instanceof Long || v instanceof Integer)) {
                throw new IllegalArgumentException("a key is a string or a whole number, not " + v);
            }
            key.add(v.toString());
        }
        return key;
    }

    private static void checkNames(String table, List<String> columns, List<String> keys) {
        if (columns.isEmpty() || keys.isEmpty()) {
            throw new IllegalArgumentException("an update needs columns to set and a key");
        }
        columns.stream().filter(keys::contains).findFirst().ifPresent(c -> {
            throw new IllegalArgumentException("a column is both set and a key: " + c);
        });
        java.util.stream.Stream.concat(java.util.stream.Stream.of(table),
            java.util.stream.Stream.concat(columns.stream(), keys.stream())).forEach(n -> {
                if (!NAME.matcher(n).matches()) {
                    throw new IllegalArgumentException("not a table or column name: " + n);
                }
            });
    }
}
