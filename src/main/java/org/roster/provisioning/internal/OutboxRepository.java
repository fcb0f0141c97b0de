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
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;

/** JDBC access to the {@code outbox} table. */
@Repository
public class OutboxRepository {

    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {
    };

    private final JdbcClient jdbc;
    private final org.springframework.jdbc.core.JdbcTemplate batch;

    public OutboxRepository(JdbcClient jdbc, org.springframework.jdbc.core.JdbcTemplate batch) {
        this.jdbc = jdbc;
        this.batch = batch;
    }

    public void insert(Plan plan) {
        List<Object[]> rows = new java.util.ArrayList<>(plan.operations().size());
        for (Operation op : plan.operations()) {
            rows.add(new Object[] {op.target(), op.identity(), op.kind().name(), op.entitlement(),
                JsonColumns.write(op.attributes()), truncate(op.reason(), 1000), op.priority() ? 1 : 0,
                plan.correlationId(), Timestamp.from(plan.receivedAt()), Timestamp.from(plan.plannedAt()),
                Timestamp.from(plan.plannedAt())});
        }
        batch.batchUpdate("""
                insert into outbox (target, identity_key, kind, entitlement, attributes, reason, priority, status,
                    attempts, correlation_id, hr_received_at, planned_at, next_attempt_at)
                values (?, ?, ?, ?, ?, ?, ?, 'PENDING', 0, ?, ?, ?, ?)""", rows);
    }

    /** Every unfinished operation of an identity, on every target, in order. */
    public List<OutboxEntry> pending(String identity) {
        return jdbc.sql("select * from outbox where status = 'PENDING' and identity_key = ? order by id")
            .param(identity).query(OutboxRepository::map).list();
    }

    /**
     * Operations ready to send: due, and each the oldest unfinished one of its identity on its target
     * (per-identity order), priority lane first.
     */
    public List<OutboxEntry> nextBatch(Instant now, int limit) {
        return jdbc.sql("""
                select o.* from outbox o
                where o.status = 'PENDING' and o.next_attempt_at <= ?
                  and not exists (select 1 from outbox p where p.status = 'PENDING' and p.target = o.target
                                  and p.identity_key = o.identity_key and p.id < o.id)
                order by o.priority desc, o.id
                limit ?""")
            .params(Timestamp.from(now), limit).query(OutboxRepository::map).list();
    }

    public Optional<Instant> nextDue() {
        return jdbc.sql("select min(next_attempt_at) from outbox where status = 'PENDING'")
            .query((rs, n) -> rs.getTimestamp(1)).optional().map(Timestamp::toInstant);
    }

    public List<OutboxEntry> forIdentity(String identity, int limit) {
        return jdbc.sql("select * from outbox where identity_key = ? order by id desc limit ?")
            .params(identity, limit).query(OutboxRepository::map).list();
    }

    public long countByStatus(OutboxEntry.Status status) {
        return jdbc.sql("select count(*) from outbox where status = ?").param(status.name()).query(Long.class).single();
    }

    /** Marks operations handed to their connectors: one statement for a whole batch. */
    public void markSent(List<Long> ids, Instant at) {
        if (ids.isEmpty()) {
            return;
        }
        jdbc.sql("update outbox set sent_at = :at, attempts = attempts + 1 where id in (:ids)")
            .param("at", Timestamp.from(at)).param("ids", ids).update();
    }

    public void markDone(long id, Instant at) {
        jdbc.sql("update outbox set status = 'DONE', acked_at = ?, last_error = null where id = ?")
            .params(Timestamp.from(at), id).update();
    }

    public void markRetry(long id, Instant nextAttempt, String error) {
        jdbc.sql("update outbox set next_attempt_at = ?, last_error = ? where id = ?")
            .params(Timestamp.from(nextAttempt), truncate(error, 2000), id).update();
    }

    public void markDead(long id, String error) {
        jdbc.sql("update outbox set status = 'DEAD', last_error = ? where id = ?")
            .params(truncate(error, 2000), id).update();
    }

    private static OutboxEntry map(ResultSet rs, int row) throws SQLException {
        Operation op = new Operation(rs.getString("target"), rs.getString("identity_key"),
            OperationKind.valueOf(rs.getString("kind")), JsonColumns.read(rs.getString("attributes"), STRING_MAP),
            rs.getString("entitlement"), rs.getString("reason"), rs.getInt("priority") > 0);
        return new OutboxEntry(rs.getLong("id"), op, OutboxEntry.Status.valueOf(rs.getString("status")),
            rs.getInt("attempts"), rs.getString("correlation_id"), rs.getTimestamp("hr_received_at").toInstant(),
            rs.getTimestamp("planned_at").toInstant(), instant(rs.getTimestamp("sent_at")),
            instant(rs.getTimestamp("acked_at")), rs.getString("last_error"));
    }

    private static @Nullable Instant instant(@Nullable Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
