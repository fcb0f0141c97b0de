package org.roster.store;

import java.util.List;
import java.util.regex.Pattern;
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
 */
@Component
public class TableStatistics {

    private static final Logger log = LoggerFactory.getLogger(TableStatistics.class);

    /** Changes since the last analysis, as a fraction of the rows, beyond which a table is analysed. */
    static final double STALE_FRACTION = 0.1;

    /** Fewer changed rows than this never make a table stale (autovacuum's own threshold is 50). */
    static final long MIN_CHANGES = 1000;

    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]*");

    private final JdbcTemplate jdbc;
    private final StoreKind store;

    public TableStatistics(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
        this.store = new StoreKind(jdbc);
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
        tables.forEach(t -> {
            if (!NAME.matcher(t).matches()) {
                throw new IllegalArgumentException("not a table name: " + t);
            }
        });
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
            log.warn("store: could not bring the statistics of {} up to date ({}); autovacuum will", tables, e.toString());
            return List.of();
        }
    }
}
