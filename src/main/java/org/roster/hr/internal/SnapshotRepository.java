package org.roster.hr.internal;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.roster.store.TransactionBatch;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** JDBC access to {@code hr_snapshot} and {@code hr_snapshot_row}. */
@Repository
public class SnapshotRepository {

    /** A stored row: the hash of its content. */
    public record Row(String hash) {
    }

    /** A stored row with its key, as read in order. */
    public record Keyed(String employeeNumber, String hash) {
    }

    private final JdbcClient jdbc;
    private final JdbcTemplate batch;

    public SnapshotRepository(JdbcClient jdbc, JdbcTemplate batch) {
        this.jdbc = jdbc;
        this.batch = batch;
    }

    public void start(String id, String source, Instant at) {
        jdbc.sql("insert into hr_snapshot (id, source, started_at) values (?, ?, ?)")
            .params(id, source, Timestamp.from(at)).update();
    }

    public void finish(String id, String digest, Instant at, String summary) {
        jdbc.sql("update hr_snapshot set digest = ?, finished_at = ?, summary = ? where id = ?")
            .params(digest, Timestamp.from(at), summary, id).update();
    }

    /** A snapshot whose import stopped without ending (its instance was killed): finished now, with why. */
    public void interrupted(String id, Instant at, String summary) {
        jdbc.sql("update hr_snapshot set finished_at = ?, summary = ? where id = ? and finished_at is null")
            .params(Timestamp.from(at), summary, id).update();
    }

    /** An earlier finished snapshot of the same source with the same content. */
    public Optional<String> sameContent(String source, String digest, String except) {
        return jdbc.sql("select id from hr_snapshot where source = ? and digest = ? and id <> ? order by seq limit 1")
            .params(source, digest, except).query(String.class).optional();
    }

    /** The source's last snapshot before {@code except}, finished or not: the last import that may have written its rows. */
    public Optional<String> lastBefore(String source, String except) {
        return jdbc.sql("select id from hr_snapshot where source = ? and id <> ? order by seq desc limit 1")
            .params(source, except).query(String.class).optional();
    }

    /** Whether the source had any snapshot finished before this one. */
    public boolean hadEarlier(String source, String except) {
        return jdbc.sql("select count(*) from hr_snapshot where source = ? and finished_at is not null and id <> ?")
            .params(source, except).query(Long.class).single() > 0;
    }

    public Map<String, Row> rows(String source, Collection<String> employeeNumbers) {
        Map<String, Row> found = new HashMap<>();
        if (employeeNumbers.isEmpty()) {
            return found;
        }
        TransactionBatch.flush(ROWS);
        jdbc.sql("select employee_number, row_hash from hr_snapshot_row where source = :source and employee_number in (:ids)")
            .paramSource(new MapSqlParameterSource().addValue("source", source).addValue("ids", employeeNumbers))
            .query(rs -> {
                found.put(rs.getString(1), new Row(rs.getString(2)));
            });
        return found;
    }

    /** Stores a row's hash; deferred to the commit with the batch's others (one batch names a worker once). */
    public void save(String source, String employeeNumber, String hash, String seenIn, boolean exists) {
        if (exists) {
            TransactionBatch.deferUpdate(batch, ROWS, List.of("row_hash", "seen_in"), List.of("source", "employee_number"),
                hash, seenIn, source, employeeNumber);
        } else {
            TransactionBatch.append(batch, ROWS, "source, employee_number, row_hash, seen_in", source, employeeNumber,
                hash, seenIn);
        }
    }

    private static final String ROWS = "hr_snapshot_row";

    public long countRows(String source) {
        TransactionBatch.flush(ROWS);
        return jdbc.sql("select count(*) from hr_snapshot_row where source = ?").param(source).query(Long.class).single();
    }

    /**
     * The employee numbers of the source's stored rows after {@code after}, in order, a page at a
     * time. Ordered by source too, so that H2 reads the page off the index instead of sorting every
     * row after {@code after} (which made a million-row source quadratic).
     */
    public List<String> keys(String source, String after, int limit) {
        TransactionBatch.flush(ROWS);
        return jdbc.sql("""
                select employee_number from hr_snapshot_row where source = ? and employee_number > ?
                order by source, employee_number limit ?""")
            .params(source, after, limit).query(String.class).list();
    }

    /** The source's stored rows after {@code after}, in order, a page at a time (see {@link #keys}). */
    public List<Keyed> rowsAfter(String source, String after, int limit) {
        TransactionBatch.flush(ROWS);
        return jdbc.sql("""
                select employee_number, row_hash from hr_snapshot_row where source = ? and employee_number > ?
                order by source, employee_number limit ?""")
            .params(source, after, limit).query((rs, n) -> new Keyed(rs.getString(1), rs.getString(2))).list();
    }

    public void delete(String source, String employeeNumber) {
        TransactionBatch.flush(ROWS);
        jdbc.sql("delete from hr_snapshot_row where source = ? and employee_number = ?")
            .params(source, employeeNumber).update();
    }
}
