package org.roster.provisioning.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.roster.provisioning.ManualTask;
import org.roster.provisioning.OutboxEntry;
import org.roster.store.JsonColumns;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** JDBC access to {@code manual_task}. */
@Repository
public class TaskRepository {

    private final JdbcClient jdbc;

    public TaskRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Opens the task for an outbox operation, unless it is open already (a retried pass). */
    public void open(OutboxEntry entry, Instant now, Instant due) {
        boolean exists = jdbc.sql("select count(*) from manual_task where outbox_id = ?").param(entry.id())
            .query(Long.class).single() > 0;
        if (exists) {
            return;
        }
        jdbc.sql("""
                insert into manual_task (id, target, outbox_id, identity_key, operation, detail, reason, created_at,
                    due_at, status)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, 'OPEN')""")
            .params(UUID.randomUUID().toString(), entry.operation().target(), entry.id(), entry.operation().identity(),
                entry.operation().describe(), JsonColumns.write(entry.operation().attributes()),
                entry.operation().reason(), Timestamp.from(now), Timestamp.from(due))
            .update();
    }

    public Optional<ManualTask> find(String id, Instant now) {
        return jdbc.sql("select * from manual_task where id = ?").param(id).query((rs, n) -> map(rs, now)).optional();
    }

    public Optional<Long> outboxId(String id) {
        return jdbc.sql("select outbox_id from manual_task where id = ?").param(id).query(Long.class).optional();
    }

    /** Soonest due first; after a position ({@code org.roster.store.Keyset}) when it is given. */
    public List<ManualTask> list(@Nullable String target, ManualTask.@Nullable Status status, Instant now,
                                 org.roster.store.Keyset.@Nullable Position after, int offset, int limit) {
        StringBuilder sql = new StringBuilder("select * from manual_task where 1 = 1");
        if (target != null) {
            sql.append(" and target = :target");
        }
        if (status != null) {
            sql.append(" and status = :status");
        }
        if (after != null) {
            sql.append(org.roster.store.Keyset.after("", "due_at", false));
        }
        sql.append(" order by due_at, id limit :limit offset :offset");
        var spec = jdbc.sql(sql.toString()).param("limit", limit).param("offset", offset);
        if (after != null) {
            spec = spec.param("afterAt", after.timestamp()).param("afterId", after.id());
        }
        if (target != null) {
            spec = spec.param("target", target);
        }
        if (status != null) {
            spec = spec.param("status", status.name());
        }
        return spec.query((rs, n) -> map(rs, now)).list();
    }

    public long countOverdue(String target, Instant now) {
        return jdbc.sql("select count(*) from manual_task where target = ? and status = 'OPEN' and due_at < ?")
            .params(target, Timestamp.from(now)).query(Long.class).single();
    }

    public boolean close(String id, String by, String note, Instant at) {
        return jdbc.sql("""
                update manual_task set status = 'DONE', closed_by = ?, note = ?, closed_at = ? where id = ? and status = 'OPEN'""")
            .params(by, note.length() > 2000 ? note.substring(0, 1999) : note, Timestamp.from(at), id).update() == 1;
    }

    private static ManualTask map(ResultSet rs, Instant now) throws SQLException {
        Timestamp closed = rs.getTimestamp("closed_at");
        Instant due = rs.getTimestamp("due_at").toInstant();
        ManualTask.Status status = ManualTask.Status.valueOf(rs.getString("status"));
        return new ManualTask(rs.getString("id"), rs.getString("target"), rs.getString("identity_key"),
            rs.getString("operation"), rs.getString("detail"), rs.getString("reason"),
            rs.getTimestamp("created_at").toInstant(), due, status, closed == null ? null : closed.toInstant(),
            rs.getString("closed_by"), rs.getString("note"), status == ManualTask.Status.OPEN && now.isAfter(due));
    }
}
