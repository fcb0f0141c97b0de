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

    private static AuditEntry entry(String detail) {
        return new AuditEntry("A", "TEST", AuditEntry.Stage.DECISION, "test", null, detail, "c1");
    }
}
