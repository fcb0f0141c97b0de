package org.roster.audit.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.roster.audit.AuditEntry;
import org.roster.audit.AuditHash;
import org.roster.audit.AuditQuery;
import org.roster.audit.AuditRecord;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * JDBC access to {@code audit_record}: chained inserts and reads, nothing else. Inserts take the
 * chain's head row lock ({@code audit_chain}) until their transaction ends, number the records and
 * hash each over the one before: the log is one sequence, whatever the concurrency.
 */
@Repository
public class AuditRepository {

    private static final String COLUMNS =
        "seq, recorded_at, identity_key, kind, stage, actor, target, detail, correlation_id, prev_hash, hash";

    private final JdbcClient jdbc;
    private final JdbcTemplate batch;

    public AuditRepository(JdbcClient jdbc, JdbcTemplate batch) {
        this.jdbc = jdbc;
        this.batch = batch;
    }

    /** Appends entries in order, chained; must run inside a transaction (the chain's lock is held until it ends). */
    public void insertAll(List<Map.Entry<Instant, AuditEntry>> entries) {
        if (entries.isEmpty()) {
            return;
        }
        jdbc.sql("update audit_chain set last_seq = last_seq where id = 1").update(); // the lock
        Map<String, Object> head = jdbc.sql("select last_seq, last_hash from audit_chain where id = 1").query().singleRow();
        long seq = ((Number) head.get("last_seq")).longValue();
        String prev = (String) head.get("last_hash");
        List<Object[]> rows = new ArrayList<>(entries.size());
        for (Map.Entry<Instant, AuditEntry> item : entries) {
            AuditEntry e = item.getValue();
            Instant at = item.getKey().truncatedTo(ChronoUnit.MILLIS); // what every store keeps exactly
            String detail = truncate(e.detail(), AuditEntry.MAX_DETAIL);
            seq++;
            String hash = AuditHash.of(prev, seq, at, e.identity(), e.kind(), e.stage().name(), e.actor(), e.target(),
                detail, e.correlationId());
            rows.add(new Object[] {seq, Timestamp.from(at), e.identity(), e.kind(), e.stage().name(), e.actor(),
                e.target(), detail, e.correlationId(), prev, hash});
            prev = hash;
        }
        try {
            org.roster.store.BulkInsert.insert(batch, "audit_record", COLUMNS, rows);
        } catch (org.springframework.dao.DuplicateKeyException e) {
            // appends hold the head's lock, so a record numbered past the head was not written by one of them
            throw new IllegalStateException("audit: a record numbered past the chain's head (" + head.get("last_seq")
                + ") is already stored: the store kept part of a commit and lost the head's update; nothing can be"
                + " recorded until it is repaired (docs/durability.md)", e);
        }
        jdbc.sql("update audit_chain set last_seq = ?, last_hash = ? where id = 1").params(seq, prev).update();
    }

    public List<AuditRecord> findByIdentity(String identity, int offset, int limit) {
        return jdbc.sql("select " + COLUMNS + " from audit_record where identity_key = ? order by seq limit ? offset ?")
            .params(identity, limit, offset).query(AuditRepository::map).list();
    }

    public long countByIdentity(String identity) {
        return jdbc.sql("select count(*) from audit_record where identity_key = ?").param(identity)
            .query(Long.class).single();
    }

    /** Records matching a query, oldest first, from after a sequence number. */
    public List<AuditRecord> find(AuditQuery q, long afterSeq, int limit) {
        return query(q, "seq > :seq", afterSeq, "order by seq", limit);
    }

    /** Records matching a query, newest first, before a sequence number ({@code Long.MAX_VALUE} for the newest). */
    public List<AuditRecord> findLatest(AuditQuery q, long beforeSeq, int limit) {
        return query(q, "seq < :seq", beforeSeq, "order by seq desc", limit);
    }

    private List<AuditRecord> query(AuditQuery q, String bound, long seq, String order, int limit) {
        StringBuilder sql = new StringBuilder("select " + COLUMNS + " from audit_record where " + bound);
        Map<String, Object> params = new java.util.HashMap<>();
        params.put("seq", seq);
        if (q.identity() != null) {
            sql.append(" and identity_key = :identity");
            params.put("identity", q.identity());
        }
        if (q.target() != null) {
            sql.append(" and target = :target");
            params.put("target", q.target());
        }
        if (q.kind() != null) {
            sql.append(" and kind = :kind");
            params.put("kind", q.kind());
        }
        if (q.actor() != null) {
            sql.append(" and actor = :actor");
            params.put("actor", q.actor());
        }
        if (q.from() != null) {
            sql.append(" and recorded_at >= :from");
            params.put("from", Timestamp.from(q.from()));
        }
        if (q.to() != null) {
            sql.append(" and recorded_at < :to");
            params.put("to", Timestamp.from(q.to()));
        }
        sql.append(' ').append(order).append(" limit :limit");
        params.put("limit", limit);
        return jdbc.sql(sql.toString()).params(params).query(AuditRepository::map).list();
    }

    /** Every record in sequence order, a page at a time: for verification and export, in bounded memory. */
    public void forEach(long afterSeq, int page, Consumer<AuditRecord> each) {
        long after = afterSeq;
        while (true) {
            List<AuditRecord> records = jdbc.sql("select " + COLUMNS + " from audit_record where seq > ? order by seq limit ?")
                .params(after, page).query(AuditRepository::map).list();
            records.forEach(each);
            if (records.size() < page) {
                return;
            }
            after = records.get(records.size() - 1).seq();
        }
    }

    /**
     * Checks {@code chain} for records past the chain's head (the last record is read before the head,
     * so that a record committed meanwhile lies under the head read after it).
     */
    public void expectNoneAfterHead(org.roster.audit.ChainVerifier chain) {
        long lastRecord = jdbc.sql("select coalesce(max(seq), 0) from audit_record").query(Long.class).single();
        chain.expectNoneAfterHead(lastRecord, head().getKey());
    }

    /** The chain's head: the last sequence number and hash written. */
    public Map.Entry<Long, String> head() {
        Map<String, Object> head = jdbc.sql("select last_seq, last_hash from audit_chain where id = 1").query().singleRow();
        return Map.entry(((Number) head.get("last_seq")).longValue(), (String) head.get("last_hash"));
    }

    private static AuditRecord map(ResultSet rs, int row) throws SQLException {
        return new AuditRecord(rs.getLong("seq"), rs.getTimestamp("recorded_at").toInstant(),
            new AuditEntry(rs.getString("identity_key"), rs.getString("kind"),
                AuditEntry.Stage.valueOf(rs.getString("stage")), rs.getString("actor"), rs.getString("target"),
                rs.getString("detail"), rs.getString("correlation_id")),
            rs.getString("prev_hash"), rs.getString("hash"));
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

}
