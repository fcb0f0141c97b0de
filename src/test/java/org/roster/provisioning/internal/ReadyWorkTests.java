package org.roster.provisioning.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.roster.plan.Operation;
import org.roster.plan.OperationKind;
import org.roster.plan.Plan;
import org.roster.provisioning.OutboxEntry;
import org.roster.support.Databases;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Which operations a target's lane may send, read from a real store (H2 and PostgreSQL). */
class ReadyWorkTests {

    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    private static OutboxRepository outbox(Databases.Kind kind) {
        DataSource ds = Databases.fresh(kind);
        return new OutboxRepository(JdbcClient.create(ds), new JdbcTemplate(ds));
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void revocationsComeFirstAndEachIdentityKeepsItsOrder(Databases.Kind kind) {
        OutboxRepository outbox = outbox(kind);
        outbox.insert(plan("A", op("A", OperationKind.CREATE, false), op("A", OperationKind.ADD_ENTITLEMENT, false)));
        outbox.insert(plan("X", op("X", OperationKind.CREATE, false)));
        outbox.insert(plan("C", op("C", OperationKind.CREATE, false)));
        // X leaves before its account was even created: the create still goes first, in the urgent part.
        outbox.insert(plan("X", op("X", OperationKind.DISABLE, true), op("X", OperationKind.REMOVE_ENTITLEMENT, false)));

        ReadyWork work = ReadyWork.select(outbox, "dir", T0, 100);

        assertThat(describe(work.revocations())).containsExactly(List.of("X:CREATE", "X:DISABLE", "X:REMOVE_ENTITLEMENT"));
        assertThat(describe(work.routine())).containsExactly(List.of("A:CREATE", "A:ADD_ENTITLEMENT"), List.of("C:CREATE"));
        assertThat(work.nextDue()).isNull();
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void anOperationWaitingForARetryHoldsBackItsIdentityOnly(Databases.Kind kind) {
        OutboxRepository outbox = outbox(kind);
        outbox.insert(plan("A", op("A", OperationKind.CREATE, false), op("A", OperationKind.ADD_ENTITLEMENT, false)));
        outbox.insert(plan("B", op("B", OperationKind.CREATE, false)));
        OutboxEntry createA = outbox.pending("A").get(0);
        outbox.markRetry(createA, T0, T0.plusSeconds(30), "busy");

        ReadyWork now = ReadyWork.select(outbox, "dir", T0, 100);
        ReadyWork later = ReadyWork.select(outbox, "dir", T0.plusSeconds(31), 100);

        assertThat(describe(now.routine())).containsExactly(List.of("B:CREATE"));
        assertThat(now.nextDue()).isEqualTo(T0.plusSeconds(30));
        assertThat(describe(later.routine())).containsExactly(List.of("A:CREATE", "A:ADD_ENTITLEMENT"), List.of("B:CREATE"));
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void aPassTakesAtMostItsLimitCuttingSequencesNeverReorderingThem(Databases.Kind kind) {
        OutboxRepository outbox = outbox(kind);
        outbox.insert(plan("A", op("A", OperationKind.CREATE, false), op("A", OperationKind.ADD_ENTITLEMENT, false)));
        outbox.insert(plan("B", op("B", OperationKind.CREATE, false)));

        assertThat(describe(ReadyWork.select(outbox, "dir", T0, 2).routine()))
            .containsExactly(List.of("A:CREATE", "A:ADD_ENTITLEMENT"));
        assertThat(describe(ReadyWork.select(outbox, "dir", T0, 1).routine())).containsExactly(List.of("A:CREATE"));
    }

    @ParameterizedTest
    @EnumSource(Databases.Kind.class)
    void finishedAndDeadOperationsAreNotReady(Databases.Kind kind) {
        OutboxRepository outbox = outbox(kind);
        outbox.insert(plan("A", op("A", OperationKind.CREATE, false), op("A", OperationKind.ADD_ENTITLEMENT, false)));
        List<OutboxEntry> a = outbox.pending("A");
        outbox.markDone(List.of(new Outcomes.Acknowledged(a.get(0), T0, T0)));
        outbox.markDead(a.get(1), T0, "refused");

        assertThat(ReadyWork.select(outbox, "dir", T0, 100).isEmpty()).isTrue();
        assertThat(ReadyWork.select(outbox, "other", T0, 100).isEmpty()).isTrue();
    }

    /**
     * A lane on PostgreSQL starts its reads past the operations already done, but never past one a
     * transaction still running had drawn a lower id for: that one is read once it commits, and its
     * identity's order holds.
     */
    @org.junit.jupiter.api.Test
    void theReadsStartPastFinishedWorkButNeverPastAnOperationStillBeingCommitted() throws Exception {
        DataSource ds = Databases.fresh(Databases.Kind.POSTGRESQL);
        OutboxRepository outbox = new OutboxRepository(JdbcClient.create(ds), new JdbcTemplate(ds));
        org.springframework.transaction.support.TransactionTemplate tx =
            new org.springframework.transaction.support.TransactionTemplate(new org.springframework.jdbc.support.JdbcTransactionManager(ds));
        PendingFloor floor = new PendingFloor();
        java.util.function.Supplier<ReadyWork> pass = () -> {
            ReadyWork work = ReadyWork.select(outbox, "dir", T0, 100, floor.start());
            floor.read(work.firstRoutine(), outbox);
            return work;
        };
        java.util.function.Consumer<ReadyWork> done = work -> outbox.markDone(work.routine().stream()
            .flatMap(List::stream).map(e -> new Outcomes.Acknowledged(e, T0, T0)).toList());

        for (String id : List.of("A", "B", "C")) {
            tx.executeWithoutResult(s -> outbox.insert(plan(id, op(id, OperationKind.CREATE, false))));
        }
        for (int i = 0; i < 3; i++) { // A, B and C are sent
            done.accept(pass.get());
        }
        // Y's transaction draws its operations' ids and stays open while X's, with higher ids, commits
        java.util.concurrent.CountDownLatch drawn = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch commit = new java.util.concurrent.CountDownLatch(1);
        Thread y = new Thread(() -> tx.executeWithoutResult(s -> {
            outbox.insert(plan("Y", op("Y", OperationKind.CREATE, false), op("Y", OperationKind.ADD_ENTITLEMENT, false)));
            outbox.pending("Y"); // written now, ids drawn
            drawn.countDown();
            try {
                commit.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        y.start();
        drawn.await();
        tx.executeWithoutResult(s -> outbox.insert(plan("X", op("X", OperationKind.CREATE, false))));
        long firstOfY;
        try (var c = ds.getConnection(); var st = c.createStatement()) {
            // the ids Y's open transaction drew lie between C's and X's
            var rs = st.executeQuery("select max(id) from outbox where identity_key = 'C'");
            rs.next();
            firstOfY = rs.getLong(1) + 1;
        }

        // the lane goes on while Y's transaction is open: X, the first unfinished operation it sees, is sent
        ReadyWork whileOpen = pass.get();
        assertThat(describe(whileOpen.routine())).containsExactly(List.of("X:CREATE"));
        done.accept(whileOpen);
        for (int i = 0; i < 5; i++) {
            done.accept(pass.get());
        }
        assertThat(floor.start()).as("never past an id an open transaction drew").isLessThan(firstOfY);
        commit.countDown();
        y.join();

        ReadyWork afterCommit = pass.get();
        assertThat(describe(afterCommit.routine())).containsExactly(List.of("Y:CREATE", "Y:ADD_ENTITLEMENT"));
        done.accept(afterCommit);
        tx.executeWithoutResult(s -> outbox.insert(plan("Z", op("Z", OperationKind.CREATE, false))));
        long z = outbox.pending("Z").get(0).id();
        long deadline = System.nanoTime() + 10_000_000_000L; // other tests' transactions in the same server end within it
        while (floor.start() != z - 1 && System.nanoTime() < deadline) {
            pass.get();
            Thread.sleep(20);
        }
        assertThat(floor.start()).as("past the finished work once nothing can precede Z").isEqualTo(z - 1);
        assertThat(describe(pass.get().routine())).containsExactly(List.of("Z:CREATE"));
    }

    /**
     * What a Kafka lane sends from the chains it read for the identities its records name: the
     * identities announced on the revocations topic first, each chain as far as it is due, within the
     * budget; an identity with nothing left unfinished is skipped.
     */
    @org.junit.jupiter.api.Test
    void fromChainsTheUrgentGoFirstAndARetryHoldsBackTheRestOfItsChain() {
        long[] id = {0};
        java.util.function.BiFunction<Operation, Instant, OutboxEntry> entry = (op, due) -> new OutboxEntry(++id[0], op,
            OutboxEntry.Status.PENDING, 0, "c", T0, T0, null, null, null, due);
        Map<String, List<OutboxEntry>> chains = Map.of(
            "A", List.of(entry.apply(op("A", OperationKind.CREATE, false), T0),
                entry.apply(op("A", OperationKind.UPDATE, false), T0)),
            "B", List.of(entry.apply(op("B", OperationKind.UPDATE, false), T0.plusSeconds(30)),
                entry.apply(op("B", OperationKind.DISABLE, true), T0)),
            "X", List.of(entry.apply(op("X", OperationKind.CREATE, false), T0),
                entry.apply(op("X", OperationKind.DISABLE, true), T0)));
        java.util.Set<String> urgent = new java.util.LinkedHashSet<>(List.of("X", "B"));
        java.util.Set<String> routine = new java.util.LinkedHashSet<>(List.of("A", "GONE"));

        ReadyWork all = ReadyWork.of(chains, urgent, routine, T0, 100);
        ReadyWork three = ReadyWork.of(chains, urgent, routine, T0, 3);

        assertThat(describe(all.revocations())).containsExactly(List.of("X:CREATE", "X:DISABLE"));
        assertThat(describe(all.routine())).containsExactly(List.of("A:CREATE", "A:UPDATE"));
        assertThat(all.nextDue()).as("B's update waits for its retry, and its disable behind it").isEqualTo(T0.plusSeconds(30));
        assertThat(describe(three.revocations())).containsExactly(List.of("X:CREATE", "X:DISABLE"));
        assertThat(describe(three.routine())).containsExactly(List.of("A:CREATE"));
    }

    /**
     * A plan queued outside any transaction on PostgreSQL is written in one of its own, which takes
     * its transaction id before the operations' ids ({@link PendingFloor}): all its operations carry
     * that one transaction's id, and the lane reads them.
     */
    @org.junit.jupiter.api.Test
    void aPlanQueuedOutsideATransactionIsWrittenInOneOfItsOwn() {
        DataSource ds = Databases.fresh(Databases.Kind.POSTGRESQL);
        OutboxRepository outbox = new OutboxRepository(JdbcClient.create(ds), new JdbcTemplate(ds));
        outbox.insert(plan("A", op("A", OperationKind.CREATE, false), op("A", OperationKind.ADD_ENTITLEMENT, false),
            op("A", OperationKind.ADD_ENTITLEMENT, false)));

        List<String> writers = JdbcClient.create(ds).sql("select xmin::text from outbox order by id").query(String.class)
            .list();
        assertThat(writers).hasSize(3).containsOnly(writers.get(0));
        assertThat(describe(ReadyWork.select(outbox, "dir", T0, 10).routine()))
            .containsExactly(List.of("A:CREATE", "A:ADD_ENTITLEMENT", "A:ADD_ENTITLEMENT"));
    }

    private static List<List<String>> describe(List<List<OutboxEntry>> sequences) {
        return sequences.stream().map(seq -> seq.stream()
            .map(e -> e.operation().identity() + ":" + e.operation().kind()).toList()).toList();
    }

    private static Operation op(String identity, OperationKind kind, boolean priority) {
        return new Operation("dir", identity, kind, Map.of("userName", identity.toLowerCase(java.util.Locale.ROOT)),
            kind == OperationKind.ADD_ENTITLEMENT || kind == OperationKind.REMOVE_ENTITLEMENT ? "staff" : null, "test",
            priority);
    }

    private static Plan plan(String identity, Operation... ops) {
        return new Plan(identity, "evt-" + identity, T0, T0, "v1", List.of(ops), "test");
    }
}
