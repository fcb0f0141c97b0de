package org.roster.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.db.Store;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an H2 file store's file from growing without end.
 *
 * <p>H2 writes each commit's changed pages to a new chunk at the end of its file and reclaims a
 * chunk once nothing in it is live. With {@code WRITE_DELAY=0}, which Roster sets so that a commit is
 * written before Roster answers ({@link StoreDurability}), H2 starts no background writer, and that
 * writer is also what rewrites the live pages of mostly dead chunks (H2's own housekeeping): nothing
 * does, and most chunks keep a live page or two. A million-row first load left a 29 GB file
 * (docs/benchmarks.md), larger than the machine's page cache, and the delta after it spent most of
 * its time reading that file from disk.
 *
 * <p>This does what H2's writer would: every {@value #EVERY_MS} ms, if less than {@value #TARGET_FILL}
 * % of the chunks' space is live, it rewrites the live pages of the emptiest chunks (about
 * {@value #WRITE_PER_PASS} bytes a pass) and writes them, so the old chunks can be reused. A pass
 * takes H2's store lock only if it is free within 10 ms ({@link MVStore#compact}); a commit that
 * arrives during a pass waits for it, which {@code roster_store_compaction_seconds} measures. While
 * bulk work runs ({@link BulkWork}: a snapshot import), a pass rewrites chunks only below
 * {@value #BUSY_FILL} %: a daily delta of a million-row source is not slowed by compacting what the
 * load before it left, and the file can still not grow past four times its live data. It
 * touches only files H2 would otherwise leave alone: an in-memory store, a remote server, or a store
 * with a write delay (whose own writer does this) are left to H2.
 */
final class H2Housekeeping implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(H2Housekeeping.class);

    /**
     * How often a pass runs: H2's writer runs every third of its write delay (500 ms by default), a
     * pass here is smaller and runs more often, so that it holds the lock briefly.
     */
    static final int EVERY_MS = 200;

    /**
     * The live data one pass moves, about; a commit arriving meanwhile waits for the pass. H2's own
     * writer moves its auto-commit memory (about 19 MB): 343 ms a pass on average during a million-row
     * load; 2 MB passes took 66 ms on average and still kept that store's file within the page cache
     * (docs/benchmarks.md).
     */
    static final int WRITE_PER_PASS = 2 << 20;

    /** Below this share of live data in its chunks the store is compacted: H2's own target while busy. */
    static final int TARGET_FILL = 50;

    /**
     * The same while bulk work runs: passes hold off, but a file may not become mostly dead (holding
     * off altogether, a first load of a million rows left the file 15 % larger, docs/benchmarks.md).
     */
    static final int BUSY_FILL = 25;

    private final DataSource dataSource;
    private final java.util.function.BooleanSupplier busy;
    private final Timer passes;
    private final ScheduledExecutorService executor;
    private volatile boolean warned;
    private volatile @Nullable Store store;

    private H2Housekeeping(DataSource dataSource, Store store, MeterRegistry meters, java.util.function.BooleanSupplier busy) {
        this.dataSource = dataSource;
        this.busy = busy;
        this.store = store;
        this.passes = Timer.builder("roster.store.compaction")
            .description("passes that rewrote part of the H2 file, store lock held (a commit waits at most this)")
            .register(meters);
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "roster-h2-housekeeping");
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(this::pass, EVERY_MS, EVERY_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * Starts housekeeping if {@code dataSource} is an H2 file store that H2 itself does not compact, else
     * nothing. Each pass that rewrote something is timed as {@code roster_store_compaction_seconds};
     * while {@code busy} says bulk work runs, passes compact below {@link #BUSY_FILL} only.
     */
    static @Nullable H2Housekeeping startFor(DataSource dataSource, MeterRegistry meters,
                                             java.util.function.BooleanSupplier busy) {
        try (Connection c = dataSource.getConnection()) {
            Store store = uncompacted(c);
            if (store == null) {
                return null;
            }
            log.info("store: H2 file without a write delay; Roster compacts it every {} ms below {} % live ({} % while"
                + " a snapshot import runs)", EVERY_MS, TARGET_FILL, BUSY_FILL);
            return new H2Housekeeping(dataSource, store, meters, busy);
        } catch (SQLException | RuntimeException e) {
            log.warn("store: could not tell whether the H2 file needs compacting ({}): it is not compacted while Roster runs",
                e.getMessage());
            return null;
        }
    }

    /** One pass: compacts if the file needs it; returns whether a chunk was rewritten. */
    boolean pass() {
        try {
            Store known = store();
            if (known == null || H2AtomicCommits.rollingBack(known.getTransactionStore())) {
                return false; // a version written while H2 rolls back can undo another's change (H2AtomicCommits)
            }
            MVStore mv = known.getMvStore();
            long start = System.nanoTime();
            boolean rewritten = mv.compact(busy.getAsBoolean() ? BUSY_FILL : TARGET_FILL, WRITE_PER_PASS);
            if (rewritten) {
                mv.tryCommit(); // writes the moved pages so that the chunks they left can be reused
                passes.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            }
            return rewritten;
        } catch (SQLException | RuntimeException e) {
            if (!warned) { // once: a store that cannot be compacted now will not be the next pass either
                warned = true;
                log.warn("store: compacting the H2 file failed ({}); Roster will keep trying", e.toString());
            }
            return false;
        }
    }

    /**
     * The store, kept between passes so that a pass takes no connection from the pool; looked up again
     * through one if H2 closed it (a database closed and opened again in this process).
     */
    private @Nullable Store store() throws SQLException {
        Store known = store;
        if (known != null && !known.getMvStore().isClosed()) {
            return known;
        }
        try (Connection c = dataSource.getConnection()) {
            known = uncompacted(c);
        }
        store = known;
        return known == null || known.getMvStore().isClosed() ? null : known;
    }

    /** The H2 file store behind {@code c} if H2 runs no writer of its own for it, else null. */
    private static @Nullable Store uncompacted(Connection c) throws SQLException {
        if (!c.isWrapperFor(JdbcConnection.class)) {
            return null;
        }
        if (!(c.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal session)) {
            return null; // a remote server compacts its own files
        }
        Store store = session.getDatabase().getStore();
        if (store == null) {
            return null;
        }
        MVStore mv = store.getMvStore();
        if (mv.getFileStore() == null || mv.isReadOnly() || mv.getFileStore().getAutoCommitDelay() > 0) {
            return null;
        }
        return store;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
