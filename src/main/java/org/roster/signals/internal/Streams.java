package org.roster.signals.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.roster.signals.Stream;
import org.roster.store.TransactionBatch;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Receivers' streams, their subjects, and the events queued for them. */
@Repository
public class Streams {

    private final JdbcClient jdbc;

    Streams(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(Stream s, @Nullable String authorization) {
        TransactionBatch.forgetAll(ENABLED);
        jdbc.sql("""
                insert into ssf_stream (id, owner, method, endpoint_url, auth_header, events, format, audience, issuer,
                    status, reason, description, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
            .params(s.id(), s.owner(), s.method(), s.endpointUrl(), authorization, String.join(" ", s.events()), s.format(),
                s.audience(), s.issuer(), s.status(), s.reason(), s.description(), ts(s.createdAt()), ts(s.updatedAt()))
            .update();
    }

    public void update(Stream s, @Nullable String authorization, boolean keepAuthorization) {
        TransactionBatch.forgetAll(ENABLED);
        jdbc.sql("""
                update ssf_stream set method = ?, endpoint_url = ?, events = ?, format = ?, status = ?, reason = ?,
                    description = ?, updated_at = ? where id = ?""")
            .params(s.method(), s.endpointUrl(), String.join(" ", s.events()), s.format(), s.status(), s.reason(),
                s.description(), ts(s.updatedAt()), s.id())
            .update();
        if (!keepAuthorization) {
            jdbc.sql("update ssf_stream set auth_header = ? where id = ?").params(authorization, s.id()).update();
        }
    }

    public void delete(String id) {
        TransactionBatch.forgetAll(ENABLED);
        jdbc.sql("delete from ssf_subject where stream_id = ?").param(id).update();
        jdbc.sql("delete from ssf_event where stream_id = ? and status = 'PENDING'").param(id).update();
        jdbc.sql("delete from ssf_stream where id = ?").param(id).update();
    }

    public Optional<Stream> find(String id) {
        return jdbc.sql("select * from ssf_stream where id = ?").param(id).query(Streams::map).optional();
    }

    public Optional<String> authorization(String id) {
        return jdbc.sql("select auth_header from ssf_stream where id = ?").param(id).query(String.class).optional();
    }

    public List<Stream> ownedBy(@Nullable String owner) {
        return owner == null ? jdbc.sql("select * from ssf_stream order by created_at").query(Streams::map).list()
            : jdbc.sql("select * from ssf_stream where owner = ? order by created_at").param(owner).query(Streams::map).list();
    }

    /** What {@link TransactionBatch} remembers: the enabled streams, read once per transaction. */
    private static final String ENABLED = "ssf_stream.enabled";

    /**
     * Enabled streams that asked for an event type. Read once in a transaction (a batch of HR changes
     * asks once per change) and remembered until it ends or changes a stream.
     */
    public List<Stream> enabledFor(String eventType) {
        List<Stream> enabled = TransactionBatch.known(ENABLED, "");
        if (enabled == null) {
            enabled = jdbc.sql("select * from ssf_stream where status = 'enabled'").query(Streams::map).list();
            TransactionBatch.remember(ENABLED, "", enabled);
        }
        return enabled.stream().filter(s -> s.events().contains(eventType)).toList();
    }

    public void addSubject(String stream, String identity) {
        if (!hasSubject(stream, identity)) {
            jdbc.sql("insert into ssf_subject (stream_id, identity_key) values (?, ?)").params(stream, identity).update();
        }
    }

    public void removeSubject(String stream, String identity) {
        jdbc.sql("delete from ssf_subject where stream_id = ? and identity_key = ?").params(stream, identity).update();
    }

    public boolean hasSubject(String stream, String identity) {
        return jdbc.sql("select count(*) from ssf_subject where stream_id = ? and identity_key = ?").params(stream, identity)
            .query(Long.class).single() > 0;
    }

    public long countSubjects(String stream) {
        return jdbc.sql("select count(*) from ssf_subject where stream_id = ?").param(stream).query(Long.class).single();
    }

    public boolean hasSubjects(String stream) {
        return jdbc.sql("select count(*) from ssf_subject where stream_id = ?").param(stream).query(Long.class).single() > 0;
    }

    /** Queues a signed event for a stream, in the caller's transaction. */
    public void queue(String stream, String jti, String token, String type, @Nullable String identity, String correlation,
                      Instant hrReceivedAt, Instant now) {
        jdbc.sql("""
                insert into ssf_event (stream_id, jti, token, event_type, identity_key, correlation_id, status, attempts,
                    next_attempt_at, hr_received_at, created_at) values (?, ?, ?, ?, ?, ?, 'PENDING', 0, ?, ?, ?)""")
            .params(stream, jti, token, type, identity, correlation, ts(now), ts(hrReceivedAt), ts(now)).update();
    }

    /** A delivery as the timeline and the report show it. */
    public record Sent(String stream, String owner, String type, @Nullable String correlationId, @Nullable String identity,
                       String status, Instant createdAt, @Nullable Instant ackedAt, int attempts, Instant hrReceivedAt,
                       @Nullable String lastError) {
    }

    private static final String SENT = """
            select e.stream_id, s.owner, e.event_type, e.correlation_id, e.identity_key, e.status, e.created_at, e.acked_at,
                e.attempts, e.hr_received_at, e.last_error from ssf_event e join ssf_stream s on s.id = e.stream_id """;

    public List<Sent> forIdentity(String identity, int limit) {
        return jdbc.sql(SENT + " where e.identity_key = ? order by e.id desc limit ?").params(identity, limit)
            .query(Streams::sent).list();
    }

    /** Acknowledged in the period, oldest first, at most {@code limit}. */
    public List<Sent> ackedBetween(Instant from, Instant to, int limit) {
        return jdbc.sql(SENT + " where e.status = 'DONE' and e.acked_at >= ? and e.acked_at < ? order by e.acked_at limit ?")
            .params(ts(from), ts(to), limit).query(Streams::sent).list();
    }

    /** Per receiver (stream owner): events acknowledged in the period, waiting now, given up now. */
    public List<Object[]> countsByOwner(Instant from, Instant to) {
        return jdbc.sql("""
                select s.owner,
                    sum(case when e.status = 'DONE' and e.acked_at >= ? and e.acked_at < ? then 1 else 0 end),
                    sum(case when e.status = 'PENDING' then 1 else 0 end),
                    sum(case when e.status = 'DEAD' then 1 else 0 end)
                from ssf_event e join ssf_stream s on s.id = e.stream_id group by s.owner order by s.owner""")
            .params(ts(from), ts(to)).query((rs, n) -> new Object[] {rs.getString(1), rs.getLong(2), rs.getLong(3),
                rs.getLong(4)}).list();
    }

    private static Sent sent(ResultSet rs, int n) throws SQLException {
        Timestamp acked = rs.getTimestamp("acked_at");
        return new Sent(rs.getString("stream_id"), rs.getString("owner"), rs.getString("event_type"),
            rs.getString("correlation_id"), rs.getString("identity_key"), rs.getString("status"),
            rs.getTimestamp("created_at").toInstant(), acked == null ? null : acked.toInstant(), rs.getInt("attempts"),
            rs.getTimestamp("hr_received_at").toInstant(), rs.getString("last_error"));
    }

    /** A queued event. */
    public record Queued(long id, String stream, String jti, String token, String type, @Nullable String identity,
                         int attempts, Instant hrReceivedAt) {
    }

    /** Push events due now, oldest first. */
    public List<Queued> duePush(Instant now, int limit) {
        return jdbc.sql("""
                select e.* from ssf_event e join ssf_stream s on s.id = e.stream_id
                where e.status = 'PENDING' and e.next_attempt_at <= ? and s.method = 'urn:ietf:rfc:8935' and s.status = 'enabled'
                order by e.id limit ?""").params(ts(now), limit).query(Streams::queued).list();
    }

    public Optional<Instant> nextPushDue() {
        return jdbc.sql("""
                select min(e.next_attempt_at) from ssf_event e join ssf_stream s on s.id = e.stream_id
                where e.status = 'PENDING' and s.method = 'urn:ietf:rfc:8935' and s.status = 'enabled'""")
            .query((rs, n) -> rs.getTimestamp(1)).optional().map(Timestamp::toInstant);
    }

    /** A stream's pending events, oldest first (polling). */
    public List<Queued> pending(String stream, int limit) {
        return jdbc.sql("select * from ssf_event where stream_id = ? and status = 'PENDING' order by id limit ?")
            .params(stream, limit).query(Streams::queued).list();
    }

    public long countPending(String stream) {
        return jdbc.sql("select count(*) from ssf_event where stream_id = ? and status = 'PENDING'").param(stream)
            .query(Long.class).single();
    }

    /** Acknowledged: done. False when it was not pending (acknowledged already, or not this stream's). */
    public Optional<Queued> acknowledge(String stream, String jti, Instant at) {
        Optional<Queued> q = jdbc.sql("select * from ssf_event where stream_id = ? and jti = ? and status = 'PENDING'")
            .params(stream, jti).query(Streams::queued).optional();
        q.ifPresent(e -> jdbc.sql("update ssf_event set status = 'DONE', acked_at = ? where id = ?").params(ts(at), e.id())
            .update());
        return q;
    }

    public void retry(long id, Instant next, String error, boolean dead) {
        jdbc.sql("update ssf_event set attempts = attempts + 1, next_attempt_at = ?, last_error = ?, status = ? where id = ?")
            .params(ts(next), error.length() > 1000 ? error.substring(0, 1000) : error, dead ? "DEAD" : "PENDING", id)
            .update();
    }

    private static @Nullable Timestamp ts(@Nullable Instant i) {
        return i == null ? null : Timestamp.from(i);
    }

    private static Stream map(ResultSet rs, int n) throws SQLException {
        String events = rs.getString("events");
        return new Stream(rs.getString("id"), rs.getString("owner"), rs.getString("method"), rs.getString("endpoint_url"),
            events.isBlank() ? List.of() : Arrays.asList(events.split(" ")), rs.getString("format"), rs.getString("audience"),
            rs.getString("issuer"), rs.getString("status"), rs.getString("reason"), rs.getString("description"),
            rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    }

    private static Queued queued(ResultSet rs, int n) throws SQLException {
        return new Queued(rs.getLong("id"), rs.getString("stream_id"), rs.getString("jti"), rs.getString("token"),
            rs.getString("event_type"), rs.getString("identity_key"), rs.getInt("attempts"),
            rs.getTimestamp("hr_received_at").toInstant());
    }
}
