package org.roster.lifecycle.internal;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.roster.store.TransactionBatch;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** JDBC access to {@code lifecycle_schedule}: at most one pending time-based change per identity. */
@Repository
public class ScheduleRepository {

    /** A change due for an identity, caused by an HR event. */
    public record Due(String employeeNumber, Instant dueAt, String hrEventId) {
    }

    private static final String TABLE = "lifecycle_schedule";

    private final JdbcClient jdbc;
    private final org.springframework.jdbc.core.JdbcTemplate batch;

    public ScheduleRepository(JdbcClient jdbc, org.springframework.jdbc.core.JdbcTemplate batch) {
        this.jdbc = jdbc;
        this.batch = batch;
    }

    /** The table, with the changes this transaction scheduled written first. */
    private JdbcClient jdbc() {
        TransactionBatch.flush(TABLE);
        return jdbc;
    }

    /**
     * Schedules the identity's next change, replacing any earlier one ({@code existing}: there may be
     * one). In a transaction it is written with the transaction's others, before anything here reads
     * the table and at the latest at the commit (a first load's contractors with an end date: one in ten).
     */
    public void set(String employeeNumber, Instant dueAt, String hrEventId, boolean existing) {
        if (existing) {
            clear(employeeNumber);
        }
        TransactionBatch.forget(SCHEDULED, employeeNumber);
        TransactionBatch.append(batch, TABLE, "employee_number, due_at, hr_event_id", employeeNumber, Timestamp.from(dueAt),
            hrEventId);
    }

    public void clear(String employeeNumber) {
        if (!TransactionBatch.absent(SCHEDULED, employeeNumber)) {
            jdbc().sql("delete from lifecycle_schedule where employee_number = ?").param(employeeNumber).update();
        }
    }

    /** What {@link TransactionBatch} knows of: an identity with a change scheduled. */
    private static final String SCHEDULED = "lifecycle_schedule.employee_number";

    /**
     * Reads, in one query, which of these identities have a change scheduled, so that {@link #clear}
     * costs no statement for the others in this transaction.
     */
    public void prefetchScheduled(java.util.Collection<String> employeeNumbers) {
        TransactionBatch.prefetch(jdbc(), SCHEDULED,
            "select employee_number from lifecycle_schedule where employee_number in (:keys)", employeeNumbers);
    }

    public Optional<Due> find(String employeeNumber) {
        return jdbc().sql("select * from lifecycle_schedule where employee_number = ?").param(employeeNumber)
            .query((rs, n) -> new Due(rs.getString("employee_number"), rs.getTimestamp("due_at").toInstant(),
                rs.getString("hr_event_id"))).optional();
    }

    public List<Due> dueBy(Instant now, int limit) {
        return jdbc().sql("select * from lifecycle_schedule where due_at <= ? order by due_at limit ?")
            .params(Timestamp.from(now), limit)
            .query((rs, n) -> new Due(rs.getString("employee_number"), rs.getTimestamp("due_at").toInstant(),
                rs.getString("hr_event_id"))).list();
    }

    public Optional<Instant> nextDue() {
        return jdbc().sql("select min(due_at) from lifecycle_schedule").query((rs, n) -> rs.getTimestamp(1))
            .optional().map(Timestamp::toInstant);
    }
}
