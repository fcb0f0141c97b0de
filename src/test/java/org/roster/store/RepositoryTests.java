package org.roster.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.roster.support.TestWorkers.worker;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.roster.audit.AuditEntry;
import org.roster.audit.internal.AuditRepository;
import org.roster.hr.StoredWorker;
import org.roster.hr.internal.WorkerRepository;
import org.roster.lifecycle.Identity;
import org.roster.lifecycle.LifecycleState;
import org.roster.lifecycle.Transition;
import org.roster.lifecycle.TransitionKind;
import org.roster.lifecycle.internal.IdentityRepository;
import org.roster.plan.AccountSnapshot;
import org.roster.plan.Operation;
import org.roster.plan.OperationKind;
import org.roster.plan.Plan;
import org.roster.provisioning.OutboxEntry;
import org.roster.provisioning.internal.AccountRepository;
import org.roster.provisioning.internal.OutboxRepository;
import org.roster.provisioning.internal.Outcomes;
import org.roster.support.Databases;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Every module's repository on both stores: the embedded H2 and a real PostgreSQL. */
class RepositoryTests {

    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    private static final java.util.Map<JdbcClient, javax.sql.DataSource> SOURCES = new java.util.IdentityHashMap<>();

    private static JdbcClient jdbc(Databases.Kind kind) {
        javax.sql.DataSource ds = Databases.fresh(kind);
        JdbcClient client = JdbcClient.create(ds);
        SOURCES.put(client, ds);
        return client;
    }

