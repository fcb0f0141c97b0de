package org.roster.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Timestamp;
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

    @Test
    void nothingIsDoneOnH2AndNamesAreChecked() {
        JdbcTemplate h2 = new JdbcTemplate(Databases.fresh(Databases.Kind.H2));
        assertThat(new TableStatistics(h2).refresh(List.of("hr_snapshot_row"))).isEmpty();
        JdbcTemplate pg = new JdbcTemplate(Databases.fresh(Databases.Kind.POSTGRESQL));
        assertThatThrownBy(() -> new TableStatistics(pg).refresh(List.of("outbox; drop table outbox")))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a table name");
    }
}
