package org.roster.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.roster.support.Databases;
import org.springframework.jdbc.core.JdbcTemplate;

/** After a bulk load, PostgreSQL plans with statistics that know the rows are there. */
class TableStatisticsTests {

    @Test
    void aTableABulkLoadGrewIsAnalysedOnceAndThePlanUsesItsIndex() throws Exception {
        JdbcTemplate jdbc = new JdbcTemplate(Databases.fresh(Databases.Kind.POSTGRESQL));
        TableStatistics statistics = new TableStatistics(jdbc);
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            rows.add(new Object[] {"hr", String.format("E%07d", i), "h" + i, "s1"});
        }
        BulkInsert.insert(jdbc, "hr_snapshot_row", "source, employee_number, row_hash, seen_in", rows);
        jdbc.update("insert into hr_event (id, employee_number, source, change_kind, received_at, record) values (?, ?, ?, ?, ?, ?)",
            "e1", "E1", "hr", "CREATE", Timestamp.from(Instant.EPOCH), "{}");
        String keyed = "explain select employee_number, row_hash from hr_snapshot_row where source = 'hr'"
            + " and employee_number > 'E0010000' order by source, employee_number limit 5000";

        List<String> analysed = List.of();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (analysed.isEmpty() && System.nanoTime() < deadline) { // the counters reach pg_stat within a second
            analysed = statistics.refresh(List.of("hr_snapshot_row", "hr_event", "outbox"));
            Thread.sleep(100);
        }

        assertThat(analysed).as("grown by a bulk load; a table with one new row or none is left to autovacuum")
            .containsExactly("hr_snapshot_row");
        assertThat(jdbc.queryForObject("select last_analyze is not null from pg_stat_user_tables where relname = 'hr_snapshot_row'",
            Boolean.class)).isTrue();
        assertThat(String.join("\n", jdbc.queryForList(keyed, String.class))).as("read in key order through the index")
            .contains("Index").doesNotContain("Sort");
        assertThat(statistics.refresh(List.of("hr_snapshot_row"))).as("up to date now").isEmpty();
    }

    /**
     * An import has the statistics brought up to date after it answered: the refresh runs on a thread of
     * its own, and the next import waits for it. Shown with the table locked as {@code ANALYZE} locks it
     * (which stops no read or write): the caller is back while the analysis waits.
     */
    @Test
    void aRefreshAskedForRunsOnItsOwnThreadAndCanBeWaitedFor() throws Exception {
        javax.sql.DataSource ds = Databases.fresh(Databases.Kind.POSTGRESQL);
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        TableStatistics statistics = new TableStatistics(jdbc);
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            rows.add(new Object[] {"hr", String.format("E%07d", i), "h" + i, "s1"});
        }
        BulkInsert.insert(jdbc, "hr_snapshot_row", "source, employee_number, row_hash, seen_in", rows);
        String counts = "select n_mod_since_analyze from pg_stat_user_tables where relname = 'hr_snapshot_row'";
        await("the counters reach pg_stat within a second").atMost(Duration.ofSeconds(10))
            .until(() -> jdbc.queryForObject(counts, Long.class) >= 20_000);
        String analyses = "select analyze_count from pg_stat_user_tables where relname = 'hr_snapshot_row'";
        try {
            try (java.sql.Connection holder = ds.getConnection()) {
                holder.setAutoCommit(false);
                holder.createStatement().execute("lock table hr_snapshot_row in share update exclusive mode");
                statistics.refreshSoon(List.of("hr_snapshot_row"));
                assertThat(statistics.awaitRefreshed(Duration.ofSeconds(3)))
                    .as("returned while its ANALYZE waits for the lock").isFalse();
                statistics.refreshSoon(List.of("hr_event")); // asked for meanwhile: looked at after it
                assertThat(jdbc.queryForObject(analyses, Long.class)).isZero();
                holder.commit();
            }
            assertThat(statistics.awaitRefreshed(Duration.ofSeconds(30))).as("done once the lock went").isTrue();
            assertThat(jdbc.queryForObject(analyses, Long.class)).isEqualTo(1);
            assertThat(statistics.awaitRefreshed(Duration.ZERO)).as("nothing left running").isTrue();
            assertThatThrownBy(() -> statistics.refreshSoon(List.of("outbox; drop table outbox")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a table name");
        } finally {
            statistics.stop();
        }
    }

    @Test
    void nothingIsDoneOnH2AndNamesAreChecked() {
        JdbcTemplate h2 = new JdbcTemplate(Databases.fresh(Databases.Kind.H2));
        TableStatistics onH2 = new TableStatistics(h2);
        assertThat(onH2.refresh(List.of("hr_snapshot_row"))).isEmpty();
        onH2.refreshSoon(List.of("hr_snapshot_row"));
        try {
            assertThat(onH2.awaitRefreshed(Duration.ZERO)).as("nothing started").isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        } finally {
            onH2.stop();
        }
        JdbcTemplate pg = new JdbcTemplate(Databases.fresh(Databases.Kind.POSTGRESQL));
        assertThatThrownBy(() -> new TableStatistics(pg).refresh(List.of("outbox; drop table outbox")))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a table name");
    }
}
