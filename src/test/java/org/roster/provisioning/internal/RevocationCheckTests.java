package org.roster.provisioning.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.roster.audit.AuditLog;
import org.roster.audit.internal.AuditRepository;
import org.roster.plan.Operation;
import org.roster.plan.OperationKind;
import org.roster.plan.Plan;
import org.roster.provisioning.Connector;
import org.roster.provisioning.ReadOp;
import org.roster.provisioning.Revocation;
import org.roster.provisioning.TargetAccount;
import org.roster.support.Databases;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The read-back after a leaver's operations were acknowledged, with connectors that stand for a
 * target that did not do what it acknowledged, and one that cannot be read. (The verified case runs
 * against real OpenLDAP and a real SCIM server in LeaverAcrossTargetsTests.)
 */
class RevocationCheckTests {

    private static final Instant RECEIVED = Instant.parse("2026-11-23T10:00:00Z");
    private static final Instant NOW = RECEIVED.plusSeconds(90);

    private final DataSource ds = Databases.fresh(Databases.Kind.H2);
    private final OutboxRepository outbox = new OutboxRepository(JdbcClient.create(ds), new JdbcTemplate(ds));
    private final RevocationRepository revocations = new RevocationRepository(JdbcClient.create(ds));
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final RevocationCheck check = new RevocationCheck(outbox, revocations,
        new AuditLog(new AuditRepository(JdbcClient.create(ds), new JdbcTemplate(ds)), clock,
            new TransactionTemplate(new JdbcTransactionManager(ds))),
        new TransactionTemplate(new JdbcTransactionManager(ds)), clock, meters);

    @Test
    void anAccountThatStillWorksAfterItsDisableWasAcknowledgedIsAFailedRevocationAndAnSloBreach() {
        Connector lying = new Lying("app");

        check.afterRevocations(lying, Duration.ofSeconds(60), List.of(acked("L1", "app")));

        Revocation r = revocations.forIdentity("L1").get(0);
        assertThat(r.result()).isEqualTo(Revocation.Result.FAILED);
        assertThat(r.detail()).contains("ENABLED").contains("finance");
        assertThat(r.latency()).isEqualTo(Duration.ofSeconds(90));
        assertThat(r.breached()).isTrue();
        assertThat(meters.counter("roster.slo.breaches", "target", "app").count()).isEqualTo(1);
    }

    @Test
    void aTargetThatCannotBeReadIsNotVerifiableAndAPendingOperationPostponesTheCheck() {
        Connector blind = new Blind("legacy");
        outbox.insert(new Plan("L2", "evt-L2", RECEIVED, RECEIVED, "v1", List.of(new Operation("legacy", "L2",
            OperationKind.REMOVE_ENTITLEMENT, Map.of(), "x", "leaver", true)), "test"));

        check.afterRevocations(blind, Duration.ofSeconds(120), List.of(acked("L2", "legacy")));
        assertThat(revocations.forIdentity("L2")).isEmpty();

        outbox.markDone(List.of(new Outcomes.Acknowledged(outbox.pending("L2").get(0), NOW, NOW)));
        check.afterRevocations(blind, Duration.ofSeconds(120), List.of(acked("L2", "legacy")));
        Revocation r = revocations.forIdentity("L2").get(0);
        assertThat(r.result()).isEqualTo(Revocation.Result.NOT_VERIFIABLE);
        assertThat(r.breached()).isFalse();
    }

    private static Outcomes.Acknowledged acked(String identity, String target) {
        Operation op = new Operation(target, identity, OperationKind.DISABLE, Map.of(), null, "LEAVER", true);
        return new Outcomes.Acknowledged(new org.roster.provisioning.OutboxEntry(1, op,
            org.roster.provisioning.OutboxEntry.Status.DONE, 1, "evt-" + identity, RECEIVED, RECEIVED, RECEIVED, NOW,
            null, RECEIVED), NOW, NOW);
    }

    /** A target that acknowledged the disable but still has the account enabled. */
    private record Lying(String name) implements Connector, ReadOp {
        @Override
        public Set<Capability> capabilities() {
            return Set.of(Capability.READ);
        }

        @Override
        public Optional<TargetAccount> read(String identity) {
            return Optional.of(new TargetAccount(identity, true, Map.of(), Set.of("finance")));
        }

        @Override
        public void close() {
        }
    }

    /** A target with no way to read accounts back. */
    private record Blind(String name) implements Connector {
        @Override
        public Set<Capability> capabilities() {
            return Set.of();
        }

        @Override
        public void close() {
        }
    }
}
