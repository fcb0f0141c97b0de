package org.roster.hr.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.roster.hr.QuarantinedRecord;
import org.roster.store.StoreKind;
import org.roster.store.TransactionBatch;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** JDBC access to {@code hr_quarantine} and {@code hr_inbound_message}. */
@Repository
public class QuarantineRepository {

    private static final String TABLE = "hr_quarantine";
    /** What a batch read of its held workers' open records, by source and employee number ({@link #prefetchOpen}). */
    private static final String OPEN = "hr_quarantine.open";
    private static final int MOST_OPEN = 50;

    private final JdbcClient jdbc;
    private final JdbcTemplate batch;
    private final StoreKind store;

    public QuarantineRepository(JdbcClient jdbc, JdbcTemplate batch) {
        this.jdbc = jdbc;
        this.batch = batch;
        this.store = new StoreKind(batch);
    }

    /**
     * Holds a record. In a transaction it is written at the commit with the transaction's others
     * ({@code COPY} on PostgreSQL), and what this transaction prefetched for its worker counts it.
     */
    public void insert(QuarantinedRecord q) {
        TransactionBatch.append(batch, TABLE, "id, source, message_id, employee_number, record, field, reason, status, received_at",
            q.id(), q.source(), q.messageId(), q.employeeNumber(), q.record(), truncate(q.field(), 256),
            truncate(q.reason(), 2000), q.status().name(), Timestamp.from(q.receivedAt()));
        String key = key(q.source(), q.employeeNumber() == null ? "" : q.employeeNumber());
        Map<String, List<String>> open = TransactionBatch.known(OPEN, key);
        if (open != null) {
            Map<String, List<String>> more = new HashMap<>(open);
            List<String> records = new ArrayList<>(List.of(q.record()));
            List<String> before = open.getOrDefault(q.field(), List.of());
            records.addAll(before.subList(0, Math.min(before.size(), MOST_OPEN - 1)));
            more.put(q.field(), records);
            TransactionBatch.remember(OPEN, key, more);
        }
    }

    /**
     * Reads, in one query for all of them, the records still held from a source for these workers,
     * for {@link #openRecords} to answer from in this transaction: a batch holding many rows reads
     * once, not once a row.
     */
    public void prefetchOpen(String source, Collection<String> employeeNumbers) {
        if (employeeNumbers.isEmpty() || !TransactionBatch.inTransaction()) {
            return;
        }
        Map<String, Map<String, List<Held>>> found = new HashMap<>();
        TransactionBatch.readEach(jdbc(), store, TABLE, "employee_number", "employee_number, source, status, field, record, seq",
            false, employeeNumbers, rs -> {
                if (source.equals(rs.getString("source")) && "OPEN".equals(rs.getString("status"))) {
                    found.computeIfAbsent(rs.getString("employee_number"), en -> new HashMap<>())
                        .computeIfAbsent(rs.getString("field"), f -> new ArrayList<>())
                        .add(new Held(rs.getLong("seq"), rs.getString("record")));
                }
            });
        for (String en : employeeNumbers) {
            Map<String, List<String>> byField = new HashMap<>();
            found.getOrDefault(en, Map.of()).forEach((field, held) -> byField.put(field, held.stream()
                .sorted(java.util.Comparator.comparingLong(Held::seq).reversed()).limit(MOST_OPEN).map(Held::record).toList()));
            TransactionBatch.remember(OPEN, key(source, en), byField);
        }
    }

    private record Held(long seq, String record) {
    }

    private static String key(String source, String employeeNumber) {
        return source + '\u0000' + employeeNumber;
    }

