package org.roster.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.roster.hr.QuarantinedRecord;
import org.roster.hr.internal.QuarantineRepository;
import org.roster.lifecycle.LifecycleState;
import org.roster.lifecycle.Transition;
import org.roster.lifecycle.TransitionKind;
import org.roster.lifecycle.internal.IdentityRepository;
import org.roster.provisioning.Revocation;
import org.roster.provisioning.internal.RevocationRepository;
import org.roster.reconcile.DriftSummary;
import org.roster.reconcile.Finding;
import org.roster.reconcile.ReconcileRun;
import org.roster.reconcile.internal.FindingRepository;
import org.roster.support.Databases;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The queries behind reconciliation runs and the compliance report, on both stores: H2 and a real PostgreSQL. */
class EvidenceQueryTests {

    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void runsFindingsAndAcceptances(Databases.Kind kind) {
        FindingRepository repo = new FindingRepository(JdbcClient.create(Databases.fresh(kind)));
        String first = repo.startRun("directory", "REPORT", "alice", T0);
        repo.add(finding(first, "E1", Finding.Kind.EXTRA_ENTITLEMENT, "vpn", Finding.Status.OPEN));
        repo.add(finding(first, null, Finding.Kind.ORPHAN_ACCOUNT, null, Finding.Status.OPEN));
        repo.progress(first, 500, 2, 0);
        assertThat(repo.run(first).orElseThrow().status()).isEqualTo(ReconcileRun.Status.RUNNING);
        assertThat(repo.run(first).orElseThrow().accounts()).isEqualTo(500);
        repo.finishRun(first, 1000, 2, 0, null, T0.plusSeconds(10));
        String second = repo.startRun("directory", "MEND", "schedule", T0.plusSeconds(3600));
        repo.add(finding(second, "E1", Finding.Kind.EXTRA_ENTITLEMENT, "vpn", Finding.Status.MENDED));
        repo.finishRun(second, 1000, 1, 1, null, T0.plusSeconds(3610));
        String failed = repo.startRun("crm", "REPORT", "alice", T0.plusSeconds(60));
        repo.finishRun(failed, 0, 0, 0, "crm is down", T0.plusSeconds(61));

        assertThat(repo.run(failed).orElseThrow().status()).isEqualTo(ReconcileRun.Status.FAILED);
        assertThat(repo.runs(null, 10)).extracting(ReconcileRun::id).containsExactly(second, failed, first);
        assertThat(repo.runs("crm", 10)).extracting(ReconcileRun::id).containsExactly(failed);
        assertThat(repo.forRun(first, Finding.Kind.ORPHAN_ACCOUNT, null, "", 10)).hasSize(1);
        assertThat(repo.forRun(first, null, Finding.Status.OPEN, "", 10)).hasSize(2);
        assertThat(repo.forRun(first, null, null, "", 1)).hasSize(1);
        assertThat(repo.countsByKindAndStatus(first)).containsEntry("EXTRA_ENTITLEMENT/OPEN", 1L)
            .containsEntry("ORPHAN_ACCOUNT/OPEN", 1L);

        Instant end = T0.plus(Duration.ofDays(1));
        assertThat(repo.countsBetween(T0, end)).contains(
            new DriftSummary.Count("directory", Finding.Kind.EXTRA_ENTITLEMENT, Finding.Status.OPEN, 1),
            new DriftSummary.Count("directory", Finding.Kind.EXTRA_ENTITLEMENT, Finding.Status.MENDED, 1));
        // as it stood at the end: the last finished run of each target
        assertThat(repo.latestCountsBetween(T0, end)).containsExactly(
            new DriftSummary.Count("directory", Finding.Kind.EXTRA_ENTITLEMENT, Finding.Status.MENDED, 1));
        assertThat(repo.runsBetween(T0, T0.plusSeconds(120))).hasSize(2);

        Finding orphan = repo.forRun(first, Finding.Kind.ORPHAN_ACCOUNT, null, "", 1).get(0);
        repo.accept(orphan, "uid=svc,ou=people", "bob", "the backup job's account", T0, T0.plus(Duration.ofDays(30)));
        assertThat(repo.accepted("directory", Finding.Kind.ORPHAN_ACCOUNT, "uid=svc,ou=people", null, T0.plusSeconds(1)))
            .hasValueSatisfying(note -> assertThat(note).contains("bob").contains("backup job"));
        assertThat(repo.accepted("directory", Finding.Kind.ORPHAN_ACCOUNT, "uid=svc,ou=people", null,
            T0.plus(Duration.ofDays(31)))).isEmpty();
        assertThat(repo.acceptancesAt(T0.plusSeconds(1))).singleElement()
            .satisfies(a -> assertThat(a.acceptedBy()).isEqualTo("bob"));
        String stopped = repo.startRun("directory", "REPORT", "alice", T0.plusSeconds(7200));
        String elsewhere = repo.startRun("crm", "REPORT", "alice", T0.plusSeconds(7200));
        assertThat(repo.abandonRunningExcept(java.util.Set.of(elsewhere), T0.plusSeconds(7300)))
            .as("a run another instance still renews goes on").isEqualTo(1);
        assertThat(repo.run(stopped)).get().extracting(r -> r.status().name()).isEqualTo("FAILED");
        assertThat(repo.run(elsewhere)).get().extracting(r -> r.status().name()).isEqualTo("RUNNING");
        assertThat(repo.abandonRunning(T0.plusSeconds(7300))).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void reportQueriesReadTheirPeriodOnly(Databases.Kind kind) {
        javax.sql.DataSource ds = Databases.fresh(kind);
        JdbcClient jdbc = JdbcClient.create(ds);
        IdentityRepository identities = new IdentityRepository(jdbc, new org.springframework.jdbc.core.JdbcTemplate(ds));
        for (int i = 0; i < 3; i++) {
            identities.appendTransition("E" + i, new Transition(0, i == 2 ? TransitionKind.LEAVER : TransitionKind.JOINER,
                null, LifecycleState.ACTIVE, List.of(), "hr-" + i, null, T0.plusSeconds(i * 3600L), null));
        }
        assertThat(identities.countTransitions(T0, T0.plusSeconds(7200)))
            .containsEntry("JOINER", 2L).doesNotContainKey("LEAVER");

        RevocationRepository revocations = new RevocationRepository(jdbc);
        revocations.save(new Revocation("E2", "directory", "hr-2", T0, T0.plusMillis(40), T0.plusMillis(90),
            Revocation.Result.VERIFIED, "disabled", Duration.ofMillis(90), Duration.ofSeconds(60), false));
        assertThat(revocations.between(T0, T0.plusSeconds(1), 10)).singleElement()
            .satisfies(r -> assertThat(r.latency()).isEqualTo(Duration.ofMillis(90)));
        assertThat(revocations.between(T0.plusSeconds(1), T0.plusSeconds(2), 10)).isEmpty();

        QuarantineRepository quarantine = new QuarantineRepository(jdbc, new org.springframework.jdbc.core.JdbcTemplate(ds));
        quarantine.insert(new QuarantinedRecord("q1", "feed", null, "E9", "{}", "endDate", "not a date",
            QuarantinedRecord.Status.OPEN, T0, null, null));
        assertThat(quarantine.receivedBetween(T0, T0.plusSeconds(1), 10)).hasSize(1);
        assertThat(quarantine.receivedBetween(T0.plusSeconds(1), T0.plusSeconds(2), 10)).isEmpty();
    }

    private static Finding finding(String run, String identity, Finding.Kind kind, String item, Finding.Status status) {
        return new Finding(FindingRepository.newId(), run, "directory", identity,
            identity == null ? "uid=svc,ou=people" : "uid=" + identity, kind, item, "detail", status, null, T0);
    }
}
