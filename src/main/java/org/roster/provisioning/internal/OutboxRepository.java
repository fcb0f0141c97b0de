package org.roster.provisioning.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.roster.plan.Operation;
import org.roster.plan.OperationKind;
import org.roster.plan.Plan;
import org.roster.provisioning.OutboxEntry;
import org.roster.store.JsonColumns;
import org.roster.store.TransactionBatch;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;

/** JDBC access to the {@code outbox} table. */
@Repository
public class OutboxRepository {

    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {
    };

    private final JdbcClient jdbc;
    private final org.springframework.jdbc.core.JdbcTemplate batch;
    private final org.roster.store.StoreKind store;
    /** A transaction of its own for a plan queued outside one, on PostgreSQL ({@link #insert}). */
    private final org.springframework.transaction.support.TransactionTemplate own;

    public OutboxRepository(JdbcClient jdbc, org.springframework.jdbc.core.JdbcTemplate batch) {
        this.jdbc = jdbc;
        this.batch = batch;
        this.store = new org.roster.store.StoreKind(batch);
        this.own = new org.springframework.transaction.support.TransactionTemplate(
            new org.roster.store.StoreTransactionManager(
                java.util.Objects.requireNonNull(batch.getDataSource(), "data source")));
    }

    /** Whether the store is PostgreSQL. */
    public boolean onPostgres() {
        return store.postgres();
    }

    /**
     * Queues a plan's operations. In a transaction they are written at its commit, together with the
     * other plans' (one multi-row statement for a batch of HR changes instead of one per plan); every
     * other method here writes them first, so the transaction reads what it queued. Outside a
     * transaction, on PostgreSQL, the plan is written in one of its own: {@link PendingFloor} needs the
     * transaction that draws operation ids to have its transaction id first, which a statement run on
     * its own gets only at its first write, after the ids.
     */
    public void insert(Plan plan) {
        if (store.postgres() && !TransactionBatch.inTransaction()) {
            own.executeWithoutResult(status -> insert(plan));
            return;
        }
        transactionIdBeforeOperationIds();
        for (Operation op : plan.operations()) {
            TransactionBatch.append(batch, TABLE, COLUMNS, op.target(), op.identity(), op.kind().name(), op.entitlement(),
                JsonColumns.write(op.attributes()), truncate(op.reason(), 1000), op.priority() ? 1 : 0, "PENDING", 0,
                plan.correlationId(), Timestamp.from(plan.receivedAt()), Timestamp.from(plan.plannedAt()),
                Timestamp.from(plan.plannedAt()), truncate(plan.source(), 100));
        }
    }

    private static final String TABLE = "outbox";

    /**
     * On PostgreSQL, gives the transaction its id before it draws operation ids (once per
     * transaction): {@link PendingFloor} relies on a transaction that holds an operation id having
     * had its own id first. PostgreSQL gives one at a transaction's first write, which for a row of
     * the outbox comes after the row's id was drawn.
     */
    private void transactionIdBeforeOperationIds() {
        if (!TransactionBatch.inTransaction() || !store.postgres()
            || TransactionBatch.known(TRANSACTION_ID, TABLE) != null) {
            return;
        }
        jdbc.sql("select pg_current_xact_id()").query().singleValue();
        TransactionBatch.remember(TRANSACTION_ID, TABLE, Boolean.TRUE);
    }

    private static final String TRANSACTION_ID = "outbox.transaction-id";

    /**
     * On PostgreSQL, the current snapshot's bounds: the oldest transaction id still running and the
     * first not given out ({@link PendingFloor}); null on other stores.
     */
    public long @org.jspecify.annotations.Nullable [] snapshotBounds() {
        if (!store.postgres()) {
            return null;
        }
        return jdbc.sql("select pg_snapshot_xmin(s)::text, pg_snapshot_xmax(s)::text from pg_current_snapshot() s")
            .query((rs, n) -> new long[] {Long.parseLong(rs.getString(1)), Long.parseLong(rs.getString(2))}).single();
    }

