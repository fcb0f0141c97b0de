package org.roster.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.roster.support.Databases;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What a batch transaction defers and what it knows, on both stores: deferred statements reach the
 * table at the commit or when the table is read, never after a rollback, and not when their
 * savepoint was rolled back; a key known to be absent stops being known once a write may add it.
 */
class TransactionBatchTests {

    private static final String INSERT = "insert into hr_event (id, employee_number, source, change_kind, received_at,"
        + " record) values (?, ?, 'test', 'CREATE', current_timestamp, '{}')";

    private DataSource ds;
    private JdbcTemplate jdbc;
    private TransactionTemplate tx;
    private TransactionTemplate nested;

    private void open(Databases.Kind kind) {
        ds = Databases.fresh(kind);
        jdbc = new JdbcTemplate(ds);
        DataSourceTransactionManager manager = new DataSourceTransactionManager(ds);
        tx = new TransactionTemplate(manager);
        nested = new TransactionTemplate(manager);
        nested.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
    }

    private long events() {
        return jdbc.queryForObject("select count(*) from hr_event", Long.class);
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void deferredStatementsRunAtTheCommitOrWhenTheirTableIsRead(Databases.Kind kind) {
        open(kind);
        tx.executeWithoutResult(s -> {
            TransactionBatch.defer(jdbc, "hr_event", INSERT, "e1", "E1");
            TransactionBatch.defer(jdbc, "hr_event", INSERT, "e2", "E2");
            assertThat(events()).as("not written yet").isZero();
            TransactionBatch.flush("hr_event");
            assertThat(events()).as("flushed before a read").isEqualTo(2);
            TransactionBatch.defer(jdbc, "hr_event", INSERT, "e3", "E3");
        });
        assertThat(events()).as("the rest written at the commit").isEqualTo(3);

        // outside a transaction a deferred statement runs at once
        TransactionBatch.defer(jdbc, "hr_event", INSERT, "e4", "E4");
        assertThat(events()).isEqualTo(4);
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void nothingDeferredSurvivesARollbackOrItsSavepointsRollback(Databases.Kind kind) {
        open(kind);
        assertThatThrownBy(() -> tx.executeWithoutResult(s -> {
            TransactionBatch.defer(jdbc, "hr_event", INSERT, "r1", "R1");
            throw new IllegalStateException("rolled back");
        })).hasMessage("rolled back");
        assertThat(events()).isZero();

        tx.executeWithoutResult(s -> {
            TransactionBatch.defer(jdbc, "hr_event", INSERT, "kept-1", "K1");
            try {
                nested.executeWithoutResult(sp -> {
                    TransactionBatch.defer(jdbc, "hr_event", INSERT, "dropped-1", "D1");
                    TransactionBatch.flush("hr_event"); // flushed inside the savepoint: the database rolls it back
                    TransactionBatch.defer(jdbc, "hr_event", INSERT, "dropped-2", "D2");
                    throw new IllegalStateException("row failed");
                });
            } catch (IllegalStateException expected) {
                // the row is held; the batch goes on
            }
            TransactionBatch.defer(jdbc, "hr_event", INSERT, "kept-2", "K2");
        });
        assertThat(jdbc.queryForList("select id from hr_event order by id", String.class))
            .containsExactly("kept-1", "kept-2");
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void appendedRowsAreWrittenTogetherInOrderAndNotWhenTheirSavepointIsRolledBack(Databases.Kind kind) {
        open(kind);
        String columns = "id, employee_number, source, change_kind, received_at, record";
        java.sql.Timestamp at = java.sql.Timestamp.from(java.time.Instant.parse("2026-12-03T07:00:00Z"));
        tx.executeWithoutResult(s -> {
            TransactionBatch.append(jdbc, "hr_event", columns, "a1", "A1", "test", "CREATE", at, "{}");
            try {
                nested.executeWithoutResult(sp -> {
                    TransactionBatch.append(jdbc, "hr_event", columns, "dropped", "D1", "test", "CREATE", at, "{}");
                    throw new IllegalStateException("row failed");
                });
            } catch (IllegalStateException expected) {
                // the row is held; the batch goes on
            }
            TransactionBatch.defer(jdbc, "hr_event", INSERT, "d1", "D1");
            TransactionBatch.append(jdbc, "hr_event", columns, "a2", "A2", "test", "CREATE", at, "{\"x\":\"tab\\there\"}");
            assertThat(events()).as("not written yet").isZero();
        });
        assertThat(jdbc.queryForList("select id from hr_event order by id", String.class))
            .containsExactly("a1", "a2", "d1");
        assertThat(jdbc.queryForObject("select record from hr_event where id = 'a2'", String.class))
            .isEqualTo("{\"x\":\"tab\\there\"}");

        // outside a transaction an appended row is written at once
        TransactionBatch.append(jdbc, "hr_event", columns, "a3", "A3", "test", "CREATE", at, "{}");
        assertThat(events()).isEqualTo(4);
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void aStatementFailingAtTheCommitRollsTheTransactionBack(Databases.Kind kind) {
        open(kind);
        assertThatThrownBy(() -> tx.executeWithoutResult(s -> {
            jdbc.update("insert into identity (employee_number, state, epoch, created_at, updated_at)"
                + " values ('E9', 'ACTIVE', 1, current_timestamp, current_timestamp)");
            TransactionBatch.defer(jdbc, "hr_event", INSERT, "same", "E9");
            TransactionBatch.defer(jdbc, "hr_event", INSERT, "same", "E9");
        })).isInstanceOf(org.springframework.dao.DataIntegrityViolationException.class);
        assertThat(jdbc.queryForObject("select count(*) from identity", Long.class)).isZero();
        assertThat(events()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void aKeyKnownAbsentIsForgottenOnceAWriteMayAddIt(Databases.Kind kind) {
        open(kind);
        assertThat(TransactionBatch.absent("fact", "a")).as("nothing is known outside a transaction").isFalse();
        tx.executeWithoutResult(s -> {
            TransactionBatch.knownAbsent("fact", List.of("a", "b", "c"), Set.of("b"));
            assertThat(TransactionBatch.absent("fact", "a")).isTrue();
            assertThat(TransactionBatch.absent("fact", "b")).as("present").isFalse();
            assertThat(TransactionBatch.absent("fact", "d")).as("never read").isFalse();
            assertThat(TransactionBatch.absent("other", "a")).as("another fact").isFalse();
            TransactionBatch.forget("fact", "a");
            assertThat(TransactionBatch.absent("fact", "a")).isFalse();
            assertThat(TransactionBatch.absent("fact", "c")).isTrue();
        });
        tx.executeWithoutResult(s -> assertThat(TransactionBatch.absent("fact", "c"))
            .as("known only in the transaction that read it").isFalse());
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void aPrefetchReadsWhichKeysHaveRowsInChunks(Databases.Kind kind) {
        open(kind);
        jdbc.update(INSERT, "x1", "E7");
        org.springframework.jdbc.core.simple.JdbcClient client = org.springframework.jdbc.core.simple.JdbcClient.create(ds);
        List<String> keys = java.util.stream.IntStream.range(0, TransactionBatch.PREFETCH_CHUNK * 2 + 5)
            .mapToObj(i -> "E" + i).toList();
        String sql = "select distinct employee_number from hr_event where employee_number in (:keys)";
        tx.executeWithoutResult(s -> {
            TransactionBatch.prefetch(client, "events", sql, keys);
            assertThat(TransactionBatch.absent("events", "E7")).isFalse();
            assertThat(TransactionBatch.absent("events", "E6")).isTrue();
            assertThat(TransactionBatch.absent("events", "E" + (TransactionBatch.PREFETCH_CHUNK * 2 + 4))).isTrue();
        });
        TransactionBatch.prefetch(client, "events", sql, keys); // outside a transaction: nothing is read or known
        assertThat(TransactionBatch.absent("events", "E6")).isFalse();
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void aValueRememberedIsGivenBackUntilForgottenOrItsSavepointIsRolledBack(Databases.Kind kind) {
        open(kind);
        TransactionBatch.remember("fact", "a", "outside");
        assertThat((String) TransactionBatch.known("fact", "a")).as("nothing is remembered outside a transaction").isNull();
        tx.executeWithoutResult(s -> {
            TransactionBatch.knownAbsent("fact", List.of("a", "b"), Set.of());
            TransactionBatch.remember("fact", "a", "one");
            TransactionBatch.remember("fact", "b", "two");
            assertThat((String) TransactionBatch.known("fact", "a")).isEqualTo("one");
            assertThat(TransactionBatch.absent("fact", "a")).as("a value makes it present").isFalse();
            assertThat((String) TransactionBatch.known("other", "a")).as("another fact").isNull();
            TransactionBatch.forget("fact", "a");
            assertThat((String) TransactionBatch.known("fact", "a")).isNull();
            assertThat((String) TransactionBatch.known("fact", "b")).isEqualTo("two");
            nested.executeWithoutResult(inner -> {
                TransactionBatch.remember("fact", "b", "changed inside");
                inner.setRollbackOnly();
            });
            assertThat((String) TransactionBatch.known("fact", "b")).as("the savepoint was rolled back").isNull();
            TransactionBatch.remember("fact", "c", "three");
            TransactionBatch.forgetAll("fact");
            assertThat((String) TransactionBatch.known("fact", "c")).isNull();
        });
        tx.executeWithoutResult(s -> assertThat((String) TransactionBatch.known("fact", "b"))
            .as("known only in the transaction that read it").isNull());
    }
}
