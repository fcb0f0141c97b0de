package org.roster.hr.internal;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.roster.hr.PendingReference;
import org.roster.store.TransactionBatch;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** JDBC access to {@code hr_pending_reference}. */
@Repository
public class ReferenceRepository {

    private static final String TABLE = "hr_pending_reference";

    private final JdbcClient jdbc;
    private final org.springframework.jdbc.core.JdbcTemplate batch;
    private final org.roster.store.StoreKind store;

    public ReferenceRepository(JdbcClient jdbc, org.springframework.jdbc.core.JdbcTemplate batch) {
        this.jdbc = jdbc;
        this.batch = batch;
        this.store = new org.roster.store.StoreKind(batch);
    }

    /** The table, with the references this transaction recorded written first. */
    private JdbcClient jdbc() {
        TransactionBatch.flush(TABLE);
        return jdbc;
    }

    /**
     * Records a pending reference; false if this very reference was already pending. In a transaction
     * it is written with the transaction's others, before anything here reads the table and at the
     * latest at the commit (a first load's reports that arrive before their managers: half its workers).
     */
    public boolean record(String employeeNumber, String field, String reference, Instant since) {
        String existing = TransactionBatch.absent(PENDING, employeeNumber) ? null
            : jdbc().sql("select reference from hr_pending_reference where employee_number = ? and field = ?")
                .params(employeeNumber, field).query(String.class).optional().orElse(null);
        if (reference.equals(existing)) {
            return false;
        }
        clear(employeeNumber, field);
        TransactionBatch.forget(WAITING_FOR, reference);
        TransactionBatch.forget(PENDING, employeeNumber);
        TransactionBatch.append(batch, TABLE, "employee_number, field, reference, since", employeeNumber, field, reference,
            Timestamp.from(since));
        return true;
    }

    public void clear(String employeeNumber, String field) {
        if (TransactionBatch.absent(PENDING, employeeNumber)) {
            return;
        }
        jdbc().sql("delete from hr_pending_reference where employee_number = ? and field = ?")
            .params(employeeNumber, field).update();
    }

    /** What {@link TransactionBatch} knows of: a worker with a reference of its own pending. */
    private static final String PENDING = "hr_pending_reference.employee_number";

    /**
     * Reads, in one query, which of these workers have a reference of their own pending, so that
     * {@link #record} and {@link #clear} cost no statement to find none for the others in this
     * transaction. Only {@code stored}, those Roster has, are read: a reference of a worker's own is
     * recorded in the transaction that stores the worker, so a worker Roster does not have has none.
     */
    public void prefetchPending(java.util.Collection<String> employeeNumbers, java.util.Collection<String> stored) {
        TransactionBatch.prefetchEach(jdbc(), store, PENDING, TABLE, "employee_number", stored);
        TransactionBatch.knownAbsent(PENDING, employeeNumbers.stream().filter(en -> !stored.contains(en)).toList(),
            java.util.Set.of());
    }

    /**
     * What {@link TransactionBatch} knows of: the references that wait for an employee number
     * ({@link TransactionBatch#known}: a list of {@link Waiting}), or that none does.
     */
    private static final String WAITING_FOR = "hr_pending_reference.reference";

    /** A worker's reference, in one of its fields, to an employee number Roster did not have. */
    private record Waiting(String employeeNumber, String field) {
    }

    /**
     * Reads, in one query, the references that wait for these employee numbers, so that
     * {@link #resolve} finds them without a query in this transaction (a first load resolves one for
     * every report that came before their manager: half its workers). On PostgreSQL each is found by
     * the index, whatever the statistics say (as {@link TransactionBatch#prefetchEach}).
     */
    public void prefetchWaitingFor(java.util.Collection<String> employeeNumbers) {
        if (employeeNumbers.isEmpty() || !TransactionBatch.inTransaction()) {
            return;
        }
        java.util.Map<String, List<Waiting>> waiting = new java.util.HashMap<>();
        TransactionBatch.readEach(jdbc(), store, TABLE, "reference", "reference, employee_number, field", false,
            employeeNumbers, rs -> {
                waiting.computeIfAbsent(rs.getString(1), r -> new java.util.ArrayList<>())
                    .add(new Waiting(rs.getString(2), rs.getString(3)));
            });
        TransactionBatch.knownAbsent(WAITING_FOR, employeeNumbers, waiting.keySet());
        waiting.forEach((reference, references) -> TransactionBatch.remember(WAITING_FOR, reference, List.copyOf(references)));
    }

    /**
     * Whether a reference may wait for this employee number: false only when this transaction read
     * that none does ({@link #prefetchWaitingFor}) and recorded none to it since.
     */
    public boolean mayBeAwaited(String employeeNumber) {
        if (TransactionBatch.absent(WAITING_FOR, employeeNumber)) {
            return false;
        }
        List<Waiting> known = TransactionBatch.known(WAITING_FOR, employeeNumber);
        return known == null || !known.isEmpty();
    }

    /**
     * Removes and returns the workers whose {@code field} was waiting for {@code reference}. Those the
     * batch read ahead are removed with the transaction's other writes, by one statement for the
     * reference: nothing this transaction writes before it could be among them (a reference recorded
     * to it since the read makes it read again), and nothing after it either (once the worker it
     * waits for is stored, a reference to them is not pending).
     */
    public List<String> resolve(String field, String reference) {
        if (TransactionBatch.absent(WAITING_FOR, reference)) {
            return List.of();
        }
        List<Waiting> known = TransactionBatch.known(WAITING_FOR, reference);
        if (known != null) {
            List<String> resolved = new java.util.ArrayList<>();
            List<Waiting> left = new java.util.ArrayList<>();
            for (Waiting w : known) {
                if (w.field().equals(field)) {
                    resolved.add(w.employeeNumber());
                } else {
                    left.add(w);
                }
            }
            if (!resolved.isEmpty()) {
                TransactionBatch.defer(batch, TABLE, "delete from hr_pending_reference where field = ? and reference = ?", field,
                    reference);
            }
            // remembered, not recorded absent: a savepoint rolled back forgets it, and the delete with it
            TransactionBatch.remember(WAITING_FOR, reference, List.copyOf(left));
            return resolved;
        }
        List<String> waiting = jdbc().sql("select employee_number from hr_pending_reference where field = ? and reference = ?")
            .params(field, reference).query(String.class).list();
        if (!waiting.isEmpty()) {
            jdbc().sql("delete from hr_pending_reference where field = ? and reference = ?").params(field, reference).update();
        }
        return waiting;
    }

    public long count() {
        return jdbc().sql("select count(*) from hr_pending_reference").query(Long.class).single();
    }

    public List<PendingReference> list(int offset, int limit) {
        return jdbc().sql("select * from hr_pending_reference order by since, employee_number limit ? offset ?")
            .params(limit, offset)
            .query((rs, n) -> new PendingReference(rs.getString("employee_number"), rs.getString("field"),
                rs.getString("reference"), rs.getTimestamp("since").toInstant()))
            .list();
    }
}
