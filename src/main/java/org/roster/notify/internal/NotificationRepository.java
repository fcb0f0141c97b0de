package org.roster.notify.internal;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Notifications waiting to be sent, sent, or given up; and how far the notifier has looked. */
@Repository
public class NotificationRepository {

    private final JdbcClient jdbc;

    public NotificationRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** One notification. */
    public record Stored(String id, String eventKey, String event, String channel, String recipient, String subject,
                         String body, Instant createdAt, int attempts, String status, @Nullable Instant sentAt,
                         @Nullable String lastError) {
    }

    /** Stores a notification unless one with the same key exists; true if stored. */
    public boolean add(String key, String event, String channel, String recipient, String subject, String body,
                       Instant at, Instant due) {
        if (jdbc.sql("select count(*) from notification where event_key = ?").param(key).query(Long.class).single() > 0) {
            return false;
        }
        jdbc.sql("""
                insert into notification (id, event_key, event, channel, recipient, subject, body, created_at,
                    next_attempt_at, attempts, status)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 'PENDING')""")
            .params(java.util.UUID.randomUUID().toString(), key, event, channel, recipient, cut(subject, 400),
                cut(body, 8000), Timestamp.from(at), Timestamp.from(due))
            .update();
        return true;
    }

    public List<Stored> due(Instant now, int limit) {
        return jdbc.sql(SELECT + " where status = 'PENDING' and next_attempt_at <= ? order by channel, recipient, created_at limit ?")
            .params(Timestamp.from(now), limit).query(NotificationRepository::map).list();
    }

    public void sent(String id, Instant at) {
        jdbc.sql("update notification set status = 'SENT', sent_at = ?, attempts = attempts + 1 where id = ?")
            .params(Timestamp.from(at), id).update();
    }

    public void failed(String id, String error, Instant next, boolean giveUp) {
        jdbc.sql("update notification set attempts = attempts + 1, last_error = ?, next_attempt_at = ?, status = ? where id = ?")
            .params(cut(error, 1000), Timestamp.from(next), giveUp ? "FAILED" : "PENDING", id).update();
    }

    /** Newest first; after a position ({@code org.roster.store.Keyset}) when it is given. */
    public List<Stored> recent(org.roster.store.Keyset.@org.jspecify.annotations.Nullable Position after, int offset, int limit) {
        return jdbc.sql(SELECT + " where true" + (after == null ? "" : org.roster.store.Keyset.after("", "created_at", true))
                + " order by created_at desc, id limit :limit offset :offset")
            .param("afterAt", after == null ? null : after.timestamp()).param("afterId", after == null ? "" : after.id())
            .param("limit", limit).param("offset", offset)
            .query(NotificationRepository::map).list();
    }

    public Optional<Long> mark(String name) {
        return jdbc.sql("select mark from notification_mark where name = ?").param(name).query(Long.class).optional();
    }

    public void setMark(String name, long mark) {
        if (jdbc.sql("update notification_mark set mark = ? where name = ?").params(mark, name).update() == 0) {
            jdbc.sql("insert into notification_mark (name, mark) values (?, ?)").params(name, mark).update();
        }
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    private static final String SELECT = """
        select id, event_key, event, channel, recipient, subject, body, created_at, attempts, status, sent_at, last_error
        from notification""";

    private static Stored map(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        Timestamp sent = rs.getTimestamp(11);
        return new Stored(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
            rs.getString(6), rs.getString(7), rs.getTimestamp(8).toInstant(), rs.getInt(9), rs.getString(10),
            sent == null ? null : sent.toInstant(), rs.getString(12));
    }
}
