package org.roster.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * What a transaction that applies many rows (a snapshot batch, a SCIM bulk request) does for them
 * together instead of one at a time, so that a batch costs a few statements per table rather than a
 * few per row.
 *
 * <ul>
 *   <li><b>Deferred appends.</b> A statement that adds to a table nobody reads before the commit (a
 *   log, a search row) is kept and run at the commit, with the others of its table, as one JDBC
 *   batch; a row given by {@link #append} is written with the others of its table by
 *   {@link BulkInsert} ({@code COPY} on PostgreSQL). A table's statements run grouped by statement
 *   text, each group in the order it was deferred; so defer only statements whose order does not
 *   matter among themselves (appends, or writes to distinct keys). Code that reads such a table, or
 *   writes it without deferring, calls {@link #flush(String)} first (a repository that defers its
 *   own table's inserts does so in every method that touches the table). A savepoint rolled back drops what was deferred inside it, and a
 *   table with {@value #FLUSH_AT} statements waiting is flushed at once, which bounds the memory.</li>
 *   <li><b>Facts known to be absent.</b> A batch can read, in one query for all its rows, which of
 *   them have a row in some table (grants, holds, a pending reference...) and record the others as
 *   absent: {@link #knownAbsent}. A lookup for a key known to be absent answers "none" without a
 *   query. Any write that could add a row for a key calls {@link #forget}, and the next lookup for it
 *   queries again. Known facts last until the transaction ends, as if read at its start.</li>
 *   <li><b>Values known.</b> Likewise a batch can read the rows of all its keys at once and
 *   {@link #remember} what each key has; {@link #known} gives it back without a query. A write to a
 *   key's rows either remembers what it wrote or calls {@link #forget}. Rolling back a savepoint
 *   forgets every value (what was remembered inside it may have been undone).</li>
 * </ul>
 *
 * Outside a transaction, a deferred statement runs at once and nothing is known.
 */
public final class TransactionBatch {

    /** Statements of one table kept at most before they are run. */
    static final int FLUSH_AT = 2_000;

    /** Keys bound to one prefetch query at most. */
    static final int PREFETCH_CHUNK = 1_000;

    private static final Object KEY = new Object();

    private TransactionBatch() {
    }

    /** Runs the statement now, or, in a transaction, at its commit together with the others of its table. */
    public static void defer(JdbcOperations jdbc, String table, String sql, Object... params) {
        State state = state(true);
        if (state == null) {
            jdbc.update(sql, params);
            return;
        }
        state.defer(jdbc, table, sql, params);
    }

    /**
     * Adds a row to a table nobody reads before the commit, as {@link #defer} does an {@code INSERT};
     * at the flush the table's rows are written together by {@link BulkInsert} ({@code COPY} on
     * PostgreSQL). {@code columns} names the columns as in an {@code INSERT}, {@code values} gives them
     * in that order.
     */
    public static void append(JdbcOperations jdbc, String table, String columns, Object... values) {
        State state = state(true);
        if (state == null) {
            BulkInsert.insert(jdbc, table, columns, List.<Object[]>of(values));
            return;
        }
        state.defer(jdbc, table, new Append(columns), values);
    }

    /**
     * What {@link #append} keeps as its statement: a group's rows are written by {@link BulkInsert}.
     * A statement is a key the flush groups rows by; this one hashes as its columns' text, whose hash
     * the string keeps (an append's statement was a fresh string per row, hashed again at every
     * flush: a batch's audit records alone are thousands of rows; docs/benchmarks.md).
     */
    private record Append(String columns) {
    }

    /** What {@link #deferUpdate} keeps as its statement: a group's rows are written by {@link BulkUpdate}. */
    private record UpdateRows(List<String> columns, List<String> keys) {
    }

    /**
     * Changes {@code columns} of the row whose {@code keys} columns hold the given values, as
     * {@link #defer} does an {@code UPDATE}: at the flush, the table's rows changed the same way are
     * written together by {@link BulkUpdate} (one statement on PostgreSQL). {@code values} are the
     * columns' in order, then the keys'. As for any deferred statement, the caller must not need to
     * know whether a row matched.
     */
    public static void deferUpdate(JdbcOperations jdbc, String table, List<String> columns, List<String> keys,
                                   Object... values) {
        if (values.length != columns.size() + keys.size()) {
            throw new IllegalArgumentException("values for " + columns + " then " + keys + ": " + values.length);
        }
        State state = state(true);
        if (state == null) {
            BulkUpdate.update(jdbc, table, columns, keys, List.<Object[]>of(values));
            return;
        }
        state.defer(jdbc, table, new UpdateRows(columns, keys), values);
    }

    /** Runs what is deferred for this table now: call it before reading the table or writing it directly. */
    public static void flush(String table) {
        State state = state(false);
        if (state != null) {
            state.flush(table);
        }
    }

    /** Runs everything deferred so far, every table's, as the commit would (what is deferred later waits for it). */
    public static void flushAll() {
        State state = state(false);
        if (state != null) {
            state.flushAll();
        }
    }

    /**
     * Records that none of {@code keys} except {@code present} has a row for this fact, as the
     * caller has just read in this transaction.
     */
    public static void knownAbsent(String fact, Collection<String> keys, Collection<String> present) {
        State state = state(true);
        if (state == null) {
            return;
        }
        Set<String> absent = state.absent.computeIfAbsent(fact, f -> new HashSet<>());
        Set<String> there = present instanceof Set<String> s ? s : new HashSet<>(present);
        for (String key : keys) {
            if (!there.contains(key)) {
                absent.add(key);
            } else {
                absent.remove(key);
            }
        }
    }

    /**
     * Reads, in one query, which of {@code keys} have a row for this fact, and records the others as
     * absent. {@code sql} selects one column, the keys that have a row, among those bound to
     * {@code :keys}. Outside a transaction nothing is read: nothing could be remembered.
     */
    public static void prefetch(org.springframework.jdbc.core.simple.JdbcClient jdbc, String fact, String sql,
                                Collection<String> keys) {
        if (keys.isEmpty() || !inTransaction()) {
            return;
        }
        Set<String> present = new HashSet<>();
        for (List<String> chunk : chunks(keys)) {
            present.addAll(jdbc.sql(sql).param("keys", chunk).query(String.class).list());
        }
        knownAbsent(fact, keys, present);
    }

    /**
     * As {@link #prefetch}, on PostgreSQL one index lookup per key whatever the statistics say:
     * {@code column} of {@code table} is read for each key on its own ({@code unnest} of the keys as
     * one array, and a subquery with a limit, which the planner cannot turn into a join). Given an
     * {@code in} list, PostgreSQL priced hundreds of lookups above one read of the whole table while
     * the table's statistics still said it was small, and read the whole of it for every batch of an
     * import that was filling it (15 to 27 ms a batch of 500 at a million workers; docs/benchmarks.md).
     * On H2, the same {@code in} list as {@link #prefetch}. {@code table} and {@code column} are the
     * caller's own names, written into the statement; only the keys are bound.
     */
    public static void prefetchEach(org.springframework.jdbc.core.simple.JdbcClient jdbc, StoreKind store, String fact,
                                    String table, String column, Collection<String> keys) {
        if (keys.isEmpty() || !inTransaction()) {
            return;
        }
        knownAbsent(fact, keys, presentEach(jdbc, store, table, column, keys));
    }

    /**
     * Which of {@code keys} have a row whose {@code column} holds them, read as {@link #prefetchEach}
     * reads them (one index lookup a key on PostgreSQL), for a caller that records what it found
     * itself.
     */
    public static Set<String> presentEach(org.springframework.jdbc.core.simple.JdbcClient jdbc, StoreKind store,
                                          String table, String column, Collection<String> keys) {
        Set<String> present = new HashSet<>();
        readEach(jdbc, store, table, column, column, true, keys, rs -> {
            present.add(rs.getString(1));
        });
        return present;
    }

    /**
     * Reads {@code columns} of the rows whose {@code column} holds one of {@code keys}, handing each
     * to {@code row}: on PostgreSQL one index lookup a key, as {@link #prefetchEach}; on H2 an
     * {@code in} list. With {@code onePerKey}, at most one row a key (enough to know it has one);
     * otherwise all of them, the subquery fenced by {@code offset 0} so that the planner cannot turn
     * it into a join. {@code table}, {@code column} and {@code columns} are the caller's own names,
     * written into the statement; only the keys are bound, {@value #PREFETCH_CHUNK} at most a query.
     */
    public static void readEach(org.springframework.jdbc.core.simple.JdbcClient jdbc, StoreKind store, String table,
                                String column, String columns, boolean onePerKey, Collection<String> keys,
                                org.springframework.jdbc.core.RowCallbackHandler row) {
        String sql = store.postgres()
            ? "select t.* from unnest(:keys) as k (v) cross join lateral (select " + columns + " from " + table + " where "
                + column + " = k.v " + (onePerKey ? "limit 1" : "offset 0") + ") t"
            : "select " + (onePerKey ? "distinct " : "") + columns + " from " + table + " where " + column + " in (:keys)";
        for (List<String> chunk : chunks(keys)) {
            jdbc.sql(sql).param("keys", store.postgres()
                ? new org.springframework.jdbc.support.SqlArrayValue("varchar", chunk.toArray()) : chunk).query(row);
        }
    }

    /**
     * The distinct keys, in their order, cut into lists of at most {@value #PREFETCH_CHUNK}: how a
     * query that reads many keys at once binds them (bounding its parameters).
     */
    public static List<List<String>> chunks(Collection<String> keys) {
        List<String> distinct = List.copyOf(new java.util.LinkedHashSet<>(keys));
        List<List<String>> chunks = new ArrayList<>();
        for (int from = 0; from < distinct.size(); from += PREFETCH_CHUNK) {
            chunks.add(distinct.subList(from, Math.min(distinct.size(), from + PREFETCH_CHUNK)));
        }
        return chunks;
    }

    /** Whether this transaction read that the key has no row for this fact, and wrote none since. */
    public static boolean absent(String fact, String key) {
        State state = state(false);
        if (state == null) {
            return false;
        }
        Set<String> absent = state.absent.get(fact);
        return absent != null && absent.contains(key);
    }

    /** A write may have added a row for this key, or changed its rows: nothing is known of it any more. */
    public static void forget(String fact, String key) {
        State state = state(false);
        if (state != null) {
            Set<String> absent = state.absent.get(fact);
            if (absent != null) {
                absent.remove(key);
            }
            Map<String, Object> values = state.values.get(fact);
            if (values != null) {
                values.remove(key);
            }
        }
    }

    /** Nothing is known of this fact for any key any more (a write whose keys the caller cannot tell). */
    public static void forgetAll(String fact) {
        State state = state(false);
        if (state != null) {
            state.absent.remove(fact);
            state.values.remove(fact);
        }
    }

    /**
     * Records what this transaction read, or has just written, for a key: {@link #known} gives it
     * back until a write forgets it. Outside a transaction nothing is remembered.
     */
    public static void remember(String fact, String key, Object value) {
        State state = state(true);
        if (state != null) {
            state.values.computeIfAbsent(fact, f -> new HashMap<>()).put(key, value);
            Set<String> absent = state.absent.get(fact);
            if (absent != null) {
                absent.remove(key);
            }
        }
    }

    /** What this transaction remembered for the key and has not forgotten since; null if nothing. */
    @SuppressWarnings("unchecked")
    public static <T> @org.jspecify.annotations.Nullable T known(String fact, String key) {
        State state = state(false);
        if (state == null) {
            return null;
        }
        Map<String, Object> values = state.values.get(fact);
        return values == null ? null : (T) values.get(key);
    }

    /** Whether the caller runs in a transaction: only then is anything deferred or known. */
    public static boolean inTransaction() {
        return TransactionSynchronizationManager.isSynchronizationActive()
            && TransactionSynchronizationManager.isActualTransactionActive();
    }

    private static State state(boolean create) {
        if (!inTransaction()) {
            return null;
        }
        State state = (State) TransactionSynchronizationManager.getResource(KEY);
        if (state == null && create) {
            state = new State();
            TransactionSynchronizationManager.bindResource(KEY, state);
            TransactionSynchronizationManager.registerSynchronization(state);
        }
        return state;
    }

    /** A statement's rows at a flush, in the order deferred. */
    private static final class Group {
        final JdbcOperations jdbc;
        final List<Object[]> rows = new ArrayList<>();

        Group(JdbcOperations jdbc) {
            this.jdbc = jdbc;
        }
    }

    private static final class Deferred {
        final JdbcOperations jdbc;
        final String table;
        /** The SQL text of a {@link #defer}red statement, or an {@link Append} or {@link UpdateRows}. */
        final Object statement;
        final Object[] params;
        /** The flush that ran it, 0 while it waits. */
        long ranIn;

        Deferred(JdbcOperations jdbc, String table, Object statement, Object[] params) {
            this.jdbc = jdbc;
            this.table = table;
            this.statement = statement;
            this.params = params;
        }
    }

    /** Where a savepoint was taken: how many statements were deferred then, and how many flushes had run. */
    private record Mark(int deferred, long flushes) {
    }

    private static final class State implements TransactionSynchronization {

        /**
         * In the order deferred. What ran is kept while a savepoint is open: rolling the savepoint
         * back undoes in the database what ran after it was taken, deferred before it or not.
         */
        private final List<Deferred> deferred = new ArrayList<>();
        /**
         * What waits to run, by table, in the order deferred: a flush takes its table's list rather
         * than looking through everything deferred (a two-thread import's flush of a batch's dozen
         * tables went through its thousands of statements once per table: 79 of the applying
         * threads' 1 039 profile samples, docs/benchmarks.md).
         */
        private final Map<String, List<Deferred>> waiting = new HashMap<>();
        private final Map<Object, Mark> marks = new IdentityHashMap<>();
        private final Map<String, Set<String>> absent = new HashMap<>();
        private final Map<String, Map<String, Object>> values = new HashMap<>();
        private long flushes;
        private boolean committing;

        void defer(JdbcOperations jdbc, String table, Object statement, Object[] params) {
            if (committing) { // deferred by another synchronization's beforeCommit, after the flush
                run(jdbc, table, statement, List.<Object[]>of(params));
                return;
            }
            Deferred d = new Deferred(jdbc, table, statement, params);
            deferred.add(d);
            List<Deferred> ofTable = waiting.computeIfAbsent(table, t -> new ArrayList<>());
            ofTable.add(d);
            if (ofTable.size() >= FLUSH_AT) {
                flush(table);
            }
        }

        void flush(String table) {
            List<Deferred> ofTable = waiting.remove(table);
            if (ofTable == null) {
                return;
            }
            flushes++;
            // grouped by statement, in the order each was first deferred
            Map<Object, Group> groups = new LinkedHashMap<>();
            for (Deferred d : ofTable) {
                groups.computeIfAbsent(d.statement, k -> new Group(d.jdbc)).rows.add(d.params);
                d.ranIn = flushes;
            }
            if (waiting.isEmpty() && marks.isEmpty()) {
                deferred.clear(); // nothing waits and no savepoint could undo what ran: nothing to keep
            }
            groups.forEach((statement, group) -> run(group.jdbc, table, statement, group.rows));
        }

        /** Runs one statement's deferred rows: appended or changed together, or as one JDBC batch. */
        private static void run(JdbcOperations jdbc, String table, Object statement, List<Object[]> rows) {
            if (statement instanceof Append a) {
                BulkInsert.insert(jdbc, table, a.columns(), rows);
            } else if (statement instanceof UpdateRows u) {
                BulkUpdate.update(jdbc, table, u.columns(), u.keys(), rows);
            } else if (rows.size() == 1) {
                jdbc.update((String) statement, rows.get(0));
            } else {
                jdbc.batchUpdate((String) statement, rows);
            }
        }

        void flushAll() {
            for (String table : List.copyOf(waiting.keySet())) {
                flush(table);
            }
        }

        @Override
        public void savepoint(Object savepoint) {
            marks.put(savepoint, new Mark(deferred.size(), flushes));
        }

        @Override
        public void savepointRollback(Object savepoint) {
            values.clear(); // what was remembered inside the savepoint may have been undone
            Mark mark = marks.remove(savepoint);
            if (mark == null) {
                return;
            }
            // deferred inside the savepoint: dropped, whether it ran (the database undid it) or not
            List<Deferred> dropped = deferred.subList(Math.min(mark.deferred(), deferred.size()), deferred.size());
            dropped.clear();
            // deferred before it but run inside it: the database undid it, so it waits again
            waiting.clear();
            for (Deferred d : deferred) {
                if (d.ranIn > mark.flushes()) {
                    d.ranIn = 0;
                }
                if (d.ranIn == 0) {
                    waiting.computeIfAbsent(d.table, t -> new ArrayList<>()).add(d);
                }
            }
        }

        @Override
        public void flush() {
            flushAll();
        }

        @Override
        public void beforeCommit(boolean readOnly) {
            flushAll();
            committing = true;
        }

        @Override
        public void afterCompletion(int status) {
            TransactionSynchronizationManager.unbindResourceIfPossible(KEY);
        }
    }
}