    private static final String COLUMNS = "target, identity_key, kind, entitlement, attributes, reason, priority, status, "
        + "attempts, correlation_id, hr_received_at, planned_at, next_attempt_at, source";

    /** The table, with the operations this transaction queued written first. */
    private JdbcClient jdbc() {
        TransactionBatch.flush(TABLE);
        return jdbc;
    }

    private org.springframework.jdbc.core.JdbcTemplate batch() {
        TransactionBatch.flush(TABLE);
        return batch;
    }

    /**
     * "Unfinished", for reads of one identity's operations: the same as {@code status = 'PENDING'}
     * (the other states are DONE and DEAD), written so that the planner reads them through the
     * identity's own index ({@code outbox_by_identity}: a few rows each, whatever the statistics say)
     * and cannot take a partial index of pending operations. With statistics that lag behind a bulk
     * load it believes those hold a few rows and reads one whole, the entries of operations finished
     * but not yet vacuumed included: 1.7 ms per lookup after a million-row first import, most of that
     * delta's time (docs/benchmarks.md).
     */
    private static final String NOT_FINISHED = "status not in ('DONE', 'DEAD')";

    /** Every unfinished operation of an identity, on every target, in order. */
    public List<OutboxEntry> pending(String identity) {
        return jdbc().sql("select * from outbox where identity_key = ? and " + NOT_FINISHED + " order by id")
            .param(identity).query(OutboxRepository::map).list();
    }

    /**
     * Every unfinished operation of these identities (at most a thousand or so), on every target, in
     * order.
     */
    public List<OutboxEntry> pending(java.util.Collection<String> identities) {
        return unfinished(null, identities);
    }

    /**
     * Every unfinished operation of these identities (at most a thousand or so), on one target or on
     * every one, in order. On PostgreSQL one lookup of the identity's own index per identity, as {@link
     * #pending(String)} does: given the identities as one list, the planner, its statistics behind a
     * bulk load, read the whole table (130 ms a batch of 500 at 300 000 operations), and a cluster
     * lane's pass took 40 ms, 190 µs a row found, while a large import went on (docs/benchmarks.md).
     */
    private List<OutboxEntry> unfinished(@org.jspecify.annotations.Nullable String target,
                                         java.util.Collection<String> identities) {
        if (identities.isEmpty()) {
            return List.of();
        }
        String onTarget = target == null ? "" : " and target = :target";
        Map<String, ?> targetParam = target == null ? Map.of() : Map.of("target", target);
        if (store.postgres()) {
            return jdbc().sql("select o.* from unnest(:identities) as k (identity_key) cross join lateral (select * from "
                    + "outbox where identity_key = k.identity_key" + onTarget + " and " + NOT_FINISHED + " order by id) o "
                    + "order by o.id")
                .param("identities", new org.springframework.jdbc.support.SqlArrayValue("varchar", identities.toArray()))
                .params(targetParam).query(OutboxRepository::map).list();
        }
        List<OutboxEntry> found = new java.util.ArrayList<>(jdbc() // sorted here, lest H2 walk the primary key to sort
            .sql("select * from outbox where identity_key in (:identities)" + onTarget + " and " + NOT_FINISHED)
            .param("identities", List.copyOf(identities)).params(targetParam)
            .query(OutboxRepository::map).list());
        found.sort(java.util.Comparator.comparingLong(OutboxEntry::id));
        return found;
    }

    /**
     * A target's unfinished priority operations (revocations), oldest first, due or not. Read along
     * the {@code outbox_lane} index: one range, no join, so the plan does not depend on statistics.
     */
    public List<OutboxEntry> pendingPriority(String target, int limit) {
        return jdbc().sql("""
                select * from outbox where status = 'PENDING' and target = ? and priority = 1
                order by status, target, priority, id limit ?""")
            .params(target, limit).query(OutboxRepository::map).list();
    }

