package org.roster.store;

import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * PostgreSQL's statistics of tables a bulk load has just grown, brought up to date before the
 * next statement is planned with them.
 *
 * <p>PostgreSQL plans from statistics its autovacuum refreshes after a table has changed by a
 * tenth; during and right after a large HR import its workers are busy vacuuming the largest tables,
 * and the others wait. A planner that still believes a million-row table empty reads it whole for
 * each page of a keyed read: the next snapshot's read of the previous one took 22.5 s instead of
 * under one at a million workers (docs/benchmarks.md). So an import, when it ends, has the tables it
 * wrote analysed that changed by more than {@link #STALE_FRACTION} since their last analysis, as
 * autovacuum would have. {@code ANALYZE} reads a sample (a few hundred pages), takes no lock that
 * stops reads or writes, and needs only the table's owner, which Roster's user is (it created them).
 * On H2 nothing is done: it keeps no statistics a plan depends on this way.
 *
 * <p>An import has this done after it answered ({@link #refreshSoon}), on a thread of its own: the
 * import's work is committed by then, and a sender of a daily delta should not wait for a sample of
 * tables that others (the dispatcher marking a first load's operations done) made stale. The next
 * import on this instance waits for it first ({@link #awaitRefreshed}), since that is what plans with
 * the statistics.
 */
@Component
public class TableStatistics {

    private static final Logger log = LoggerFactory.getLogger(TableStatistics.class);

    /** Changes since the last analysis, as a fraction of the rows, beyond which a table is analysed. */
    static final double STALE_FRACTION = 0.1;

    /** Fewer changed rows than this never make a table stale (autovacuum's own threshold is 50). */
    static final long MIN_CHANGES = 1000;

    /**
     * How long a refresh asked for waits before it looks: PostgreSQL sends a session's counts of changed
     * rows to {@code pg_stat} at most once a second, and within a second of its going idle.
     */
    static final Duration SETTLE = Duration.ofMillis(1_500);

    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]*");

    private final JdbcTemplate jdbc;
    private final StoreKind store;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "roster-statistics");
        t.setDaemon(true);
        return t;
    });
    /** Tables asked for and not yet looked at by the worker. */
    private final Set<String> queued = new LinkedHashSet<>();
    /** The worker's run while it has tables to look at, else null; guarded by {@link #queued}. */
    private @Nullable Future<?> running;
    /** Counted down to end the run's {@link #SETTLE} early: someone waits for it; guarded by {@link #queued}. */
    private java.util.concurrent.CountDownLatch settle = new java.util.concurrent.CountDownLatch(0);

    public TableStatistics(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
        this.store = new StoreKind(jdbc);
    }

    /**
     * {@link #refresh} of these tables on this instance's statistics thread, returning at once; tables
     * asked for while a refresh runs are looked at once it ends, together. Nothing on H2.
     */
    public void refreshSoon(List<String> tables) {
        if (!store.postgres() || tables.isEmpty()) {
            return;
        }
        checkNames(tables);
        synchronized (queued) {
            queued.addAll(tables);
            Future<?> r = running;
            if (r == null || r.isDone()) { // done with tables still queued only if its run failed
                try {
                    java.util.concurrent.CountDownLatch early = new java.util.concurrent.CountDownLatch(1);
                    settle = early;
                    running = worker.submit(() -> drain(early));
                } catch (RejectedExecutionException e) {
                    queued.clear(); // shutting down: autovacuum will
                }
            }
        }
    }

    private void drain(java.util.concurrent.CountDownLatch early) {
        try {
            // what the import's sessions counted reaches pg_stat within a second of their last commit; a
            // next import does not wait for that, only for the analysis (as when it ran before the answer)
            early.await(SETTLE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            synchronized (queued) {
                queued.clear();
                running = null;
            }
            return;
        }
        while (true) {
            List<String> tables;
            synchronized (queued) {
                if (queued.isEmpty()) {
                    running = null;
                    return;
                }
                tables = List.copyOf(queued);
                queued.clear();
            }
            refresh(tables);
        }
    }

    /**
     * Waits, at most {@code max}, for the refreshes asked for so far on this instance to end; one that
     * has not started looks at once (without waiting the rest of its {@link #SETTLE}).
     *
     * @return whether none is left running
     */
    public boolean awaitRefreshed(Duration max) throws InterruptedException {
        Future<?> f;
        synchronized (queued) {
            f = running;
            settle.countDown();
        }
        if (f == null) {
            return true;
        }
        try {
            f.get(max.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException | CancellationException e) {
            return true; // refresh() logs its own failures; nothing is left to wait for
        }
    }

    @PreDestroy
    void stop() {
        worker.shutdownNow();
    }

    /**
     * Analyses those of {@code tables} whose statistics are stale; outside any transaction of the
     * caller's (each {@code ANALYZE} is its own). Never fails the caller: statistics are an
     * optimisation, and a failure is logged.
     *
     * @return the tables analysed
     */
    public List<String> refresh(List<String> tables) {
        if (!store.postgres() || tables.isEmpty()) {
            return List.of();
        }
        checkNames(tables);
        try {
            List<String> stale = jdbc.queryForList("""
                    select relname from pg_stat_user_tables
                    where relname = any(?) and n_mod_since_analyze >= greatest(?, ? * n_live_tup)
                    order by relname""", String.class,
                new org.springframework.jdbc.support.SqlArrayValue("text", tables.toArray()), MIN_CHANGES, STALE_FRACTION);
            long t0 = System.nanoTime();
            for (String table : stale) {
                jdbc.execute("analyze " + table);
            }
            if (!stale.isEmpty()) {
                log.info("store: statistics of {} brought up to date after a bulk load in {} ms", stale,
                    (System.nanoTime() - t0) / 1_000_000);
            }
            return stale;
        } catch (RuntimeException e) {
            if (worker.isShutdown()) {
                log.debug("store: statistics of {} not brought up to date: stopping", tables);
            } else {
                log.warn("store: could not bring the statistics of {} up to date ({}); autovacuum will", tables, e.toString());
            }
            return List.of();
        }
    }

    private static void checkNames(List<String> tables) {
        tables.forEach(t -> {
            if (!NAME.matcher(t).matches()) {
                throw new IllegalArgumentException("not a table name: " + t);
            }
        });
    }
}
