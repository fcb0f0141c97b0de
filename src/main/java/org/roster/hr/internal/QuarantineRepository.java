package org.roster.hr.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.roster.hr.QuarantinedRecord;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** JDBC access to {@code hr_quarantine} and {@code hr_inbound_message}. */
@Repository
public class QuarantineRepository {

    private final JdbcClient jdbc;

    public QuarantineRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(QuarantinedRecord q) {
        jdbc.sql("""
                insert into hr_quarantine (id, source, message_id, employee_number, record, field, reason, status, received_at)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?)""")
            .params(q.id(), q.source(), q.messageId(), q.employeeNumber(), q.record(), truncate(q.field(), 256),
                truncate(q.reason(), 2000), q.status().name(), Timestamp.from(q.receivedAt()))
            .update();
    }

    /** The records still held from a source for a worker with this field in error, newest first. */
    public List<String> openRecords(String source, @Nullable String employeeNumber, String field) {
        return employeeNumber == null
            ? jdbc.sql("select record from hr_quarantine where status = 'OPEN' and source = ? and employee_number is null"
                    + " and field = ? order by seq desc limit 50").params(source, field).query(String.class).list()
            : jdbc.sql("select record from hr_quarantine where status = 'OPEN' and source = ? and employee_number = ?"
                    + " and field = ? order by seq desc limit 50").params(source, employeeNumber, field)
                .query(String.class).list();
    }

    public Optional<QuarantinedRecord> find(String id) {
        return jdbc.sql("select * from hr_quarantine where id = ?").param(id).query(QuarantineRepository::map).optional();
    }

    public List<QuarantinedRecord> list(QuarantinedRecord.@Nullable Status status, int offset, int limit) {
        if (status == null) {
            return jdbc.sql("select * from hr_quarantine order by seq limit ? offset ?").params(limit, offset)
                .query(QuarantineRepository::map).list();
        }
        return jdbc.sql("select * from hr_quarantine where status = ? order by seq limit ? offset ?")
            .params(status.name(), limit, offset).query(QuarantineRepository::map).list();
    }

    /** Records quarantined in a period, oldest first. */
    public List<QuarantinedRecord> receivedBetween(Instant from, Instant to, int limit) {
        return jdbc.sql("select * from hr_quarantine where received_at >= ? and received_at < ? order by received_at limit ?")
            .params(java.sql.Timestamp.from(from), java.sql.Timestamp.from(to), limit).query(QuarantineRepository::map).list();
    }

    public long count(QuarantinedRecord.@Nullable Status status) {
        if (status == null) {
            return jdbc.sql("select count(*) from hr_quarantine").query(Long.class).single();
        }
        return jdbc.sql("select count(*) from hr_quarantine where status = ?").param(status.name())
            .query(Long.class).single();
    }

    /** Marks an open record resolved; false if it was not open any more. */
    public boolean resolve(String id, QuarantinedRecord.Status status, Instant at, String by) {
        return jdbc.sql("update hr_quarantine set status = ?, resolved_at = ?, resolved_by = ? where id = ? and status = 'OPEN'")
            .params(status.name(), Timestamp.from(at), by, id).update() == 1;
    }

    public void updateFailure(String id, String record, String field, String reason) {
        jdbc.sql("update hr_quarantine set record = ?, field = ?, reason = ? where id = ?")
            .params(record, truncate(field, 256), truncate(reason, 2000), id).update();
    }

    /** The outcome recorded for a message already received from a source, if any. */
    public Optional<String> inboundOutcome(String source, String messageId) {
        return jdbc.sql("select outcome from hr_inbound_message where source = ? and message_id = ?")
            .params(source, messageId).query(String.class).optional();
    }

    public void recordInbound(String source, String messageId, Instant at, String outcome) {
        jdbc.sql("insert into hr_inbound_message (source, message_id, received_at, outcome) values (?, ?, ?, ?)")
            .params(source, messageId, Timestamp.from(at), truncate(outcome, 2000)).update();
    }

    private static QuarantinedRecord map(ResultSet rs, int row) throws SQLException {
        Timestamp resolved = rs.getTimestamp("resolved_at");
        return new QuarantinedRecord(rs.getString("id"), rs.getString("source"), rs.getString("message_id"),
            rs.getString("employee_number"), rs.getString("record"), rs.getString("field"), rs.getString("reason"),
            QuarantinedRecord.Status.valueOf(rs.getString("status")), rs.getTimestamp("received_at").toInstant(),
            resolved == null ? null : resolved.toInstant(), rs.getString("resolved_by"));
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