    private static org.springframework.jdbc.core.JdbcTemplate jdbcTemplate(JdbcClient client) {
        return new org.springframework.jdbc.core.JdbcTemplate(SOURCES.get(client));
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void workersAreFoundByIdEmployeeNumberAndUserNameIgnoringCase(Databases.Kind kind) {
        JdbcClient client = jdbc(kind);
        WorkerRepository repo = new WorkerRepository(client, jdbcTemplate(client));
        StoredWorker stored = new StoredWorker("id-1", 1, T0, T0, worker().employeeNumber("E1").userName("Ada.L").build());

        repo.insert(stored);

        assertThat(repo.findById("id-1")).contains(stored);
        assertThat(repo.findByEmployeeNumber("E1")).contains(stored);
        assertThat(repo.employeeNumberOfUserName("ada.l")).contains("E1");
        assertThat(repo.count()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void updateAtAStaleVersionChangesNothing(Databases.Kind kind) {
        JdbcClient client = jdbc(kind);
        WorkerRepository repo = new WorkerRepository(client, jdbcTemplate(client));
        StoredWorker v1 = new StoredWorker("id-1", 1, T0, T0, worker().employeeNumber("E1").build());
        repo.insert(v1);
        StoredWorker v2 = new StoredWorker("id-1", 2, T0, T0.plusSeconds(1), worker().employeeNumber("E1").title("Lead").build());

        assertThat(repo.update(v2, 1)).isTrue();
        assertThat(repo.update(new StoredWorker("id-1", 2, T0, T0, worker().employeeNumber("E1").title("X").build()), 1))
            .isFalse();
        assertThat(repo.findById("id-1").orElseThrow().worker().title()).isEqualTo("Lead");
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void userNamesAreUniqueIgnoringCase(Databases.Kind kind) {
        JdbcClient client = jdbc(kind);
        WorkerRepository repo = new WorkerRepository(client, jdbcTemplate(client));
        repo.insert(new StoredWorker("id-1", 1, T0, T0, worker().employeeNumber("E1").userName("ada").build()));

        assertThatThrownBy(() -> repo.insert(
            new StoredWorker("id-2", 1, T0, T0, worker().employeeNumber("E2").userName("ADA").build())))
            .isInstanceOf(DuplicateKeyException.class);
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void identitiesAreListedByStateAndPagedAndTransitionsKeepTheirChanges(Databases.Kind kind) {
        JdbcClient client = jdbc(kind);
        IdentityRepository repo = new IdentityRepository(client, jdbcTemplate(client));
        for (int i = 0; i < 5; i++) {
            repo.insert(new Identity("E" + i, i < 3 ? LifecycleState.ACTIVE : LifecycleState.TERMINATED, 1, T0, T0));
        }
        repo.appendTransition("E1", new Transition(0, TransitionKind.MOVER, LifecycleState.ACTIVE, LifecycleState.ACTIVE,
            List.of("department: A -> B"), "evt-1", T0.minusSeconds(60), T0, java.time.Duration.ofSeconds(60)));

        assertThat(repo.count(LifecycleState.ACTIVE)).isEqualTo(3);
        assertThat(repo.list(LifecycleState.ACTIVE, 1, 10)).extracting(Identity::employeeNumber).containsExactly("E1", "E2");
        assertThat(repo.list(null, 0, 2)).extracting(Identity::employeeNumber).containsExactly("E0", "E1");
        assertThat(repo.transitions("E1")).singleElement().satisfies(t -> {
            assertThat(t.kind()).isEqualTo(TransitionKind.MOVER);
            assertThat(t.changes()).containsExactly("department: A -> B");
            assertThat(t.effectiveAt()).isEqualTo(T0.minusSeconds(60));
            assertThat(t.late()).isEqualTo(java.time.Duration.ofSeconds(60));
        });
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void outboxKeepsEachOperationsDeliveryState(Databases.Kind kind) {
        JdbcClient jdbc = jdbc(kind);
        OutboxRepository outbox = new OutboxRepository(jdbc, jdbcTemplate(jdbc));
        outbox.insert(plan("A", op("A", OperationKind.CREATE, false), op("A", OperationKind.ADD_ENTITLEMENT, false)));
        outbox.insert(plan("B", op("B", OperationKind.DISABLE, true)));
        List<OutboxEntry> a = outbox.pending("A");
        long createA = a.get(0).id();
        OutboxEntry disableB = outbox.pending("B").get(0);

        outbox.markDone(List.of(new Outcomes.Acknowledged(a.get(0), T0, T0.plusMillis(5))));
        outbox.markRetry(disableB, T0, T0.plusSeconds(30), "busy");

        assertThat(a.get(0).hrReceivedAt()).isEqualTo(T0);
        assertThat(outbox.pending("A")).extracting(e -> e.operation().kind()).containsExactly(OperationKind.ADD_ENTITLEMENT);
        assertThat(outbox.pending("B").get(0).nextAttemptAt()).isEqualTo(T0.plusSeconds(30));
        assertThat(outbox.pending("B").get(0).lastError()).isEqualTo("busy");
        assertThat(outbox.pending("B").get(0).attempts()).as("the failed attempt counted with its outcome").isEqualTo(1);
        assertThat(outbox.pending("B").get(0).sentAt()).isEqualTo(T0);
        assertThat(outbox.forIdentity("A", 10)).first().satisfies(e -> assertThat(e.status()).isEqualTo(OutboxEntry.Status.PENDING));
        assertThat(outbox.forIdentity("A", 10).get(1).ackedAt()).isEqualTo(T0.plusMillis(5));
        assertThat(outbox.forIdentity("A", 10).get(1).attempts()).isEqualTo(1);
        assertThat(outbox.forIdentity("A", 10).get(1).sentAt()).isEqualTo(T0);
        assertThat(outbox.forIdentity("A", 10).get(0).attempts()).as("not sent yet, nothing written").isZero();
        assertThat(outbox.pendingByTarget()).containsExactly(Map.entry("dir", 2L));

        outbox.markDead(disableB, T0.plusSeconds(30), "refused");
        assertThat(outbox.pending("B")).isEmpty();
        assertThat(outbox.forIdentity("B", 1).get(0).attempts()).isEqualTo(2);
        assertThat(outbox.countByStatus(OutboxEntry.Status.DEAD)).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void anOperationIsMarkedDoneOnceAndNeverOnceDead(Databases.Kind kind) {
        JdbcClient jdbc = jdbc(kind);
        OutboxRepository outbox = new OutboxRepository(jdbc, jdbcTemplate(jdbc));
        for (String id : List.of("A", "B", "C")) {
            outbox.insert(plan(id, op(id, OperationKind.CREATE, false)));
        }
        OutboxEntry a = outbox.pending("A").get(0);
        OutboxEntry b = outbox.pending("B").get(0);
        OutboxEntry c = outbox.pending("C").get(0);
        outbox.markRetry(a, T0, T0.plusMillis(500), "busy");
        outbox.markDead(c, T0, "refused");

        // a retried, then acknowledged on its second attempt; b's a closed manual task: not an attempt
        assertThat(outbox.markDone(List.of(new Outcomes.Acknowledged(a, T0.plusSeconds(1), T0.plusMillis(1005)),
                new Outcomes.Acknowledged(b, null, T0.plusMillis(7)), new Outcomes.Acknowledged(c, T0, T0.plusMillis(9)))))
            .containsExactlyInAnyOrder(a.id(), b.id());
        assertThat(outbox.markDone(List.of(new Outcomes.Acknowledged(a, T0, T0.plusMillis(50)))))
            .as("acknowledged twice, recorded once").isEmpty();
        assertThat(outbox.forIdentity("A", 1).get(0)).satisfies(e -> {
            assertThat(e.ackedAt()).isEqualTo(T0.plusMillis(1005));
            assertThat(e.sentAt()).isEqualTo(T0.plusSeconds(1));
            assertThat(e.attempts()).isEqualTo(2);
        });
        assertThat(outbox.forIdentity("B", 1).get(0).attempts()).isZero();
        assertThat(outbox.forIdentity("B", 1).get(0).ackedAt()).isEqualTo(T0.plusMillis(7));
        assertThat(outbox.forIdentity("C", 1).get(0).status()).isEqualTo(OutboxEntry.Status.DEAD);

        // a dispatcher's batch: one statement on PostgreSQL from SET_BASED_FROM acknowledgements
        List<Outcomes.Acknowledged> batch = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            outbox.insert(plan("N" + i, op("N" + i, OperationKind.CREATE, false)));
            batch.add(new Outcomes.Acknowledged(outbox.pending("N" + i).get(0), i == 8 ? null : T0, T0.plusMillis(i)));
        }
        OutboxEntry dead = outbox.pending("N0").get(0);
        outbox.markDead(dead, T0, "refused");
        batch.add(new Outcomes.Acknowledged(a, T0, T0.plusSeconds(9)));
        assertThat(batch).hasSizeGreaterThanOrEqualTo(16);

        assertThat(outbox.markDone(batch)).hasSize(19).doesNotContain(dead.id(), a.id());
        assertThat(outbox.forIdentity("N7", 1).get(0)).satisfies(e -> {
            assertThat(e.ackedAt()).isEqualTo(T0.plusMillis(7));
            assertThat(e.sentAt()).isEqualTo(T0);
            assertThat(e.attempts()).isEqualTo(1);
        });
        assertThat(outbox.forIdentity("N8", 1).get(0)).satisfies(e -> {
            assertThat(e.sentAt()).as("not an attempt").isNull();
            assertThat(e.attempts()).isZero();
        });
        assertThat(outbox.forIdentity("N0", 1).get(0).status()).isEqualTo(OutboxEntry.Status.DEAD);
        assertThat(outbox.markDone(batch)).as("the same batch again").isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void operationsAndIdentitiesAddedInATransactionAreWrittenAtItsEndAndReadBackInIt(Databases.Kind kind) {
        JdbcClient jdbc = jdbc(kind);
        OutboxRepository outbox = new OutboxRepository(jdbc, jdbcTemplate(jdbc));
        IdentityRepository identities = new IdentityRepository(jdbc, jdbcTemplate(jdbc));
        var tx = new org.springframework.transaction.support.TransactionTemplate(
            new org.springframework.jdbc.support.JdbcTransactionManager(SOURCES.get(jdbc)));

        tx.executeWithoutResult(s -> {
            identities.insert(new Identity("A", LifecycleState.ACTIVE, 1, T0, T0));
            outbox.insert(plan("A", op("A", OperationKind.CREATE, false)));
            outbox.insert(plan("B", op("B", OperationKind.CREATE, false)));
            outbox.insert(plan("A", op("A", OperationKind.ADD_ENTITLEMENT, false)));
            // queued, not yet written: what this transaction reads writes them first
            assertThat(jdbc.sql("select count(*) from outbox").query(Long.class).single()).isZero();
            assertThat(outbox.pending("A")).extracting(e -> e.operation().kind())
                .containsExactly(OperationKind.CREATE, OperationKind.ADD_ENTITLEMENT);
            assertThat(identities.findForUpdate("A")).isPresent();
            outbox.insert(plan("C", op("C", OperationKind.CREATE, false)));
        });
        tx.executeWithoutResult(s -> {
            outbox.insert(plan("D", op("D", OperationKind.CREATE, false)));
            identities.insert(new Identity("D", LifecycleState.ACTIVE, 1, T0, T0));
            s.setRollbackOnly();
        });

        assertThat(outbox.pending("C")).hasSize(1);
        assertThat(outbox.pending("D")).as("rolled back").isEmpty();
        assertThat(identities.find("D")).isEmpty();
        assertThat(outbox.forIdentity("A", 10).get(0).id()).as("planning order").isGreaterThan(outbox.pending("B").get(0).id());
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void aWorkerLockedByABatchIsUpdatedAtItsCommitAndNoOneElseChangesItMeanwhile(Databases.Kind kind) {
        JdbcClient client = jdbc(kind);
        WorkerRepository repo = new WorkerRepository(client, jdbcTemplate(client));
        repo.insert(new StoredWorker("id-1", 1, T0, T0, worker().employeeNumber("E1").build()));
        repo.insert(new StoredWorker("id-2", 1, T0, T0, worker().employeeNumber("E2").userName("e2").build()));
        var tx = new org.springframework.transaction.support.TransactionTemplate(
            new org.springframework.jdbc.support.JdbcTransactionManager(SOURCES.get(client)));
        var other = new org.springframework.transaction.support.TransactionTemplate(
            new org.springframework.jdbc.support.JdbcTransactionManager(SOURCES.get(client)));

        tx.executeWithoutResult(s -> {
            assertThat(repo.lockByEmployeeNumbers(List.of("E2", "E1", "NEW"))).extracting(w -> w.worker().employeeNumber())
                .containsExactly("E1", "E2");
            var attempt = java.util.concurrent.CompletableFuture.supplyAsync(() -> other.execute(o -> {
                client.sql(kind == Databases.Kind.POSTGRESQL ? "set local lock_timeout = '200ms'" : "set lock_timeout 200")
                    .update();
                return client.sql("update hr_worker set version = version where employee_number = 'E1'").update();
            }));
            assertThatThrownBy(attempt::join).hasCauseInstanceOf(org.springframework.dao.DataAccessException.class);
            assertThat(repo.update(new StoredWorker("id-1", 2, T0, T0.plusSeconds(1),
                worker().employeeNumber("E1").title("Lead").build()), 1)).isTrue();
            assertThat(client.sql("select version from hr_worker where employee_number = 'E1'").query(Long.class).single())
                .as("written at the commit").isEqualTo(1);
            assertThat(repo.update(new StoredWorker("id-1", 3, T0, T0.plusSeconds(2),
                worker().employeeNumber("E1").title("Head").build()), 2)).as("again, from the version it wrote").isTrue();
            assertThat(repo.update(new StoredWorker("id-2", 2, T0, T0, worker().employeeNumber("E2").userName("e2").build()), 7))
                .as("a version it did not lock: checked at once").isFalse();
        });
        assertThat(repo.findById("id-1").orElseThrow()).satisfies(w -> {
            assertThat(w.version()).isEqualTo(3);
            assertThat(w.worker().title()).isEqualTo("Head");
        });
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void aBatchLocksItsIdentitiesAndReadsTheirOperationsAndAccountsTogether(Databases.Kind kind) throws Exception {
        JdbcClient jdbc = jdbc(kind);
        OutboxRepository outbox = new OutboxRepository(jdbc, jdbcTemplate(jdbc));
        IdentityRepository identities = new IdentityRepository(jdbc, jdbcTemplate(jdbc));
        AccountRepository accounts = new AccountRepository(jdbc, jdbcTemplate(jdbc));
        identities.insert(new Identity("A", LifecycleState.ACTIVE, 1, T0, T0));
        identities.insert(new Identity("B", LifecycleState.ACTIVE, 1, T0, T0));
        outbox.insert(plan("A", op("A", OperationKind.CREATE, false), op("A", OperationKind.ADD_ENTITLEMENT, false)));
        outbox.insert(plan("B", op("B", OperationKind.CREATE, false)));
        outbox.markDone(List.of(new Outcomes.Acknowledged(outbox.pending("B").get(0), T0, T0)));
        accounts.saveAll(List.of(new AccountSnapshot("wiki", "B", true, Map.of(), Set.of()),
            new AccountSnapshot("dir", "B", true, Map.of(), Set.of("staff"))), T0);
        var tx = new org.springframework.transaction.support.TransactionTemplate(
            new org.springframework.jdbc.support.JdbcTransactionManager(SOURCES.get(jdbc)));
        var other = new org.springframework.transaction.support.TransactionTemplate(
            new org.springframework.jdbc.support.JdbcTransactionManager(SOURCES.get(jdbc)));

        tx.executeWithoutResult(s -> {
            assertThat(identities.lockExisting(List.of("N", "B", "A"))).containsExactly("A", "B");
            // locked until this transaction ends: another cannot take the lock meanwhile
            var attempt = java.util.concurrent.CompletableFuture.supplyAsync(() -> other.execute(o -> {
                jdbc.sql(kind == Databases.Kind.POSTGRESQL ? "set local lock_timeout = '200ms'" : "set lock_timeout 200")
                    .update();
                return jdbc.sql("update identity set epoch = epoch where employee_number = 'B'").update();
            }));
            assertThatThrownBy(attempt::join).hasCauseInstanceOf(org.springframework.dao.DataAccessException.class);
            assertThat(identities.findForUpdate("N")).isEmpty();
            identities.update(new Identity("A", LifecycleState.TERMINATED, 1, T0, T0.plusSeconds(1)));
            assertThat(identities.findForUpdate("A")).get().extracting(Identity::state).isEqualTo(LifecycleState.TERMINATED);
            assertThat(identities.find("A")).as("the deferred update written before a read")
                .get().extracting(Identity::state).isEqualTo(LifecycleState.TERMINATED);

            assertThat(outbox.pending(List.of("B", "A", "N"))).extracting(e -> e.operation().identity() + " "
                + e.operation().kind()).containsExactly("A CREATE", "A ADD_ENTITLEMENT");
            assertThat(accounts.forIdentities(List.of("A", "B", "N"))).containsOnlyKeys("B")
                .extractingByKey("B").asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
                .extracting(a -> ((AccountSnapshot) a).target()).containsExactly("dir", "wiki");
        });
        assertThat(identities.find("A")).get().extracting(Identity::state).isEqualTo(LifecycleState.TERMINATED);
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void aBatchKnowsWhichOfItsWorkersOwnNhisUntilAnNhiChangesHands(Databases.Kind kind) {
        JdbcClient jdbc = jdbc(kind);
        var nhis = new org.roster.nhi.internal.NhiRepository(jdbc);
        nhis.insert(new org.roster.nhi.Nhi("n1", "svc-payroll", org.roster.nhi.Nhi.Kind.SERVICE_ACCOUNT, "dir", "OWNER",
            null, "payroll export", org.roster.nhi.Nhi.State.ACTIVE, "declared", T0, "admin", T0.plusSeconds(86_400),
            null, null, T0, null, null, null, null));
        var tx = new org.springframework.transaction.support.TransactionTemplate(
            new org.springframework.jdbc.support.JdbcTransactionManager(SOURCES.get(jdbc)));

        tx.executeWithoutResult(s -> {
            nhis.prefetchOwners(List.of("OWNER", "HEIR", "OTHER"));
            assertThat(nhis.ownedBy("OTHER")).isEmpty();
            assertThat(nhis.ownedBy("OWNER")).extracting(org.roster.nhi.Nhi::id).containsExactly("n1");
            // handed over in the same transaction: the heir, read as owning none, now owns it
            nhis.move("n1", org.roster.nhi.Nhi.State.ACTIVE, org.roster.nhi.Nhi.State.REVIEW, "HEIR", "OWNER", T0, T0);
            assertThat(nhis.ownedBy("HEIR")).extracting(org.roster.nhi.Nhi::id).containsExactly("n1");
        });
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void accountStateIsInsertedThenReplaced(Databases.Kind kind) {
        JdbcClient jdbc = jdbc(kind);
        AccountRepository accounts = new AccountRepository(jdbc, jdbcTemplate(jdbc));
        accounts.saveAll(List.of(new AccountSnapshot("dir", "A", true, Map.of("userName", "a"), Set.of("x"))), T0);
        accounts.saveAll(List.of(new AccountSnapshot("dir", "A", false, Map.of("userName", "a"), Set.of()),
            new AccountSnapshot("dir", "B", true, Map.of("userName", "b"), Set.of())), T0);

        assertThat(accounts.find("dir", "A")).hasValueSatisfying(a -> {
            assertThat(a.enabled()).isFalse();
            assertThat(a.entitlements()).isEmpty();
        });
        assertThat(accounts.forIdentity("A")).hasSize(1);
        assertThat(accounts.find("dir", "B")).hasValueSatisfying(b -> assertThat(b.enabled()).isTrue());

        accounts.saveAll(List.of(new AccountSnapshot("idp", "A", true, Map.of("userName", "a"), Set.of())), T0);
        assertThat(accounts.onTarget("dir", List.of("A", "B", "C"))).extracting(AccountSnapshot::identity)
            .containsExactlyInAnyOrder("A", "B");
        assertThat(accounts.onTarget("idp", List.of("A", "B"))).singleElement()
            .satisfies(a -> assertThat(a.target()).isEqualTo("idp"));
        assertThat(accounts.onTarget("dir", List.of())).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void auditRecordsComeBackInOrderForTheirIdentity(Databases.Kind kind) {
        JdbcClient jdbc = jdbc(kind);
        AuditRepository audit = new AuditRepository(jdbc, jdbcTemplate(jdbc));
        audit.insertAll(List.of(Map.entry(T0, new AuditEntry("A", "HR_EVENT", AuditEntry.Stage.REQUEST, "scim", null, "create", "e1")),
            Map.entry(T0, new AuditEntry("B", "HR_EVENT", AuditEntry.Stage.REQUEST, "scim", null, "create", "e2"))));
        audit.insertAll(List.of(Map.entry(T0,
            new AuditEntry("A", "PLANNED", AuditEntry.Stage.DECISION, "roster", "dir", "x".repeat(5000), "e1"))));

        assertThat(audit.findByIdentity("A", 0, 10)).extracting(r -> r.entry().kind()).containsExactly("HR_EVENT", "PLANNED");
        assertThat(audit.findByIdentity("A", 0, 10).get(1).entry().detail()).hasSize(4000);
        assertThat(audit.countByIdentity("A")).isEqualTo(2);
        // chained: each carries the hash of the one before
        List<org.roster.audit.AuditRecord> a = audit.findByIdentity("A", 0, 10);
        assertThat(a.get(0).prevHash()).isEqualTo(org.roster.audit.AuditHash.GENESIS);
        assertThat(a.get(0).hash()).isEqualTo(org.roster.audit.AuditHash.of(a.get(0)));
        assertThat(audit.head().getKey()).isEqualTo(3);
    }

    private static Operation op(String identity, OperationKind kind, boolean priority) {
        return new Operation("dir", identity, kind, Map.of("userName", identity.toLowerCase(java.util.Locale.ROOT)),
            kind == OperationKind.ADD_ENTITLEMENT ? "staff" : null, "test", priority);
    }

    private static Plan plan(String identity, Operation... ops) {
        return new Plan(identity, "evt-" + identity, T0, T0, "v1", List.of(ops), "test");
    }
}
