package org.roster.plan.internal;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** JDBC access to {@code plan_timer}: one pending account deletion per identity. */
@Repository
public class TimerRepository {

    /** A deletion that fell due. */
    public record Due(String identity, Instant dueAt, String correlationId) {
    }

    private final JdbcClient jdbc;

    public TimerRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void set(String identity, Instant dueAt, String correlationId) {
        jdbc.sql("delete from plan_timer where identity_key = ?").param(identity).update();
        jdbc.sql("insert into plan_timer (identity_key, due_at, correlation_id) values (?, ?, ?)")
            .params(identity, Timestamp.from(dueAt), correlationId).update();
    }

    /** Removes the timers of these identities; returns those that had one. */
    public java.util.Set<String> removeAll(List<String> identities) {
        java.util.Set<String> had = new java.util.HashSet<>();
        for (List<String> chunk : org.roster.store.TransactionBatch.chunks(identities)) {
            had.addAll(jdbc.sql("select identity_key from plan_timer where identity_key in (:keys)").param("keys", chunk)
                .query(String.class).list());
            jdbc.sql("delete from plan_timer where identity_key in (:keys)").param("keys", chunk).update();
        }
        return had;
    }

    public boolean remove(String identity) {
        return jdbc.sql("delete from plan_timer where identity_key = ?").param(identity).update() == 1;
    }

    /**
     * Up to {@code limit} deletions due by {@code now}, in (moment, identity) order, after {@code after} (null: from
     * the first): a pass walks each once, whether or not those before it could be planned.
     */
    public List<Due> due(Instant now, @Nullable Due after, int limit) {
        return org.roster.store.DuePages.after(jdbc, "select * from plan_timer where due_at <= :now", "due_at",
            "identity_key", now, after == null ? null : after.dueAt(), after == null ? null : after.identity(), limit,
            (rs, n) -> new Due(rs.getString("identity_key"), rs.getTimestamp("due_at").toInstant(),
                rs.getString("correlation_id")));
    }

    /** The earliest deletion due after {@code now}, if any. */
    public Optional<Instant> nextDueAfter(Instant now) {
        return jdbc.sql("select min(due_at) from plan_timer where due_at > ?").param(Timestamp.from(now))
            .query((rs, n) -> rs.getTimestamp(1)).optional().map(Timestamp::toInstant);
    }
}
