package org.roster.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.roster.audit.internal.AuditRepository;
import org.roster.support.Databases;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/** Audit entries follow their transaction: written with its commit, dropped with its rollback or savepoint rollback. */
class AuditLogTests {

    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void entriesAreWrittenInOrderWithTheCommitAndDroppedWithARolledBackSavepoint(Databases.Kind kind) {
        DataSource ds = Databases.fresh(kind);
        JdbcTransactionManager transactions = new JdbcTransactionManager(ds);
        AuditLog audit = new AuditLog(new AuditRepository(JdbcClient.create(ds), new JdbcTemplate(ds)),
            Clock.fixed(T0, ZoneOffset.UTC), new TransactionTemplate(transactions));
        TransactionTemplate tx = new TransactionTemplate(transactions);
        TransactionTemplate nested = new TransactionTemplate(transactions);
        nested.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);

        tx.executeWithoutResult(s -> {
            audit.append(entry("first"));
            nested.executeWithoutResult(n -> audit.append(entry("kept")));
            try {
                nested.executeWithoutResult(n -> {
                    audit.append(entry("undone"));
                    throw new IllegalStateException("row failed");
                });
            } catch (IllegalStateException expected) {
                // the savepoint is rolled back; the transaction goes on
            }
            audit.append(entry("last"));
            // Not written before the commit: nothing is visible yet, even to this transaction.
            assertThat(audit.countForIdentity("A")).isZero();
        });
        assertThatThrownBy(() -> tx.executeWithoutResult(s -> {
            audit.append(entry("rolled back"));
            throw new IllegalStateException("whole transaction failed");
        })).isInstanceOf(IllegalStateException.class);
        audit.append(entry("outside a transaction"));

        assertThat(audit.forIdentity("A", 0, 10)).extracting(r -> r.entry().detail())
            .containsExactly("first", "kept", "last", "outside a transaction");
    }

    /**
     * The audit API's filters by target and by time window, forwards and newest first, on both stores
     * (on PostgreSQL the target index holds only the records that name one, and the time index is a
     * block-range index, V43): each finds exactly the records it names.
     */
    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void recordsAreFoundByTargetAndTimeWindow(Databases.Kind kind) {
        DataSource ds = Databases.fresh(kind);
        org.roster.support.MutableClock clock = new org.roster.support.MutableClock(T0);
        AuditLog audit = new AuditLog(new AuditRepository(JdbcClient.create(ds), new JdbcTemplate(ds)), clock,
            new TransactionTemplate(new JdbcTransactionManager(ds)));
        // a record a minute for an hour: every third names target "a", every fifth "b", the rest none
        for (int minute = 0; minute < 60; minute++) {
            clock.set(T0.plusSeconds(60L * minute));
            String target = minute % 3 == 0 ? "a" : minute % 5 == 0 ? "b" : null;
            audit.append(new AuditEntry("P" + minute % 4, "TEST", AuditEntry.Stage.EXECUTION, "test", target,
                "minute " + minute, null));
        }
        Instant from = T0.plusSeconds(60L * 10);
        Instant to = T0.plusSeconds(60L * 20);

        assertThat(details(audit.find(new AuditQuery(null, "b", null, null, null, null), 0, 100)))
            .containsExactly("minute 5", "minute 10", "minute 20", "minute 25", "minute 35", "minute 40", "minute 50",
                "minute 55");
        assertThat(details(audit.find(new AuditQuery(null, null, null, null, from, to), 0, 100)))
            .containsExactly("minute 10", "minute 11", "minute 12", "minute 13", "minute 14", "minute 15", "minute 16",
                "minute 17", "minute 18", "minute 19");
        assertThat(details(audit.findLatest(new AuditQuery(null, "a", null, null, from, to), Long.MAX_VALUE, 100)))
            .containsExactly("minute 18", "minute 15", "minute 12");
        assertThat(details(audit.findLatest(new AuditQuery("P1", null, null, null, from, null), Long.MAX_VALUE, 3)))
            .containsExactly("minute 57", "minute 53", "minute 49");
        assertThat(audit.find(new AuditQuery(null, "c", null, null, null, null), 0, 100)).isEmpty();
    }

    private static java.util.List<String> details(java.util.List<AuditRecord> records) {
        return records.stream().map(r -> r.entry().detail()).toList();
    }

    private static AuditEntry entry(String detail) {
        return new AuditEntry("A", "TEST", AuditEntry.Stage.DECISION, "test", null, detail, "c1");
    }
}