    /**
     * The identities with a revocation on the target planned before {@code before} and still
     * unfinished, oldest first, along the {@code outbox_lane} index: in cluster mode over Kafka, what
     * waited too long for its record (the brokers out of reach, or the relay far behind).
     */
    public List<String> revocationsWaitingSince(String target, Instant before, int limit) {
        return jdbc().sql("""
                select identity_key from outbox where status = 'PENDING' and target = ? and priority = 1
                and planned_at < ? order by status, target, priority, id limit ?""")
            .params(target, Timestamp.from(before), limit).query(String.class).list();
    }

    /**
     * Whether a revocation on the target planned after {@code afterId} is waiting and due: a lane
     * busy with routine work looks between its sends and yields to it.
     */
    public boolean revocationDueAfter(String target, long afterId, Instant now) {
        return jdbc().sql("""
                select id from outbox where status = 'PENDING' and target = ? and priority = 1 and id > ?
                and next_attempt_at <= ? order by status, target, priority, id limit 1""")
            .params(target, afterId, Timestamp.from(now)).query(Long.class).optional().isPresent();
    }

    /**
     * A window of a target's unfinished routine operations: the oldest after {@code afterId}, in id
     * order, due or not, along the {@code outbox_lane} index ("order by status, target, priority, id"
     * is "order by id" here, spelled so that the planners of H2 and PostgreSQL see the index order).
     */
    public List<OutboxEntry> pendingRoutine(String target, long afterId, int limit) {
        return jdbc().sql("""
                select * from outbox where status = 'PENDING' and target = ? and priority = 0 and id > ?
                order by status, target, priority, id limit ?""")
            .params(target, afterId, limit).query(OutboxRepository::map).list();
    }

    /** Every unfinished operation of these identities on a target (at most a thousand or so), in order. */
    public List<OutboxEntry> pending(String target, java.util.Collection<String> identities) {
        return unfinished(target, identities);
    }

    /**
     * An operation as the relay reads it: what it produces (keyed by identity) if it is still pending
     * on a target it relays, or passes over.
     */
    public record Relayable(long id, String target, String identity, boolean priority, boolean pending) {
    }

    /**
     * The operations with ids after {@code after} and at most {@code span} past it, in id order,
     * whatever their state, along the primary key: the relay's read of what was planned since it last
     * looked (on PostgreSQL only, where ids follow the order they were drawn in). Bounded on both
     * sides, so that the plan PostgreSQL keeps for the prepared statement is the key's range whatever
     * it guesses of the values: with a lower bound and a limit alone it read 24 to 31 µs a row.
     */
    public List<Relayable> relayAfter(long after, int span) {
        return jdbc().sql("select id, target, identity_key, priority, status from outbox where id > ? and id <= ? order by id")
            .params(after, after + span).query(OutboxRepository::relayable).list();
    }

    /** The first operation's id after {@code after}, whatever its state; null when there is none. */
    public @org.jspecify.annotations.Nullable Long relayNext(long after) {
        return jdbc().sql("select min(id) from outbox where id > ?").param(after).query(Long.class).optional().orElse(null);
    }

    /** Those of these operations that are there to read now (committed), in id order. */
    public List<Relayable> relayByIds(java.util.Collection<Long> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return jdbc().sql("select id, target, identity_key, priority, status from outbox where id = any(?) order by id")
            .param(ids(ids)).query(OutboxRepository::relayable).list();
    }

