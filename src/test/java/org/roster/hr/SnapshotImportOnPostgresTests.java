package org.roster.hr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.roster.store.TableStatistics;
import org.roster.support.Databases;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The same imports on PostgreSQL, where a batch's new rows go by {@code COPY} and its changed rows
 * by one {@code UPDATE} per table ({@code BulkUpdate}), and a batch's identities are locked one
 * index lookup each.
 */
class SnapshotImportOnPostgresTests extends SnapshotImportTests {

    @DynamicPropertySource
    static void onPostgres(DynamicPropertyRegistry r) {
        String store = Databases.freshPostgresUrl();
        r.add("roster.store.url", () -> store);
    }

    @Autowired
    TableStatistics statistics;

    @Autowired
    JdbcTemplate template;

    /**
     * The import answers before PostgreSQL's statistics of the tables it grew are brought up to date,
     * which then are: here the analysis waits for a lock this test holds (as {@code ANALYZE} takes it,
     * stopping no read or write), and the import is back all the same.
     */
    @Test
    void anImportAnswersBeforeTheStatisticsOfWhatItWroteAreBroughtUpToDate() throws Exception {
        assertThat(statistics.awaitRefreshed(Duration.ofMinutes(1))).as("what earlier tests left").isTrue();
        String p = prefix();
        String[] rows = new String[3_000];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = "$" + i + ",$u" + i + ",Sales,";
        }
        String analyses = "select analyze_count from pg_stat_user_tables where relname = 'hr_snapshot_row'";
        long before = template.queryForObject(analyses, Long.class);
        javax.sql.DataSource ds = template.getDataSource();
        try (java.sql.Connection holder = ds.getConnection()) {
            holder.setAutoCommit(false);
            holder.createStatement().execute("lock table hr_snapshot_row in share update exclusive mode");
            // were the analysis on the import's thread, it would wait for this lock: let it go in a minute
            java.util.concurrent.CompletableFuture.delayedExecutor(1, java.util.concurrent.TimeUnit.MINUTES).execute(() -> {
                try {
                    holder.rollback();
                } catch (java.sql.SQLException e) {
                    // the test ended meanwhile
                }
            });
            assertThat(importing("sap", csv(p, rows), null).created()).isEqualTo(rows.length);
            // answered; the analysis starts after it, and waits for the lock
            String waiting = "select count(*) from pg_stat_activity where query = 'analyze hr_snapshot_row'"
                + " and wait_event_type = 'Lock'";
            await("analysing after the answer").atMost(Duration.ofSeconds(20))
                .until(() -> template.queryForObject(waiting, Long.class) == 1);
            assertThat(statistics.awaitRefreshed(Duration.ofSeconds(1))).isFalse();
            assertThat(template.queryForObject(analyses, Long.class)).isEqualTo(before);
            holder.rollback();
        }
        assertThat(statistics.awaitRefreshed(Duration.ofMinutes(1))).isTrue();
        assertThat(template.queryForObject(analyses, Long.class)).isEqualTo(before + 1);
    }
}