    /**
     * The records still held from a source for a worker with this field in error, newest first. For a
     * record without an employee number, those among the {@value #RECENT} newest records held (of any
     * source): rows without one share no key to look them up by, and reading every such record for
     * each row made a file of them take time growing with its square. A transaction reads them once
     * and counts what it holds since.
     */
    public List<String> openRecords(String source, @Nullable String employeeNumber, String field) {
        String key = key(source, employeeNumber == null ? "" : employeeNumber);
        Map<String, List<String>> open = TransactionBatch.known(OPEN, key);
        if (open == null && employeeNumber == null) {
            open = recentUnnamed(source);
            TransactionBatch.remember(OPEN, key, open);
        }
        if (open != null) {
            List<String> held = open.getOrDefault(field, List.of());
            return held.subList(0, Math.min(held.size(), MOST_OPEN));
        }
        return jdbc().sql("select record from hr_quarantine where status = 'OPEN' and source = ? and employee_number = ?"
                + " and field = ? order by seq desc limit " + MOST_OPEN).params(source, employeeNumber, field)
            .query(String.class).list();
    }

    private static final int RECENT = 500;

    /** The open records without an employee number from this source among the newest held, by field, newest first. */
    private Map<String, List<String>> recentUnnamed(String source) {
        Map<String, List<String>> byField = new HashMap<>();
        jdbc().sql("select source, employee_number, field, record from hr_quarantine where status = 'OPEN'"
                + " order by seq desc limit " + RECENT)
            .query(rs -> {
                if (rs.getString("employee_number") == null && source.equals(rs.getString("source"))) {
                    byField.computeIfAbsent(rs.getString("field"), f -> new ArrayList<>()).add(rs.getString("record"));
                }
            });
        return byField;
    }

    /** The client, once what this transaction deferred for the table is written. */
    private JdbcClient jdbc() {
        TransactionBatch.flush(TABLE);
        return jdbc;
    }

    public Optional<QuarantinedRecord> find(String id) {
        return jdbc().sql("select * from hr_quarantine where id = ?").param(id).query(QuarantineRepository::map).optional();
    }

    /** In the order held; after the record with id {@code after} when it is given (none after one not there). */
    public List<QuarantinedRecord> list(QuarantinedRecord.@Nullable Status status, @Nullable String after, int offset,
                                        int limit) {
        return jdbc().sql("select * from hr_quarantine where " + (status == null ? "true" : "status = :status")
                + (after == null ? "" : " and seq > (select k.seq from hr_quarantine k where k.id = :after)")
                + " order by seq limit :limit offset :offset")
            .param("status", status == null ? "" : status.name()).param("after", after == null ? "" : after)
            .param("limit", limit).param("offset", offset).query(QuarantineRepository::map).list();
    }

    /** Records quarantined in a period, oldest first. */
    public List<QuarantinedRecord> receivedBetween(Instant from, Instant to, int limit) {
        return jdbc().sql("select * from hr_quarantine where received_at >= ? and received_at < ? order by received_at limit ?")
            .params(java.sql.Timestamp.from(from), java.sql.Timestamp.from(to), limit).query(QuarantineRepository::map).list();
    }

    public long count(QuarantinedRecord.@Nullable Status status) {
        if (status == null) {
            return jdbc().sql("select count(*) from hr_quarantine").query(Long.class).single();
        }
        return jdbc().sql("select count(*) from hr_quarantine where status = ?").param(status.name())
            .query(Long.class).single();
    }

    /** Marks an open record resolved; false if it was not open any more. */
    public boolean resolve(String id, QuarantinedRecord.Status status, Instant at, String by) {
        TransactionBatch.forgetAll(OPEN);
        return jdbc().sql("update hr_quarantine set status = ?, resolved_at = ?, resolved_by = ? where id = ? and status = 'OPEN'")
            .params(status.name(), Timestamp.from(at), by, id).update() == 1;
    }

    public void updateFailure(String id, String record, String field, String reason) {
        TransactionBatch.forgetAll(OPEN);
        jdbc().sql("update hr_quarantine set record = ?, field = ?, reason = ? where id = ?")
            .params(record, truncate(field, 256), truncate(reason, 2000), id).update();
    }

    /** The outcome recorded for a message already received from a source, if any. */
    public Optional<String> inboundOutcome(String source, String messageId) {
        return jdbc().sql("select outcome from hr_inbound_message where source = ? and message_id = ?")
            .params(source, messageId).query(String.class).optional();
    }

    public void recordInbound(String source, String messageId, Instant at, String outcome) {
        jdbc().sql("insert into hr_inbound_message (source, message_id, received_at, outcome) values (?, ?, ?, ?)")
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