    private static Relayable relayable(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new Relayable(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4) > 0,
            "PENDING".equals(rs.getString(5)));
    }

    /** Where the relay starts: every operation with a lower id was handed to Kafka or is finished. */
    public long relayStart() {
        return jdbc().sql("select next_id from outbox_relay where id = 1").query(Long.class).single();
    }

    /**
     * Moves where the relay starts forward to {@code next} (never back: a relay that lost its lease
     * and writes late cannot undo what the one after it recorded).
     */
    public void relayedBelow(long next) {
        jdbc().sql("update outbox_relay set next_id = ? where id = 1 and next_id < ?").params(next, next).update();
    }

    /** Operations of a kind a source caused on a target since a time, whatever became of them. */
    public long countRemovalsSince(String target, String source, Instant since) {
        return jdbc().sql("""
                select count(*) from outbox where target = ? and source = ? and planned_at >= ?
                and kind in ('DISABLE', 'DELETE', 'NHI_DISABLE', 'NHI_DELETE')""")
            .params(target, source, Timestamp.from(since)).query(Long.class).single();
    }

    /**
     * Parks an operation that became a manual task: it stays pending, holding back the identity's
     * later operations on the target, and is never sent; closing the task acknowledges it.
     */
    public void waitForTask(long id, Instant handedOver) {
        jdbc().sql("update outbox set next_attempt_at = ?, sent_at = ? where id = ?")
            .params(Timestamp.from(Instant.parse("9999-01-01T00:00:00Z")), Timestamp.from(handedOver), id).update();
    }

    public Optional<OutboxEntry> find(long id) {
        return jdbc().sql("select * from outbox where id = ?").param(id).query(OutboxRepository::map).optional();
    }

    /** Whether an identity has anything unfinished on a target. */
    public boolean hasPending(String target, String identity) {
        return jdbc().sql("select count(*) from outbox where target = ? and identity_key = ? and " + NOT_FINISHED)
            .params(target, identity).query(Long.class).single() > 0;
    }

    /** Unfinished priority operations (revocations) received before a time: revocations running late. */
    public List<OutboxEntry> pendingRevocationsSince(String target, Instant receivedBefore, int limit) {
        return jdbc().sql("""
                select * from outbox where status = 'PENDING' and target = ? and priority = 1 and hr_received_at < ?
                order by status, target, priority, id limit ?""")
            .params(target, Timestamp.from(receivedBefore), limit).query(OutboxRepository::map).list();
    }

    /** The highest operation id so far (0 when none). */
    public long maxId() {
        return jdbc().sql("select coalesce(max(id), 0) from outbox").query(Long.class).single();
    }

    /** Operations given up on, after {@code afterId}, oldest first. */
    public List<OutboxEntry> deadAfter(long afterId, int limit) {
        return jdbc().sql("select * from outbox where status = 'DEAD' and id > ? order by id limit ?")
            .params(afterId, limit).query(OutboxRepository::map).list();
    }

    /** Operations given up on, per target. */
    public Map<String, Long> deadByTarget() {
        Map<String, Long> out = new java.util.TreeMap<>();
        jdbc().sql("select target, count(*) from outbox where status = 'DEAD' group by target")
            .query((rs, n) -> Map.entry(rs.getString(1), rs.getLong(2))).list().forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    /** Unfinished operations per target. */
    public Map<String, Long> pendingByTarget() {
        Map<String, Long> counts = new java.util.TreeMap<>();
        jdbc().sql("select target, count(*) from outbox where status = 'PENDING' group by target")
            .query(rs -> {
                counts.put(rs.getString(1), rs.getLong(2));
            });
        return counts;
    }

    public List<OutboxEntry> forIdentity(String identity, int limit) {
        return jdbc().sql("select * from outbox where identity_key = ? order by id desc limit ?")
            .params(identity, limit).query(OutboxRepository::map).list();
    }

    public long countByStatus(OutboxEntry.Status status) {
        return jdbc().sql("select count(*) from outbox where status = ?").param(status.name()).query(Long.class).single();
    }

    /** Ids bound as one array parameter ({@code id = any(?)}), in ascending order: one statement for a batch. */
    private static SqlArrayValue ids(java.util.Collection<Long> ids) {
        return new SqlArrayValue("bigint", ids.stream().sorted().toArray());
    }

    /**
     * Marks operations acknowledged, each with its own acknowledgement time and the attempt that got
     * it (its send time, and one more attempt counted), and returns those that were still unfinished:
     * an operation acknowledged twice (sent by two instances across a rebalance) is recorded once.
     * Nothing is written before a send: an attempt is counted with its outcome, one write per
     * operation sent instead of two (docs/durability.md says what a crash in between means). On
     * PostgreSQL a batch of {@value #SET_BASED_FROM} or more is one statement, the times joined in as
     * arrays; a few (a leaver's) and any batch on H2, where a statement costs no round trip, are one
     * JDBC batch of single-row updates by whole key ({@link #UNFINISHED}), which PostgreSQL plans in
     * less time than the join.
     */
    public java.util.Set<Long> markDone(java.util.Collection<Outcomes.Acknowledged> acknowledged) {
        List<Outcomes.Acknowledged> rows = acknowledged.stream()
            .sorted(java.util.Comparator.comparingLong(a -> a.entry().id())).toList();
        if (rows.isEmpty()) {
            return java.util.Set.of();
        }
        if (rows.size() >= SET_BASED_FROM && store.postgres()) {
            // Each found by primary key from its acknowledgement: the only plan for a join driven by
            // 500 array elements into a table of millions. Not also "id = any(?)": with statistics
            // that say nearly every operation is done, PostgreSQL took the outbox side for one row
            // and rescanned the array for each of the 500 (65 ms a batch; docs/benchmarks.md).
            // Unfinished written so that no partial index of pending operations serves it (it was read
            // whole for every batch: 20 to 60 ms for 500 rows), nor the last analysis's share (MARK_DONE).
            SqlArrayValue ids = ids(rows.stream().map(a -> a.entry().id()).toList());
            return new java.util.HashSet<>(jdbc().sql(MARK_DONE)
                .params(ids, new SqlArrayValue("timestamptz", rows.stream().map(a -> Timestamp.from(a.at())).toArray()),
                    new SqlArrayValue("timestamptz", rows.stream().map(a -> timestamp(a.sentAt())).toArray()))
                .query(Long.class).list());
        }
        int[] counts = batch().batchUpdate("update outbox set status = 'DONE', acked_at = ?, last_error = null, "
                + ATTEMPT + " where " + UNFINISHED,
            rows.stream().map(a -> unfinished(a.entry(), attempt(a.sentAt(), Timestamp.from(a.at())))).toList());
        java.util.Set<Long> marked = new java.util.HashSet<>();
        for (int i = 0; i < rows.size(); i++) {
            if (counts[i] != 0) { // a count, or "succeeded, count unknown"
                marked.add(rows.get(i).entry().id());
            }
        }
        return marked;
    }

    /**
     * A batch of acknowledgements marked done in one statement on PostgreSQL, each operation found by
     * its key. Unfinished is written as an expression PostgreSQL keeps no statistics for (the status
     * is never null), so that the planner assumes most rows could be unfinished instead of the share
     * its last analysis saw. Analysed while every operation was done (a quiet hour, a small store),
     * the outbox looked to hold one unfinished row after a burst had made thousands pending: the
     * planner read it first and rescanned the 500 acknowledgements for each of them (300 ms a batch
     * at 1 500 pending, growing with the backlog) until the next analysis. Its three parameters: the
     * ids, the acknowledgement times and the send times (null where the outcome was not an attempt).
     */
    static final String MARK_DONE = "update outbox o set status = 'DONE', acked_at = a.acked_at,"
        + " sent_at = coalesce(a.sent_at, o.sent_at), attempts = o.attempts + case when a.sent_at is null then 0 else 1 end,"
        + " last_error = null from unnest(?, ?, ?) as a (id, acked_at, sent_at)"
        + " where o.id = a.id and coalesce(o.status, '') not in ('DONE', 'DEAD') returning o.id";

    /**
     * The send time and attempt count of an update that records an attempt's outcome, last in its
     * {@code set} list: its two parameters are the send time (null when the outcome was not an
     * attempt, which leaves both as they were) and 1 or 0 ({@link #attempt}).
     */
    private static final String ATTEMPT =
        "sent_at = coalesce(cast(? as timestamp with time zone), sent_at), attempts = attempts + ?";

    /** The {@code set} values before {@link #ATTEMPT}, then its two for the attempt sent at {@code sentAt}. */
    private static Object[] attempt(@Nullable Instant sentAt, Object... before) {
        Object[] params = java.util.Arrays.copyOf(before, before.length + 2);
        params[before.length] = timestamp(sentAt);
        params[before.length + 1] = sentAt == null ? 0 : 1;
        return params;
    }

    private static @Nullable Timestamp timestamp(@Nullable Instant at) {
        return at == null ? null : Timestamp.from(at);
    }

    /** Acknowledgements marked done in one set-based statement on PostgreSQL from this many. */
    static final int SET_BASED_FROM = 16;

    /**
     * One unfinished operation, by its id, identity, target and priority. On PostgreSQL that makes
     * the partial index of pending operations ({@code outbox_pending}: target, priority, id) a point lookup,
     * whichever the planner takes. With the id alone it took them for full scans whenever its
     * statistics lagged behind a bulk load, 1 to 6 ms per update with 100 000 operations waiting
     * (docs/benchmarks.md).
     */
    private static final String UNFINISHED =
        "id = ? and identity_key = ? and target = ? and priority = ? and status = 'PENDING'";

    /** The parameters of an update: {@code set} values first, then the entry's key for {@link #UNFINISHED}. */
    private static Object[] unfinished(OutboxEntry entry, Object... set) {
        Object[] params = java.util.Arrays.copyOf(set, set.length + 4);
        params[set.length] = entry.id();
        params[set.length + 1] = entry.operation().identity();
        params[set.length + 2] = entry.operation().target();
        params[set.length + 3] = entry.operation().priority() ? 1 : 0;
        return params;
    }

    /**
     * Schedules an unfinished operation's retry; false when it is finished (another instance got an
     * answer). {@code sentAt}: when the failed attempt was sent, or null when the failure used up no
     * attempt (a probe of a target that is down).
     */
    public boolean markRetry(OutboxEntry entry, @Nullable Instant sentAt, Instant nextAttempt, String error) {
        return jdbc().sql("update outbox set next_attempt_at = ?, last_error = ?, " + ATTEMPT + " where " + UNFINISHED)
            .params(unfinished(entry, attempt(sentAt, Timestamp.from(nextAttempt), truncate(error, 2000)))).update() > 0;
    }

    /** Gives up on an unfinished operation after the attempt sent at {@code sentAt}; false when it is finished. */
    public boolean markDead(OutboxEntry entry, @Nullable Instant sentAt, String error) {
        return jdbc().sql("update outbox set status = 'DEAD', last_error = ?, " + ATTEMPT + " where " + UNFINISHED)
            .params(unfinished(entry, attempt(sentAt, truncate(error, 2000)))).update() > 0;
    }

    private static OutboxEntry map(ResultSet rs, int row) throws SQLException {
        String attributes = rs.getString("attributes");
        Operation op = new Operation(rs.getString("target"), rs.getString("identity_key"),
            OperationKind.valueOf(rs.getString("kind")),
            // most operations (entitlements, disables) carry none: not parsed
            attributes.equals("{}") ? Map.of() : JsonColumns.read(attributes, STRING_MAP),
            rs.getString("entitlement"), rs.getString("reason"), rs.getInt("priority") > 0);
        return new OutboxEntry(rs.getLong("id"), op, OutboxEntry.Status.valueOf(rs.getString("status")),
            rs.getInt("attempts"), rs.getString("correlation_id"), rs.getTimestamp("hr_received_at").toInstant(),
            rs.getTimestamp("planned_at").toInstant(), instant(rs.getTimestamp("sent_at")),
            instant(rs.getTimestamp("acked_at")), rs.getString("last_error"), rs.getTimestamp("next_attempt_at").toInstant());
    }

    private static @Nullable Instant instant(@Nullable Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
