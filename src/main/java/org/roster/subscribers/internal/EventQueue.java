package org.roster.subscribers.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** CloudEvents waiting for their subscribers, and what became of them. */
@Repository
public class EventQueue {

    private final JdbcClient jdbc;
    private final JdbcTemplate batch;

    EventQueue(JdbcClient jdbc, JdbcTemplate batch) {
        this.jdbc = jdbc;
        this.batch = batch;
    }

    /** An event for one subscriber, as stored. */
    public record Queued(long id, String subscriber, String eventId, String type, String body, @Nullable String identity,
                         String correlationId, String status, int attempts, Instant nextAttemptAt, Instant hrReceivedAt,
                         Instant createdAt, @Nullable Instant ackedAt, @Nullable String lastError) {
    }

    /** An event to queue for one subscriber. */
    public record New(String subscriber, String eventId, String type, String body, @Nullable String identity,
                      String correlationId, Instant hrReceivedAt) {
    }

    /** Queues events in one JDBC batch, in the caller's transaction. */
    public void queue(Collection<New> events, Instant now) {
        batch.batchUpdate("""
                insert into event_delivery (subscriber, event_id, event_type, body, identity_key, correlation_id, status,
                    attempts, next_attempt_at, hr_received_at, created_at) values (?, ?, ?, ?, ?, ?, 'PENDING', 0, ?, ?, ?)""",
            events.stream().map(e -> new Object[] {e.subscriber(), e.eventId(), e.type(), e.body(), e.identity(),
                e.correlationId(), ts(now), ts(e.hrReceivedAt()), ts(now)}).toList());
    }

    /** A subscriber's pending events, oldest first: its queue is delivered in this order. */
    public List<Queued> pending(String subscriber, int limit) {
        return jdbc.sql("select * from event_delivery where subscriber = ? and status = 'PENDING' order by id limit ?")
            .params(subscriber, limit).query(EventQueue::map).list();
    }

    public void delivered(Collection<Long> ids, Instant at) {
        batch.batchUpdate("update event_delivery set status = 'DELIVERED', acked_at = ?, attempts = attempts + 1 where id = ?",
            ids.stream().map(id -> new Object[] {ts(at), id}).toList());
    }

    public void retry(long id, Instant next, String error, boolean dead) {
        jdbc.sql("update event_delivery set attempts = attempts + 1, next_attempt_at = ?, last_error = ?, status = ?"
                + " where id = ?")
            .params(ts(next), error.length() > 1000 ? error.substring(0, 1000) : error, dead ? "DEAD" : "PENDING", id)
            .update();
    }

    public List<Queued> forIdentity(String identity, int limit) {
        return jdbc.sql("select * from event_delivery where identity_key = ? order by id desc limit ?")
            .params(identity, limit).query(EventQueue::map).list();
    }

    /** Acknowledged between the two instants, for at most {@code limit} events per subscriber. */
    public List<Queued> deliveredBetween(String subscriber, Instant from, Instant to, int limit) {
        return jdbc.sql("""
                select * from event_delivery where subscriber = ? and status = 'DELIVERED' and acked_at >= ? and acked_at < ?
                order by acked_at limit ?""").params(subscriber, ts(from), ts(to), limit).query(EventQueue::map).list();
    }

    public long count(String subscriber, String status) {
        return jdbc.sql("select count(*) from event_delivery where subscriber = ? and status = ?").params(subscriber, status)
            .query(Long.class).single();
    }

    public long countDeliveredBetween(String subscriber, Instant from, Instant to) {
        return jdbc.sql("""
                select count(*) from event_delivery where subscriber = ? and status = 'DELIVERED' and acked_at >= ?
                and acked_at < ?""").params(subscriber, ts(from), ts(to)).query(Long.class).single();
    }

    public Optional<Instant> lastDelivered(String subscriber) {
        return jdbc.sql("select max(acked_at) from event_delivery where subscriber = ? and status = 'DELIVERED'")
            .param(subscriber).query((rs, n) -> rs.getTimestamp(1)).optional().map(Timestamp::toInstant);
    }

    private static @Nullable Timestamp ts(@Nullable Instant i) {
        return i == null ? null : Timestamp.from(i);
    }

    private static Queued map(ResultSet rs, int n) throws SQLException {
        Timestamp acked = rs.getTimestamp("acked_at");
        return new Queued(rs.getLong("id"), rs.getString("subscriber"), rs.getString("event_id"), rs.getString("event_type"),
            rs.getString("body"), rs.getString("identity_key"), rs.getString("correlation_id"), rs.getString("status"),
            rs.getInt("attempts"), rs.getTimestamp("next_attempt_at").toInstant(), rs.getTimestamp("hr_received_at").toInstant(),
            rs.getTimestamp("created_at").toInstant(), acked == null ? null : acked.toInstant(), rs.getString("last_error"));
    }
}
