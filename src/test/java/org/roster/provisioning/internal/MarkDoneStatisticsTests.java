package org.roster.provisioning.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.roster.support.Databases;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The statement that marks a dispatcher's batch of acknowledgements done, on PostgreSQL, when the
 * outbox's statistics were taken while every operation was done (a quiet hour, a small store) and
 * a burst has since made thousands pending. The planner must still find each operation by its key:
 * believing one row unfinished, it read the outbox first and rescanned the batch's 500 elements for
 * every unfinished row (a million comparisons here, growing with the backlog).
 */
class MarkDoneStatisticsTests {

    private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

    @Test
    void aBatchIsFoundByKeyWhateverTheLastAnalysisSaw() {
        DataSource ds = Databases.fresh(Databases.Kind.POSTGRESQL);
        JdbcClient jdbc = JdbcClient.create(ds);
        insert(jdbc, 0, 3_000, "DONE");
        jdbc.sql("analyze outbox").update(); // every operation done
        insert(jdbc, 3_000, 2_000, "PENDING"); // the burst, fewer than autovacuum waits for
        List<Long> ids = jdbc.sql("select id from outbox where status = 'PENDING' order by id limit 500")
            .query(Long.class).list();
        Timestamp at = Timestamp.from(T0);

        // Hash and merge joins off: at this size the planner's choice between a hash join and a
        // nested loop is a toss-up (the test suites saw the nested loop); what matters is which side
        // the loop is driven from.
        String plan = new org.springframework.transaction.support.TransactionTemplate(
            new org.springframework.jdbc.support.JdbcTransactionManager(ds)).execute(s -> {
                jdbc.sql("set local enable_hashjoin = off").update();
                jdbc.sql("set local enable_mergejoin = off").update();
                return jdbc.sql("explain (analyze, format json) " + OutboxRepository.MARK_DONE)
                    .params(new SqlArrayValue("bigint", ids.toArray()),
                        new SqlArrayValue("timestamptz", ids.stream().map(id -> at).toArray()),
                        new SqlArrayValue("timestamptz", ids.stream().map(id -> at).toArray()))
                    .query(String.class).single();
            });
        JsonNode root = JsonMapper.builder().build().readTree(plan).get(0).path("Plan");

        assertThat(root.path("Actual Rows").asLong()).as(plan).isEqualTo(500);
        assertThat(removedByJoinFilter(root)).as("rows compared and thrown away: %s", plan).isLessThan(10_000);
        assertThat(jdbc.sql("select count(*) from outbox where status = 'DONE'").query(Long.class).single())
            .isEqualTo(3_500);
        // and the repository marks the next batch with it, each once
        OutboxRepository outbox = new OutboxRepository(jdbc, new JdbcTemplate(ds));
        List<Outcomes.Acknowledged> next = outbox.pending("W3500").stream()
            .map(e -> new Outcomes.Acknowledged(e, T0, T0.plusMillis(1))).toList();
        assertThat(next).hasSize(1);
        List<Outcomes.Acknowledged> batch = new java.util.ArrayList<>(next);
        for (int i = 3_501; i < 3_520; i++) {
            batch.add(new Outcomes.Acknowledged(outbox.pending("W" + i).get(0), T0, T0.plusMillis(1)));
        }
        assertThat(outbox.markDone(batch)).hasSize(20);
        assertThat(outbox.markDone(batch)).as("acknowledged twice, recorded once").isEmpty();
    }

    private static long removedByJoinFilter(JsonNode node) {
        long removed = node.path("Rows Removed by Join Filter").asLong(0);
        for (JsonNode child : node.path("Plans")) {
            removed += removedByJoinFilter(child);
        }
        return removed;
    }

    private static void insert(JdbcClient jdbc, int from, int count, String status) {
        jdbc.sql("""
                insert into outbox (target, identity_key, kind, attributes, reason, priority, status, attempts,
                    correlation_id, hr_received_at, planned_at, next_attempt_at)
                select 'dir', 'W' || g, 'CREATE', '{}', 'test', 0, ?, 0, 'c' || g, ?, ?, ?
                from generate_series(?, ?) g""")
            .params(status, Timestamp.from(T0), Timestamp.from(T0), Timestamp.from(T0), from, from + count - 1).update();
    }
}
