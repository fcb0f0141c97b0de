package org.roster.plan.internal;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
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

    public boolean remove(String identity) {
        return jdbc.sql("delete from plan_timer where identity_key = ?").param(identity).update() == 1;
    }

    public List<Due> due(Instant now, int limit) {
        return jdbc.sql("select * from plan_timer where due_at <= ? order by due_at limit ?")
            .params(Timestamp.from(now), limit)
            .query((rs, n) -> new Due(rs.getString("identity_key"), rs.getTimestamp("due_at").toInstant(),
                rs.getString("correlation_id")))
            .list();
    }

    public Optional<Instant> nextDue() {
        return jdbc.sql("select min(due_at) from plan_timer").query((rs, n) -> rs.getTimestamp(1)).optional()
            .map(Timestamp::toInstant);
    }
}
