package org.roster.audit.internal;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.roster.audit.AuditEntry;
import org.roster.audit.AuditRecord;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** JDBC access to {@code audit_record}: insert and read, nothing else. */
@Repository
public class AuditRepository {

    private final JdbcClient jdbc;
    private final JdbcTemplate batch;

    public AuditRepository(JdbcClient jdbc, JdbcTemplate batch) {
        this.jdbc = jdbc;
        this.batch = batch;
    }

    private static final String INSERT = """
        insert into audit_record (recorded_at, identity_key, kind, stage, actor, target, detail, correlation_id)
        values (?, ?, ?, ?, ?, ?, ?, ?)""";

    public void insert(Instant at, AuditEntry e) {
        jdbc.sql(INSERT).params(row(at, e)).update();
    }

    /** Inserts the entries in order, as one JDBC batch. */
    public void insertAll(Instant at, List<AuditEntry> entries) {
        batch.batchUpdate(INSERT, entries.stream().map(e -> row(at, e)).toList());
    }

    /** Inserts entries recorded at different times, in order, as one JDBC batch. */
    public void insertAll(List<Map.Entry<Instant, AuditEntry>> entries) {
        batch.batchUpdate(INSERT, entries.stream().map(e -> row(e.getKey(), e.getValue())).toList());
    }

    private static Object[] row(Instant at, AuditEntry e) {
        return new Object[] {Timestamp.from(at), e.identity(), e.kind(), e.stage().name(), e.actor(), e.target(),
            truncate(e.detail(), 4000), e.correlationId()};
    }

    public List<AuditRecord> findByIdentity(String identity, int offset, int limit) {
        return jdbc.sql("""
                select seq, recorded_at, identity_key, kind, stage, actor, target, detail, correlation_id
                from audit_record where identity_key = ? order by seq limit ? offset ?""")
            .params(identity, limit, offset)
            .query((rs, n) -> new AuditRecord(rs.getLong("seq"), rs.getTimestamp("recorded_at").toInstant(),
                new AuditEntry(rs.getString("identity_key"), rs.getString("kind"),
                    AuditEntry.Stage.valueOf(rs.getString("stage")), rs.getString("actor"), rs.getString("target"),
                    rs.getString("detail"), rs.getString("correlation_id"))))
            .list();
    }

    public long countByIdentity(String identity) {
        return jdbc.sql("select count(*) from audit_record where identity_key = ?").param(identity)
            .query(Long.class).single();
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
