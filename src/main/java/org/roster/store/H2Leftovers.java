package org.roster.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.sql.DataSource;
import org.h2.engine.SessionLocal;
import org.h2.index.Index;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.db.MVIndex;
import org.h2.mvstore.db.MVTable;
import org.h2.mvstore.tx.Transaction;
import org.h2.table.Table;
import org.h2.value.VersionedValue;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Clears, when an H2 file store opens after its process was killed, the rows of transactions that
 * never committed and that H2 itself would show to some later transactions.
 *
 * <p>H2 writes a version of its file while transactions are under way. A transaction's changed rows
 * carry its number until it commits; its undo log says what they were before. A version can hold
 * such a row but not yet the undo record written just before it (H2 takes the maps one by one,
 * h2database/h2database#2080). After a kill, nothing says that transaction ever ran: its row is left
 * over, with its number. H2 reads it as never written, except in a later transaction that was given
 * the same number (H2 reuses the lowest free one, so one of the first after the restart is): that one
 * reads the row as its own change and, if it writes the row, commits it. Roster saw an HR record
 * terminated by a request that was killed before it committed, to be read so by some requests and
 * not by others, while the leaver's event, plan and audit records were, rightly, never written.
 *
 * <p>So, before anything else opens the store, if H2 did not mark it closed cleanly, every table and
 * index is read once and each left-over row is set back to what it was before that transaction
 * (removed if the transaction inserted it), as H2 itself does when a transaction with another number
 * writes the row. The cost is one read of the whole store, and only after a crash. A left-over row
 * outlives clean closes until some transaction writes it, so a store this has never read through
 * (one an older Roster used) is read through once too; a file beside it,
 * {@code <name>.leftovers-cleared}, says it was.
 *
 * <p>At the same time, an identity column whose sequence a kill set back behind the column's values
 * is restarted past them ({@link #restartIdentitiesBehind}).
 */
final class H2Leftovers {

    private static final Logger log = LoggerFactory.getLogger(H2Leftovers.class);

    /** Bits of an H2 operation id below its transaction number ({@code TransactionStore.getTransactionId}). */
    private static final int LOG_ID_BITS = 40;

    private H2Leftovers() {
    }

    /**
     * Clears left-over rows if the store at {@code url} exists and was not closed cleanly.
     *
     * @param creating whether the caller creates the store if it does not exist (Roster does; a tool
     *     that only reads it does not): then it is marked as read through from the start
     * @return the number of rows cleared, -1 if the store did not need it
     */
    static long clearIfKilled(String url, DataSource h2, boolean creating) throws SQLException {
        Path file = storeFile(url);
        Path marker = file == null ? null : file.resolveSibling(file.getFileName().toString()
            .replaceFirst("\\.mv\\.db$", "") + ".leftovers-cleared");
        if (file != null && !Files.exists(file)) {
            if (creating) {
                mark(marker); // a new store: nothing left over in it
            }
            return -1;
        }
        boolean clean = file != null && closedCleanly(file);
        if (clean && Files.exists(marker)) {
            return -1;
        }
        long start = System.nanoTime();
        try (Connection c = h2.getConnection()) {
            long cleared = clear(c);
            int restarted = restartIdentitiesBehind(c);
            log.info("store: {}; {} row(s) of transactions that never committed cleared, {} identity column(s) restarted"
                    + " past their values, in {} ms", clean
                    ? "the H2 file was never read through for rows left over by a killed process (an older Roster)"
                    : "the H2 file was not closed cleanly (Roster was killed or crashed)", cleared, restarted,
                (System.nanoTime() - start) / 1_000_000);
            mark(marker);
            return cleared;
        }
    }

    /**
     * Restarts each identity column whose next value is not past the largest value in it, so that the
     * next row does not take a number a row already has.
     *
     * <p>H2 records how far an identity column's sequence has handed out values (its cache, 10 000 at
     * a time in Roster's tables) by committing a transaction of its own when the cache runs out, inside
     * the statement that needed the value. That commit is not one Roster can run under the store lock
     * ({@link H2AtomicCommits}), so a version of the file can hold it in part; after a kill before the
     * next version, the sequence starts again from where the cache before began, and hands out numbers
     * rows already have: every insert into that table then fails on its primary key. Reading the
     * largest value costs one step down the column's index per table.
     *
     * @return how many columns were restarted
     */
    static int restartIdentitiesBehind(Connection c) throws SQLException {
        record Identity(String schema, String table, String column, long next, long increment) {
        }
        List<Identity> columns = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select table_schema, table_name, column_name, identity_base, identity_increment"
                 + " from information_schema.columns where is_identity = 'YES' and identity_increment > 0"
                 + " and identity_base is not null")) {
            while (rs.next()) {
                columns.add(new Identity(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5)));
            }
        }
        int restarted = 0;
        for (Identity column : columns) {
            String table = quoted(column.schema()) + "." + quoted(column.table());
            Long largest;
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("select max(" + quoted(column.column()) + ") from " + table)) {
                rs.next();
                largest = rs.getObject(1) == null ? null : rs.getLong(1);
            }
            if (largest == null || column.next() > largest) {
                continue;
            }
            long restartAt = Math.addExact(largest, column.increment());
            try (Statement s = c.createStatement()) {
                s.execute("alter table " + table + " alter column " + quoted(column.column()) + " restart with " + restartAt);
            }
            log.warn("store: identity column {}.{} would have handed out {}, which a row already has (a kill cuts"
                + " the commit of its position short, docs/durability.md): restarted at {}", column.table(), column.column(),
                column.next(), restartAt);
            restarted++;
        }
        return restarted;
    }

    private static String quoted(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /** Notes that the store has been read through: from now on only a kill makes it read through again. */
    private static void mark(@Nullable Path marker) {
        if (marker == null) {
            return;
        }
        try {
            Files.createDirectories(marker.toAbsolutePath().getParent());
            Files.writeString(marker, "Roster cleared the rows left over in this H2 store by transactions that never"
                + " committed; delete this file to have it done again at the next start (docs/durability.md).\n");
        } catch (IOException e) {
            log.warn("store: could not write {} ({}): the H2 file will be read through again at the next start", marker,
                e.toString());
        }
    }

    /**
     * The store's file for an H2 URL, or null if the URL does not name one plainly (another file
     * system: then the store is always read through).
     */
    static @Nullable Path storeFile(String url) {
        String rest = url.substring("jdbc:h2:".length());
        int options = rest.indexOf(';');
        String name = options < 0 ? rest : rest.substring(0, options);
        if (name.toLowerCase(Locale.ROOT).startsWith("file:")) {
            name = name.substring("file:".length());
        } else if (name.matches("^[a-zA-Z][a-zA-Z0-9]+:.*") && !name.matches("^[a-zA-Z]:[\\\\/].*")) {
            return null; // split:, nio:, memFS: ... (a Windows drive letter is a plain file)
        }
        if (name.startsWith("~")) {
            name = System.getProperty("user.home") + name.substring(1);
        }
        return Path.of(name + ".mv.db");
    }

    /** Whether H2's file header says the store was closed cleanly ({@code clean:1}, written at a clean close). */
    static boolean closedCleanly(Path file) {
        byte[] header = new byte[4096];
        int read = 0;
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; read < header.length && (n = in.read(header, read, header.length - read)) > 0; ) {
                read += n;
            }
        } catch (IOException e) {
            return false; // H2 will say what is wrong with it; read it through if it opens
        }
        String text = new String(header, 0, read, StandardCharsets.ISO_8859_1);
        int end = text.indexOf('\n');
        for (String field : (end < 0 ? text : text.substring(0, end)).split(",")) {
            if (field.trim().equals("clean:1")) {
                return true;
            }
        }
        return false;
    }

    /** Sets every left-over row in the store behind {@code c} back; the count cleared. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static long clear(Connection c) throws SQLException {
        SessionLocal session = (SessionLocal) c.unwrap(JdbcConnection.class).getSession();
        var store = session.getDatabase().getStore();
        Set<Integer> open = new HashSet<>();
        for (Transaction t : store.getTransactionStore().getOpenTransactions()) {
            open.add(t.getId());
        }
        Set<MVMap<?, ?>> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        long cleared = 0;
        // the cursors read the version they started at: H2 must not drop its chunks meanwhile (the writes
        // below can make H2 write a version and drop what no version in use still needs)
        var version = store.getMvStore().registerVersionUsage();
        try {
            for (Table table : session.getDatabase().getAllTablesAndViews()) {
                if (!(table instanceof MVTable mv)) {
                    continue;
                }
                for (Index index : mv.getIndexes()) {
                    if (index instanceof MVIndex<?, ?> mvIndex && seen.add(mvIndex.getMVMap())) {
                        cleared += clear((MVMap) mvIndex.getMVMap(), open);
                    }
                }
            }
        } finally {
            store.getMvStore().deregisterVersionUsage(version);
        }
        store.getMvStore().commit();
        return cleared;
    }

    private static <K, V> long clear(MVMap<K, VersionedValue<V>> map, Set<Integer> open) {
        long cleared = 0;
        for (Cursor<K, VersionedValue<V>> cursor = map.cursor(null); cursor.hasNext(); ) {
            K key = cursor.next();
            VersionedValue<V> value = cursor.getValue();
            long operation = value.getOperationId();
            if (operation == 0 || open.contains((int) (operation >>> LOG_ID_BITS))) {
                continue;
            }
            V before = value.getCommittedValue();
            if (before == null) {
                map.remove(key);
            } else if (before instanceof VersionedValue<?> committed) { // H2's values are their own committed form
                map.put(key, (VersionedValue<V>) committed);
            } else {
                continue;
            }
            cleared++;
        }
        return cleared;
    }
}
