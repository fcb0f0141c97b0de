package org.roster.support;

import java.util.Locale;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What PostgreSQL spent its time on, by statement, for a benchmark run with {@code
 * -Dpg.stat_statements=true} (which {@link Databases} turns into the extension preloaded).
 */
public final class PgStatements {

    private PgStatements() {
    }

    /** Whether the benchmark was asked to collect them. */
    public static boolean wanted() {
        return Boolean.getBoolean("pg.stat_statements");
    }

    /** Starts counting afresh (making the extension in this database first if needed). */
    public static void reset(JdbcClient jdbc) {
        jdbc.sql("create extension if not exists pg_stat_statements").update();
        jdbc.sql("select pg_stat_statements_reset()").query().singleValue();
    }

    /**
     * The statements PostgreSQL spent most time on since the last reset ({@code -Dpg.top=N} of them, 15
     * by default), after the sum over all of them and the longest single execution (what {@code
     * roster.store.socket-timeout} must stay above).
     */
    public static String top(JdbcClient jdbc) {
        StringBuilder top = new StringBuilder();
        jdbc.sql("select sum(calls), sum(total_exec_time), sum(total_plan_time), max(max_exec_time) from pg_stat_statements")
            .query((rs, n) -> String.format(Locale.ROOT, "%n    all: %d calls, %.0f ms executing + %.0f ms planning; the longest execution %.0f ms",
                rs.getLong(1), rs.getDouble(2), rs.getDouble(3), rs.getDouble(4))).list().forEach(top::append);
        jdbc.sql("""
                select calls, total_exec_time, rows, regexp_replace(query, '\\s+', ' ', 'g'), total_plan_time
                from pg_stat_statements order by total_exec_time + total_plan_time desc limit ?""")
            .param(Integer.getInteger("pg.top", 15))
            .query((rs, n) -> String.format(Locale.ROOT, "%n    %9.0f ms + %6.0f ms planning %8d calls %9d rows  %.110s",
                rs.getDouble(2), rs.getDouble(5), rs.getLong(1), rs.getLong(3), rs.getString(4))).list().forEach(top::append);
        return top.toString();
    }
}
