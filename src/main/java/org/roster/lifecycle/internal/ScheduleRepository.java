package org.roster.lifecycle.internal;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
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
    private final org.roster.store.StoreKind store;

    public ScheduleRepository(JdbcClient jdbc, org.springframework.jdbc.core.JdbcTemplate batch) {
        this.jdbc = jdbc;
        this.batch = batch;
        this.store = new org.roster.store.StoreKind(batch);
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
     *
     * <p>When the batch read the identity's schedule ({@link #prefetchScheduled}), a change already
     * scheduled for the same moment is kept as it is, with the HR event that set its date: it is the
     * same change (at its moment the identity is evaluated against its HR record of then, whatever
     * event came between), and an HR change that did not touch the dates (a contractor's department)
     * writes nothing here. One scheduled for another moment is moved with the transaction's other
     * writes, rather than deleted and written again.
     */
    public void set(String employeeNumber, Instant dueAt, String hrEventId, boolean existing) {
        Instant scheduled = TransactionBatch.known(SCHEDULED, employeeNumber);
        if (scheduled != null && scheduled.equals(dueAt)) {
            return;
        }
        if (scheduled != null) {
            // Nothing is known of it after this: a second change to the identity in this transaction goes the
            // long way (its delete runs what was deferred first), so that this update is never grouped with
            // a deferred insert of the same identity.
            TransactionBatch.forget(SCHEDULED, employeeNumber);
            TransactionBatch.deferUpdate(batch, TABLE, List.of("due_at", "hr_event_id"), List.of("employee_number"),
                Timestamp.from(dueAt), hrEventId, employeeNumber);
            return;
        }
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

    /**
     * Clears the scheduled changes of these identities in one statement a chunk, so that
     * {@link #clear} and {@link #set} then cost no statement for them in this transaction.
     */
    public void clearAll(java.util.Collection<String> employeeNumbers) {
        if (employeeNumbers.isEmpty()) {
            return;
        }
        TransactionBatch.flush(TABLE);
        for (List<String> chunk : TransactionBatch.chunks(employeeNumbers)) {
            jdbc().sql("delete from lifecycle_schedule where employee_number in (:keys)").param("keys", chunk).update();
        }
        TransactionBatch.knownAbsent(SCHEDULED, employeeNumbers, List.of());
    }

    /**
     * What {@link TransactionBatch} knows of: the moment of an identity's scheduled change
     * ({@link TransactionBatch#known}), or that it has none ({@link TransactionBatch#absent}).
     */
    private static final String SCHEDULED = "lifecycle_schedule.employee_number";

    /**
     * Reads, in one query, the scheduled changes of these identities, so that {@link #clear} costs no
     * statement for those with none, and {@link #set} none for those whose change stays as it is, in
     * this transaction.
     */
    public void prefetchScheduled(java.util.Collection<String> employeeNumbers) {
        if (employeeNumbers.isEmpty() || !TransactionBatch.inTransaction()) {
            return;
        }
        java.util.Set<String> present = new java.util.HashSet<>();
        TransactionBatch.readEach(jdbc(), store, TABLE, "employee_number", "employee_number, due_at", true, employeeNumbers,
            rs -> {
                present.add(rs.getString(1));
                TransactionBatch.remember(SCHEDULED, rs.getString(1), rs.getTimestamp(2).toInstant());
            });
        TransactionBatch.knownAbsent(SCHEDULED, employeeNumbers, present);
    }

    public Optional<Due> find(String employeeNumber) {
        return jdbc().sql("select * from lifecycle_schedule where employee_number = ?").param(employeeNumber)
            .query((rs, n) -> new Due(rs.getString("employee_number"), rs.getTimestamp("due_at").toInstant(),
                rs.getString("hr_event_id"))).optional();
    }

    /**
     * Up to {@code limit} changes due by {@code now}, in (moment, employee number) order, after {@code after}
     * (null: from the first): a pass walks every due change once, whether or not those before it could be applied.
     */
    public List<Due> dueBy(Instant now, @Nullable Due after, int limit) {
        return org.roster.store.DuePages.after(jdbc(),
            "select employee_number, due_at, hr_event_id from lifecycle_schedule where due_at <= :now", "due_at",
            "employee_number", now, after == null ? null : after.dueAt(), after == null ? null : after.employeeNumber(),
            limit, (rs, n) -> new Due(rs.getString("employee_number"), rs.getTimestamp("due_at").toInstant(),
                rs.getString("hr_event_id")));
    }

    /** The earliest change due after {@code now}, if any. */
    public Optional<Instant> nextDueAfter(Instant now) {
        return jdbc().sql("select min(due_at) from lifecycle_schedule where due_at > ?").param(Timestamp.from(now))
            .query((rs, n) -> rs.getTimestamp(1)).optional().map(Timestamp::toInstant);
    }
}
